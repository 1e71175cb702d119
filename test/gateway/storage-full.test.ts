/**
 * A full disk. In-process, the open database is capped with PRAGMA max_page_count (as full as the file
 * is now), then uncapped to prove the gateway recovers by itself. At start-up, a real child process runs
 * under a file-size limit (ulimit -f), which gives SQLite the same I/O errors as a full disk.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CommandRecord, Health, HistoryResponse } from '../../protocol/farm-api.ts';
import { EXIT_STORAGE_FULL } from '../../gateway/cli.ts';
import { getMeta, openGatewayDatabase, setMeta } from '../../gateway/store/db.ts';
import { hardwareLayout } from './fixtures.ts';
import { T0, type TestGateway, call, expiresIn, startTestGateway, tempDir } from './helpers.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = tempDir('agromesh-full-');
afterAll(() => dir.remove());
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

describe('a full disk', () => {
  it('refuses new readings and commands with 507 STORAGE_FULL, keeps serving reads, and recovers by itself', async () => {
    let db: DatabaseSync | undefined;
    gw = await startTestGateway({
      simulate: null,
      layout: hardwareLayout,
      push: { port: 0 },
      actuatorDriver: { execute: async () => ({ outcome: 'succeeded' }) },
      onDatabase: (d) => (db = d),
    });
    const push = `http://127.0.0.1:${gw.pushPort}`;
    let ts = T0 - 3_600_000;
    const batch = (n: number) => ({
      readings: Array.from({ length: n }, () => ({ sensorId: 'probe-1', ts: ts++, value: 30 })),
    });
    const first = ts;
    expect((await call(push, 'POST', '/api/readings', { from: '127.0.0.1', body: batch(100) })).status).toBe(
      200,
    );

    db!.exec('PRAGMA max_page_count = 1'); // capped at the pages it has now: the disk is full
    let refused;
    let storedAfterCap = 0;
    for (let i = 0; i < 50 && !refused; i++) {
      const r = await call(push, 'POST', '/api/readings', { from: '127.0.0.1', body: batch(500) });
      if (r.status !== 200) refused = r;
      else storedAfterCap += 500;
    }
    expect(refused?.status).toBe(507);
    expect(refused?.body).toMatchObject({ error: { code: 'STORAGE_FULL' } });

    const command = (id: string) =>
      call(gw!.url, 'POST', '/api/commands', {
        body: {
          id,
          action: 'pulse',
          target: 'relay-1',
          params: { seconds: 1 },
          expiresAt: expiresIn(gw!.clock, 600_000),
        },
      });
    const accepted: string[] = [];
    let refusedCommand: { id: string; status: number; body: unknown } | undefined;
    for (let i = 0; i < 200 && !refusedCommand; i++) {
      const r = await command(`full-${i}`);
      if (r.status === 202) accepted.push(`full-${i}`);
      else refusedCommand = { id: `full-${i}`, status: r.status, body: r.body };
    }
    expect(refusedCommand).toMatchObject({ status: 507, body: { error: { code: 'STORAGE_FULL' } } });
    console.log(
      `storage-full: ${storedAfterCap} more readings and ${accepted.length} commands fitted after the cap before the first 507`,
    );
    // A refusal means nothing was stored and nothing will run.
    expect((await call(gw.url, 'GET', `/api/commands/${refusedCommand!.id}`)).status).toBe(404);

    // Reads still work, and health says which layer is wrong.
    const history = HistoryResponse.parse(
      (await call(gw.url, 'GET', `/api/data/history?sensor=probe-1&from=${first}&to=${first + 99}`)).body,
    );
    expect(history.points).toHaveLength(100);
    const health = await call(gw.url, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(Health.parse(health.body)).toMatchObject({
      status: 'degraded',
      checks: { storage: { ok: false } },
    });

    // Space comes back: writes work again without a restart, and every accepted command completes.
    db!.exec('PRAGMA max_page_count = 1073741823');
    expect((await call(push, 'POST', '/api/readings', { from: '127.0.0.1', body: batch(500) })).status).toBe(
      200,
    );
    expect((await command(refusedCommand!.id)).status).toBe(202);
    gw.tick();
    await gw.commandsIdle();
    for (const id of [...accepted, refusedCommand!.id]) {
      const rec = CommandRecord.parse((await call(gw.url, 'GET', `/api/commands/${id}`)).body);
      expect(rec.state, id).toBe('succeeded');
    }
    const healthAfter = Health.parse((await call(gw.url, 'GET', '/api/health')).body);
    expect(healthAfter.checks.storage).toEqual({ ok: true });
  });

  it('at start-up says so in one line and exits with its own code, without a stack', async () => {
    const data = join(dir.path, 'data');
    const db = openGatewayDatabase(data);
    setMeta(db, 'farm_id', 'full-farm');
    expect(getMeta(db, 'farm_id')).toBe('full-farm');
    db.close();
    // Under a 512-byte file-size limit every write SQLite makes fails as on a full disk (EFBIG).
    const proc = spawn(
      '/bin/sh',
      [
        '-c',
        'ulimit -f 1; exec "$@"',
        'sh',
        join(root, 'node_modules/.bin/node'),
        '--disable-warning=ExperimentalWarning',
        join(root, 'gateway/main.ts'),
        '--data-dir',
        data,
        '--listen',
        '127.0.0.1:0',
        '--insecure-no-auth',
        '--simulate',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    expect(stdout).toBe('');
    expect(code).toBe(EXIT_STORAGE_FULL);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^agromesh gateway: The disk holding .*data.* is full.*free some space.*\[STORAGE_FULL\]\n$/,
    );
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
