/**
 * N control rooms on one live stream, from their own process: N `ws` clients on URL, each counting the
 * readings it receives (a cheap scan for `"sensorId"`, the same cost for every server). Prints `ready`
 * once every client has its hello. Then, told `expect TOTAL` on stdin, it waits until every client has
 * TOTAL readings (or 10 s pass), prints one JSON line (counts, and the time from the first readings frame
 * to the last) and exits. With CAPTURE it also writes the first 200
 * readings frames it saw (raw text) to that file, for the same-frames baseline.
 *
 *   node bench/_stream-subscribers.ts URL N [CAPTURE]
 */
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { wsText } from '../kit/ws-text.ts';

const [url, countArg, capture] = process.argv.slice(2);
const N = Math.min(100, Number(countArg));
const counts = new Array<number>(N).fill(0);
const frames: string[] = [];
let bytes = 0;
let firstAt = 0; // the first readings frame, on any client
let lastAt = 0; // the latest readings frame, on any client

const readingsIn = (text: string) => {
  let k = 0;
  for (let i = text.indexOf('"sensorId"'); i !== -1; i = text.indexOf('"sensorId"', i + 10)) k++;
  return k;
};

const clients = await Promise.all(
  Array.from(
    { length: N },
    (_, i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url!, { perMessageDeflate: false });
        ws.on('message', (data: Buffer) => {
          const text = wsText(data);
          bytes += data.length;
          if (text.startsWith('{"type":"hello"')) return resolve(ws);
          if (!text.startsWith('{"type":"readings"')) return;
          counts[i]! += readingsIn(text);
          lastAt = performance.now();
          firstAt ||= lastAt;
          if (i === 0 && capture && frames.length < 200) frames.push(text);
        });
        ws.once('error', reject);
        // A bare server sends no hello: open is ready enough there.
        ws.once('open', () => url!.includes('/api/stream') || resolve(ws));
      }),
  ),
);
console.log('ready');

process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  const m = /expect (\d+)/.exec(line);
  if (!m) return;
  const total = Number(m[1]);
  const deadline = performance.now() + 10_000;
  const check = () => {
    if (counts.every((c) => c >= total) || performance.now() > deadline) {
      if (capture) writeFileSync(capture, JSON.stringify(frames));
      for (const ws of clients) ws.terminate();
      console.log(
        JSON.stringify({
          clients: N,
          minReadings: Math.min(...counts),
          maxReadings: Math.max(...counts),
          bytes,
          // From the first readings frame to the last: the delivery window, whoever sends.
          seconds: +((lastAt - firstAt) / 1000).toFixed(3),
        }),
      );
      process.exit(0);
    }
    setTimeout(check, 20);
  };
  check();
});
