/**
 * Command round-trip benchmark: a command sent through the ledger (id generated, SQLite record, POST,
 * gateway answer recorded) against a bare undici POST of the same command to the same real gateway
 * process, interleaved in the same run. Target: the ledger adds < 2 ms (median).
 *
 *   npx node bench/farms-command.ts [--count 200]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { silentLogger } from '../kit/log.ts';
import { createTailnetDialer } from '../main/core/farms/dialer.ts';
import { createFarmConnections } from '../main/core/farms/connections.ts';

const { values } = parseArgs({ options: { count: { type: 'string' } } });
const count = Math.min(2_000, Number(values.count ?? 200));
const deadline = performance.now() + 120_000; // bound the whole run in time as well as in count
const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'agromesh-bench-command-'));

const child = spawn(
  join(root, 'node_modules', '.bin', 'node'),
  [
    join(root, 'bin', 'agromesh.js'),
    'gateway',
    '--simulate',
    '--seed',
    '5',
    '--farm-id',
    'bench-cmd',
    '--listen',
    '127.0.0.1:0',
    '--data-dir',
    join(dir, 'gw'),
    '--insecure-no-auth',
    '--log-level',
    'error',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 1000) / 1000;
  return {
    n: s.length,
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p99Ms: q(0.99),
    meanMs: Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 1000) / 1000,
  };
};

try {
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('gateway did not start')), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });

  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 4, keepAliveTimeout: 30_000 });
  const farms = createFarmConnections({
    dataDir: join(dir, 'app'),
    dialer: createTailnetDialer({ mode: 'simulated' }),
    log: silentLogger,
  });
  await farms.connect({ farmId: 'bench-cmd', address: '127.0.0.1', port });
  for (let i = 0; i < 200 && !(farms.latest('bench-cmd')?.link === 'live' && farms.info('bench-cmd')); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }

  const command = { target: 'valve-1', action: 'close', params: {} as Record<string, number> };
  const bareOnce = async () => {
    const t0 = performance.now();
    const res = await pool.request({
      path: '/api/commands',
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        ...command,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      }),
    });
    await res.body.json();
    if (res.statusCode !== 202) throw new Error(`bare POST answered ${res.statusCode}`);
    return performance.now() - t0;
  };
  const ledgerOnce = async () => {
    const t0 = performance.now();
    const c = await farms.sendCommand({ farmId: 'bench-cmd', ...command, requestedBy: 'bench@farm.example' });
    if (c.state === 'sending' || c.state === 'unknown' || c.state === 'rejected')
      throw new Error(`ledger ended in ${c.state}`);
    return performance.now() - t0;
  };

  // Warm up both paths (JIT, keep-alive connections, SQLite pages).
  for (let i = 0; i < 20; i++) {
    await bareOnce();
    await ledgerOnce();
  }
  const bare: number[] = [];
  const ledger: number[] = [];
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    // Alternate which goes first so neither always meets a warmer gateway.
    if (i % 2 === 0) {
      bare.push(await bareOnce());
      ledger.push(await ledgerOnce());
    } else {
      ledger.push(await ledgerOnce());
      bare.push(await bareOnce());
    }
  }
  await farms.dispose();
  await pool.destroy();
  const b = stats(bare);
  const l = stats(ledger);
  const extra = Math.round((l.p50Ms - b.p50Ms) * 1000) / 1000;
  console.log(
    JSON.stringify(
      {
        bench: 'farms-command',
        gateway: 'agromesh gateway --simulate (child process)',
        baseline: { client: 'bare undici POST /api/commands', ...b },
        ledger: { path: 'FarmConnections.sendCommand', ...l },
        extraP50Ms: extra,
        extraP99Ms: Math.round((l.p99Ms - b.p99Ms) * 1000) / 1000,
        ratioP50: Math.round((l.p50Ms / b.p50Ms) * 100) / 100,
        target: { extraP50Ms: '< 2' },
        pass: extra < 2,
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
