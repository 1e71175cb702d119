/**
 * LocalAPI /status of a 2,000-peer tailnet: the cost of lossless int64 parsing and of the whole
 * normalization to TailnetDevice[], against plain JSON.parse of the same bytes; and listDevices() through
 * the LocalAPI manager over a unix socket against a raw GET of the same endpoint (same run, same machine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLosslessJson } from '../kit/tailscale/lossless-json.ts';
import { createLocalApiClient } from '../kit/tailscale/localapi.ts';
import { Status } from '../kit/tailscale/localapi-types.ts';
import { createLocalApiManager } from '../main/core/tailnet/localapi-backend.ts';
import { devicesFromStatus } from '../main/core/tailnet/normalize.ts';
import { startSimTailnet } from '../sim/tailnet/index.ts';
import { statusJson } from '../sim/tailnet/render.ts';

const PEERS = 2_000;
const ROUNDS = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => unknown, rounds = ROUNDS): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-tailnet-'));
const sim = await startSimTailnet({ dir, seed: 1 });
for (let i = 0; i < PEERS; i++) {
  sim.tailnet.addDevice({ name: `farm-${i}`, tags: i % 3 === 0 ? [] : ['tag:farm'], online: i % 5 !== 0 });
}
const text = JSON.stringify(
  statusJson(sim.tailnet, sim.self, { peers: true, version: '1.102.3' }),
  null,
  '\t',
);

const plain = await time(() => JSON.parse(text));
const lossless = await time(() => parseLosslessJson(text));
const full = await time(() => devicesFromStatus(Status.parse(parseLosslessJson(text))));

const rawGet = () =>
  new Promise<void>((resolve, reject) => {
    const req = request(
      {
        socketPath: sim.localApiSocket,
        path: '/localapi/v0/status',
        headers: { host: 'local-tailscaled.sock' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end();
  });
const manager = createLocalApiManager({ client: createLocalApiClient({ socketPath: sim.localApiSocket }) });
const raw = await time(rawGet, 15);
const listed = await time(() => manager.listDevices(), 15);

console.log(
  JSON.stringify(
    {
      peers: PEERS,
      statusBytes: text.length,
      jsonParseMs: +plain.toFixed(2),
      losslessParseMs: +lossless.toFixed(2),
      losslessVsJsonParse: +(lossless / plain).toFixed(2),
      parseValidateNormalizeMs: +full.toFixed(2),
      normalizeVsJsonParse: +(full / plain).toFixed(2),
      rawStatusGetMs: +raw.toFixed(2),
      listDevicesMs: +listed.toFixed(2),
      listDevicesVsRawGet: +(listed / raw).toFixed(2),
    },
    null,
    2,
  ),
);
await manager.dispose();
await sim.dispose();
rmSync(dir, { recursive: true, force: true });
