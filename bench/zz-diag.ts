import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../kit/log.ts';
import { createTailnetDialer } from '../main/core/farms/dialer.ts';
import { createFarmConnections } from '../main/core/farms/connections.ts';
import { startFleet } from './farms-fleet.ts';
const fleet = await startFleet({ farms: 20, sensors: 10, mode: 'flood', maxSeconds: 30 });
const core = createFarmConnections({
  dataDir: mkdtempSync(join(tmpdir(), 'x-')),
  dialer: createTailnetDialer({ mode: 'simulated' }),
  log: silentLogger,
});
let hub = 0;
let batches = 0;
core.on('readings', (b) => {
  batches++;
  for (const f of b.farms) hub += f.readings.length;
});
await Promise.all(
  fleet.ports.map((port, i) => core.connect({ farmId: fleet.farmId(i), address: '127.0.0.1', port })),
);
let last = performance.now();
const gaps: number[] = [];
const iv = setInterval(() => {
  const n = performance.now();
  gaps.push(n - last);
  last = n;
}, 10);
const t0 = performance.now();
for (let i = 0; i < 16; i++) {
  await new Promise((r) => setTimeout(r, 500));
  console.log(
    Math.round(performance.now() - t0),
    'hub',
    hub,
    'batches',
    batches,
    'maxgap',
    Math.round(Math.max(...gaps.splice(0))),
  );
}
clearInterval(iv);
await core.dispose();
await fleet.stop();
