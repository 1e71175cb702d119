import { StreamMessage, Reading } from '../protocol/farm-api.ts';
import { z } from 'zod';
let readings = '';
for (let i = 0; i < 10; i++)
  readings += `${i ? ',' : ''}{"sensorId":"s${i + 1}","ts":${1700000000000 + i},"value":${(20 + i).toFixed(2)},"quality":"ok"}`;
const text = `{"type":"readings","seq":5,"readings":[${readings}]}`;
const N = 100_000;
let t = performance.now();
for (let i = 0; i < N; i++) JSON.parse(text);
const tp = performance.now() - t;
t = performance.now();
for (let i = 0; i < N; i++) StreamMessage.parse(JSON.parse(text));
const tz = performance.now() - t;
const RM = z.object({ type: z.literal('readings'), seq: z.number().int(), readings: z.array(Reading) });
t = performance.now();
for (let i = 0; i < N; i++) RM.parse(JSON.parse(text));
const tr = performance.now() - t;
console.log({
  parseUsPerMsg: ((tp / N) * 1000).toFixed(2),
  zodUnionUs: (((tz - tp) / N) * 1000).toFixed(2),
  zodReadingsOnlyUs: (((tr - tp) / N) * 1000).toFixed(2),
});
