import { afterAll, describe, expect, it } from 'vitest';
import { FarmInfo, HistoryResponse } from '../../protocol/farm-api.ts';
import { main } from '../../main/cli/index.ts';
import { type GatewayIO, optionsFromArgs, run } from '../../gateway/cli.ts';
import { call, tempDir, waitFor } from './helpers.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = tempDir();
afterAll(() => dir.remove());

function io(): GatewayIO & { out: string[]; err: string[]; stop: () => void } {
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => (stop = r));
  return { out, err, stop, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, stopSignal };
}

describe('agromesh gateway CLI', () => {
  it('prints help through the agromesh dispatcher', async () => {
    const x = io();
    expect(await main(['gateway', '--help'], x)).toBe(0);
    expect(x.out.join('')).toMatch(/Usage: agromesh gateway/);
    expect(x.out.join('')).toMatch(/--insecure-no-auth/);
  });

  it('rejects bad options with exit code 2 and a reason', async () => {
    for (const [args, reason] of [
      [['--bogus'], /Unknown option/],
      [['--listen', 'nowhere'], /ADDR:PORT/],
      [['--location', '91,0'], /LAT,LON/],
      [['--time-zone', 'Mars/Olympus'], /time zone/],
      [['--simulate', '--seed', '-3'], /--seed/],
      [['--discovery-url', 'ftp://x'], /http/],
    ] as const) {
      const x = io();
      expect(await run([...args], x)).toBe(2);
      expect(x.err.join('')).toMatch(reason);
    }
  });

  it('refuses --insecure-no-auth off loopback', async () => {
    const x = io();
    await expect(
      run(['--insecure-no-auth', '--listen', '0.0.0.0:0', '--data-dir', dir.path, '--simulate'], x),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('maps flags to options (operator tags, key from the environment)', () => {
    const o = optionsFromArgs(
      [
        '--operator-tags',
        'tag:ops, field-crew',
        '--farm-name',
        'North',
        '--simulate',
        '--sim-drive-out-of-range',
        '--sim-drift-after',
        '2',
      ],
      {
        TS_AUTHKEY: 'tskey-auth-kX',
      },
    );
    expect(o.operatorTags).toEqual(['tag:ops', 'tag:field-crew']);
    expect(o.tailnet).toMatchObject({ authKey: 'tskey-auth-kX' });
    expect(o.simulate).toMatchObject({ seed: 1, driftOutOfRangeAfterMs: 120_000 });
    expect(o.farmName).toBe('North');
  });

  it('logs JSON lines with the farm and request id to a rotating file, or only to the journal under systemd', async () => {
    const start = async (env: NodeJS.ProcessEnv, farmId: string) => {
      const data = join(dir.path, farmId);
      const x = { ...io(), env };
      const done = run(
        [
          '--simulate',
          '--listen',
          '127.0.0.1:0',
          '--insecure-no-auth',
          '--data-dir',
          data,
          '--farm-id',
          farmId,
        ],
        x,
      );
      const url = (
        await waitFor(() => x.out.join('').match(/listening on (http:\S+)\n/), 10_000, 'listening')
      )[1]!;
      const res = await call(url, 'GET', '/api/nope', {
        from: '127.0.0.1',
        headers: { 'x-request-id': `req-${farmId}` },
      });
      expect(res.status).toBe(404);
      expect(res.headers['x-request-id']).toBe(`req-${farmId}`);
      x.stop();
      expect(await done).toBe(0);
      return data;
    };
    const plain = await start({}, 'log-farm');
    const lines = readFileSync(join(plain, 'logs', 'gateway.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'request refused')).toMatchObject({
      farmId: 'log-farm',
      requestId: 'req-log-farm',
      status: 404,
      path: '/api/nope',
    });
    const journal = await start({ JOURNAL_STREAM: '8:12345' }, 'journal-farm');
    expect(existsSync(join(journal, 'logs'))).toBe(false);
  });

  it('starts, prints the listening line, serves backfilled history, and stops on the signal', async () => {
    const x = io();
    const done = run(
      [
        '--simulate',
        '--seed',
        '4',
        '--backfill-hours',
        '2',
        '--listen',
        '127.0.0.1:0',
        '--insecure-no-auth',
        '--data-dir',
        dir.path,
        '--farm-id',
        'cli-farm',
        '--location',
        '45.5,-73.6',
        '--time-zone',
        'America/Toronto',
        '--log-level',
        'error',
      ],
      x,
    );
    const line = await waitFor(
      () => x.out.join('').match(/^gateway cli-farm listening on (http:\/\/127\.0\.0\.1:\d+)\n/m),
      10_000,
      'listening line',
    );
    const url = line[1]!;
    const info = FarmInfo.parse((await call(url, 'GET', '/api/info', { from: '127.0.0.1' })).body);
    expect(info).toMatchObject({
      farmId: 'cli-farm',
      location: { lat: 45.5, lon: -73.6 },
      timeZone: 'America/Toronto',
    });
    const now = Date.now();
    const h = HistoryResponse.parse(
      (
        await call(url, 'GET', `/api/data/history?sensor=soil-1&from=${now - 2 * 3_600_000}&to=${now}`, {
          from: '127.0.0.1',
        })
      ).body,
    );
    expect(h.sourcePoints).toBeGreaterThanOrEqual(100); // two hours at one a minute, there at once
    x.stop();
    expect(await done).toBe(0);
  });
});
