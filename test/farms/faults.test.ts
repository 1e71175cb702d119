/**
 * Fault tests against the real farm gateway (gateway/): child processes that are killed and frozen, and
 * in-process gateways (startGateway) for the reconnect storm and the long outage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { startGateway, type GatewayHandle } from '../../gateway/gateway.ts';
import { manualClock } from '../../gateway/clock.ts';
import { TERMINAL_COMMAND_STATES, type FarmInfo } from '../../protocol/farm-api.ts';
import { createTailnetDialer } from '../../main/core/farms/dialer.ts';
import { createFarmClient } from '../../main/core/farms/farm-client.ts';
import { spawnGateway, type GatewayProcess } from './support/real-gateway.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { memoryLogger, tempDir, waitFor } from './support/helpers.ts';
import { duplicates, fastTuning, recordedFarms } from './support/setup.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

const terminal = (s: string) => (TERMINAL_COMMAND_STATES as readonly string[]).includes(s);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('real gateway processes', () => {
  it('a gateway killed mid-command: every command ends in a definite state and ran at most once', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const execLog = join(dir.path, 'executions.log');
    writeFileSync(execLog, '');
    const layout = join(dir.path, 'layout.json');
    writeFileSync(
      layout,
      JSON.stringify({
        sensors: [],
        actuators: [
          {
            id: 'valve-1',
            kind: 'valve',
            label: 'Valve 1',
            commands: [
              {
                action: 'open',
                label: 'Open',
                params: {
                  type: 'object',
                  properties: { minutes: { type: 'integer', minimum: 1, maximum: 60 } },
                  required: ['minutes'],
                },
              },
            ],
          },
        ],
      }),
    );
    // The actuator logs every execution, then takes 300 ms: a window to be killed in.
    const args = [
      '--layout',
      layout,
      '--actuator-command',
      `echo "$AGROMESH_COMMAND_ID" >> ${execLog}; sleep 0.3 #`,
    ];
    const gwDir = join(dir.path, 'gw');
    let gw: GatewayProcess = await spawnGateway({ farmId: 'killed-farm', dataDir: gwDir, args });
    const port = gw.port;
    cleanups.push(() => gw.kill());

    const rec = recordedFarms({
      dataDir: join(dir.path, 'app'),
      tuning: fastTuning({ commandTimeoutMs: 1_500 }),
    });
    cleanups.push(() => rec.farms.dispose());
    await rec.farms.connect({ farmId: 'killed-farm', address: '127.0.0.1', port });
    await waitFor(
      () => rec.farms.latest('killed-farm')?.link === 'live' && rec.farms.info('killed-farm'),
      10_000,
      'live',
    );

    const ids: string[] = [];
    const outcomes: string[] = [];
    // Kill at different moments: before the gateway read the request (frozen first), while it is being
    // stored and run, and after it finished.
    for (const killAfterMs of [-1, 10, 100, 1_200]) {
      if (killAfterMs < 0) await gw.kill('SIGSTOP');
      const sending = rec.farms.sendCommand({
        farmId: 'killed-farm',
        target: 'valve-1',
        action: 'open',
        params: { minutes: 5 },
        requestedBy: 'test@farm.example',
      });
      const id = await waitFor(
        () => rec.commands.find((c) => !ids.includes(c.id))?.id,
        5_000,
        'command in the ledger',
      );
      ids.push(id);
      await pause(Math.max(50, killAfterMs));
      await gw.kill('SIGKILL');
      await sending.catch(() => {});
      gw = await spawnGateway({ farmId: 'killed-farm', dataDir: gwDir, port, args });
      const final = await waitFor(
        () => {
          const c = rec.farms.getCommand(id);
          return terminal(c.state) ? c : null;
        },
        10_000,
        'definite state',
      );
      const client = createFarmClient({
        dialer: createTailnetDialer({ mode: 'simulated' }),
        address: '127.0.0.1',
        port,
      });
      const onGateway = await client.getCommand(id);
      await client.dispose();
      const runs = readFileSync(execLog, 'utf8')
        .split('\n')
        .filter((l) => l === id).length;
      expect(runs, `kill after ${killAfterMs} ms`).toBeLessThanOrEqual(1);
      expect(onGateway?.history.filter((h) => h.state === 'running').length ?? 0).toBeLessThanOrEqual(1);
      expect(onGateway?.state, `kill after ${killAfterMs} ms`).toBe(final.state);
      if (final.state === 'succeeded') expect(runs).toBe(1);
      outcomes.push(
        `${killAfterMs}ms:${final.history.map((h) => h.state).join('>')}:runs=${runs}:${final.reason ?? ''}`,
      );
    }
    console.log(JSON.stringify({ killedMidCommand: outcomes }));
    expect(new Set(ids).size).toBe(4);
  }, 60_000);

  it('a frozen gateway (half-open) is detected within the heartbeat interval and redialled', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const gw = await spawnGateway({
      farmId: 'frozen-farm',
      dataDir: join(dir.path, 'gw'),
      args: ['--simulate', '--seed', '7', '--sim-speed', '30'],
    });
    cleanups.push(() => gw.kill());
    const heartbeatMs = 1_000;
    // The link's clock is fake, so "stale within the heartbeat" is exact, not a guess about machine speed.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const rec = recordedFarms({ dataDir: join(dir.path, 'app'), tuning: fastTuning({ heartbeatMs }) });
    cleanups.push(() => rec.farms.dispose());
    await rec.farms.connect({ farmId: 'frozen-farm', address: '127.0.0.1', port: gw.port });
    await waitFor(() => (rec.readings.get('frozen-farm')?.length ?? 0) > 0, 10_000, 'readings flowing');

    const before = rec.links.length;
    await gw.kill('SIGSTOP');
    await vi.advanceTimersByTimeAsync(heartbeatMs * 0.75); // pings go unanswered; still live
    expect(rec.links.slice(before).find((e) => e.state === 'stale')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(heartbeatMs * 0.5 + 1); // nothing heard for heartbeatMs + one check tick
    await waitFor(() => rec.links.slice(before).find((e) => e.state === 'stale'), 5_000, 'stale');
    vi.useRealTimers(); // the redial runs on real timers
    expect(rec.farms.latest('frozen-farm')?.link).not.toBe('live');
    await waitFor(() => rec.links.slice(before).find((e) => e.state === 'connecting'), 2_000, 'redialling');
    const count = rec.readings.get('frozen-farm')!.length;
    await gw.kill('SIGCONT');
    await waitFor(
      () =>
        rec.farms.latest('frozen-farm')?.link === 'live' && rec.readings.get('frozen-farm')!.length > count,
      10_000,
      'live and flowing again',
    );
    expect(duplicates(rec.readings.get('frozen-farm')!)).toEqual([]);
  }, 30_000);
});

describe('in-process gateways', () => {
  it('fifty farms dropping at once reconnect spread by jitter, and all retry within one capped backoff step of their return', async () => {
    // Every timer and clock is fake: the jitter and the backoff are measured in the control room's own time,
    // exactly, however loaded the machine; sockets stay real.
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'],
    });
    const advancing = async () => void (await vi.advanceTimersByTimeAsync(10)); // for handshakes' timers
    const dir = tempDir();
    cleanups.push(dir.remove);
    const n = 50;
    const start = (i: number, port = 0) =>
      startGateway({
        dataDir: null,
        farmId: `storm-${i}`,
        listen: { host: '127.0.0.1', port },
        simulate: { seed: i + 1 },
        insecureNoAuth: true,
        log: silentLogger,
      });
    let gws: GatewayHandle[] = await Promise.all(Array.from({ length: n }, (_, i) => start(i)));
    cleanups.push(() => Promise.all(gws.map((g) => g.dispose())));
    const ports = gws.map((g) => g.port);
    const windowMs = 2_000;
    const capMs = 3_000;
    const rec = recordedFarms({
      dataDir: dir.path,
      tuning: fastTuning({ backoff: { baseMs: windowMs, factor: 1.6, capMs, minUptimeMs: 500 } }),
    });
    cleanups.push(() => rec.farms.dispose());
    await Promise.all(
      gws.map((g) => rec.farms.connect({ farmId: g.farmId, address: '127.0.0.1', port: g.port })),
    );
    const allLive = () => rec.farms.all().length === n && rec.farms.all().every((f) => f.link === 'live');
    await waitFor(async () => (await advancing(), allLive()), 15_000, 'all live');
    await vi.advanceTimersByTimeAsync(600); // past minUptime, so the first retry uses the first backoff window

    const before = rec.links.length;
    const seenSince = (from: number, state: string) => {
      const seen = new Map<string, number>();
      for (const e of rec.links.slice(from))
        if (e.state === state && !seen.has(e.farmId)) seen.set(e.farmId, e.since);
      return seen;
    };
    await Promise.all(gws.map((g) => g.dispose()));
    // Every link has seen its socket close and scheduled a first retry, while the clock stood still.
    await waitFor(() => seenSince(before, 'down').size === n, 10_000, 'every farm down');
    await vi.advanceTimersByTimeAsync(windowMs);
    const firstRetry = await waitFor(
      () => (seenSince(before, 'connecting').size === n ? seenSince(before, 'connecting') : null),
      5_000,
      'every farm retried within the first window',
    );
    const offsets = [...firstRetry.values()].map((t) => t - Math.min(...firstRetry.values()));
    const spread = Math.max(...offsets);
    const buckets = new Map<number, number>();
    for (const o of offsets) buckets.set(Math.floor(o / 100), (buckets.get(Math.floor(o / 100)) ?? 0) + 1);
    const busiest = Math.max(...buckets.values());
    expect(spread).toBeGreaterThanOrEqual(windowMs * 0.7); // spread over most of the first window
    expect(busiest).toBeLessThanOrEqual(n * 0.2); // no stampede in any 100 ms
    // Each failed retry has scheduled the next before the gateways return on the same ports.
    const lastStates = () => new Map(rec.links.slice(before).map((e) => [e.farmId, e.state]));
    await waitFor(
      () => [...lastStates().values()].filter((st) => st === 'down').length === n,
      10_000,
      'every retry refused',
    );
    gws = await Promise.all(ports.map((p, i) => start(i, p)));
    const back = rec.links.length;
    await vi.advanceTimersByTimeAsync(capMs);
    expect(seenSince(back, 'connecting').size).toBe(n); // nobody waits longer than the cap
    await waitFor(async () => (await advancing(), allLive()), 10_000, 'all live again');
    console.log(
      JSON.stringify({ storm: { farms: n, firstRetrySpreadMs: spread, busiest100msBucket: busiest } }),
    );
  }, 45_000);

  it('a ten-minute outage while the gateway keeps measuring: every reading of it present exactly once', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const clock = manualClock(Date.now() - 30 * 60_000);
    const gw = await startGateway({
      dataDir: null,
      farmId: 'outage-farm',
      listen: { host: '127.0.0.1', port: 0 },
      simulate: { seed: 11, speed: 15 }, // one step per simulated-farm second: 1 Hz sensors
      streamBufferSize: 20,
      clock,
      tickMs: 60_000,
      insecureNoAuth: true,
      log: silentLogger,
    });
    cleanups.push(() => gw.dispose());
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: gw.port });
    cleanups.push(() => proxy.dispose());
    const log = memoryLogger();
    const rec = recordedFarms({ dataDir: dir.path, tuning: fastTuning(), log });
    cleanups.push(() => rec.farms.dispose());
    await rec.farms.connect({ farmId: 'outage-farm', address: '127.0.0.1', port: proxy.port });
    await waitFor(
      () => rec.farms.latest('outage-farm')?.link === 'live' && rec.farms.info('outage-farm'),
      10_000,
      'live',
    );
    const t0 = clock.now();
    const advance = (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1_000);
        gw.tick();
      }
    };
    advance(60);
    await waitFor(() => (rec.readings.get('outage-farm')?.length ?? 0) > 0, 5_000, 'live readings');

    await proxy.cut();
    await waitFor(() => rec.farms.latest('outage-farm')?.link !== 'live', 5_000, 'link down');
    advance(600); // ten minutes of farm time, 600 stream messages: far beyond the 20-message replay buffer
    await proxy.restore();
    await waitFor(() => rec.farms.latest('outage-farm')?.link === 'live', 10_000, 'live again');
    advance(30);
    const t1 = clock.now();

    const info = rec.farms.info('outage-farm') as FarmInfo;
    const direct = createFarmClient({
      dialer: createTailnetDialer({ mode: 'simulated' }),
      address: '127.0.0.1',
      port: gw.port,
    });
    cleanups.push(() => direct.dispose());
    const truth = new Map<string, number[]>();
    for (const s of info.sensors) {
      const h = await direct.history({ sensor: s.id, from: t0, to: t1, maxPoints: 10_000 });
      expect(h.method).toBe('raw');
      truth.set(
        s.id,
        h.points.filter((p) => p[1] !== null).map((p) => p[0]),
      );
    }
    const expected = [...truth.values()].reduce((a, v) => a + v.length, 0);
    expect(expected).toBeGreaterThan(600 * 2);
    const mine = () =>
      (rec.readings.get('outage-farm') ?? []).filter((r) => r.value !== null && r.ts >= t0 && r.ts <= t1);
    await waitFor(() => mine().length >= expected, 15_000, 'every reading of the outage');
    await rec.farms.idle();
    expect(log.lines.some((l) => l.includes('backfilled a gap'))).toBe(true); // the replay buffer could not cover it
    expect(duplicates(mine())).toEqual([]);
    for (const [sensor, ts] of truth) {
      const got = mine()
        .filter((r) => r.sensorId === sensor)
        .map((r) => r.ts)
        .sort((a, b) => a - b);
      expect(got, sensor).toEqual(ts);
    }
    // The cache holds the same, once each.
    const cached = await (async () => {
      await proxy.cut();
      await waitFor(() => rec.farms.latest('outage-farm')?.link !== 'live', 5_000, 'down');
      return rec.farms.history({
        farmId: 'outage-farm',
        sensorIds: [info.sensors[0]!.id],
        from: t0,
        to: t1,
        maxPoints: 5_000,
      });
    })();
    expect(cached.fromCache).toBe(true);
    expect(cached.series[0]!.points.filter((p) => p[1] !== null).map((p) => p[0])).toEqual(
      truth.get(info.sensors[0]!.id),
    );
  }, 45_000);
});
