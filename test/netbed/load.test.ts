/**
 * Load over the real tunnel. 50 farms reconnecting at once after a partition of the control room: the
 * app's full-jitter backoff must spread the attempts, and every farm must be live again within the stated
 * time. 200 farms streaming for a bounded window (60 s; AGROMESH_NETBED_SOAK_S for a longer opt-in soak):
 * the control room's and the gateways' memory must stay flat (RSS slope), and readings keep flowing.
 * Farms share namespaces (10 and 40 per namespace, one wireguard-go and one Node process each) so 2 cores
 * can hold them; each farm still has its own tunnel address, LocalAPI and gateway.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newFragment, saveFragment } from './report.ts';
import { CONTROL_ROOM, GATEWAY, netbedSkipReason, waitFor } from './support.ts';
import { type World, createWorld } from './world.ts';

const skip = netbedSkipReason();
const report = newFragment(
  '40-load',
  'Load',
  'netbed: farms grouped into namespaces, control room in its own namespace, all over WireGuard',
);
const SOAK_S = Math.max(10, Math.min(3_600, Number(process.env.AGROMESH_NETBED_SOAK_S ?? 60) || 60));

async function startFarms(w: World, extra: Record<string, unknown>): Promise<void> {
  const byHost = new Map<string, typeof w.farms>();
  for (const f of w.farms) byHost.set(f.host, [...(byHost.get(f.host) ?? []), f]);
  await Promise.all(
    [...byHost.entries()].map(async ([host, farms]) => {
      const a = await w.tb.agent(host);
      for (const [i, f] of farms.entries()) {
        await a.call(GATEWAY, 'startFarm', f.name, {
          farmId: f.name,
          host: f.ipv4,
          dataDir: join(w.dir, f.name),
          localApiSocket: f.localApiSocket,
          seed: i + 1,
          ...extra,
        });
      }
    }),
  );
}

async function allLive(w: World, timeoutMs: number): Promise<number> {
  const cr = await w.tb.agent('cr');
  const start = Date.now();
  await waitFor(
    async () => {
      const s = await cr.call<Record<string, string>>(CONTROL_ROOM, 'linkStates', 'room');
      return w.farms.every((f) => s[f.name] === 'live');
    },
    timeoutMs,
    `all ${w.farms.length} farm links live`,
    100,
  );
  return Date.now() - start;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

describe.skipIf(skip !== undefined)(`load${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let w: World | undefined;
  afterAll(async () => {
    await w?.dispose();
    saveFragment(report);
  });

  it('50 farms reconnecting at once after a partition: attempts spread by jitter, all live again within 20 s', async () => {
    w = await createWorld({ farms: 50, farmsPerHost: 10 });
    await startFarms(w, { tickMs: 1_000 });
    const cr = await w.tb.agent('cr');
    await cr.call(CONTROL_ROOM, 'startRoom', 'room', {
      dataDir: join(w.dir, 'cr'),
      localAddress: w.cr.ipv4,
      tuning: {
        heartbeatMs: 1_000,
        handshakeTimeoutMs: 3_000,
        requestTimeoutMs: 5_000,
        backoff: { baseMs: 1_000, factor: 1.6, capMs: 5_000, minUptimeMs: 0 },
      },
    });
    await cr.call(
      CONTROL_ROOM,
      'connectFarms',
      'room',
      w.farms.map((f) => ({ farmId: f.name, address: f.ipv4, port: 8080 })),
    );
    const firstLiveMs = await allLive(w, 60_000);

    const cutAt = Date.now();
    await w.tb.linkDown('cr');
    await waitFor(
      async () => {
        const s = await cr.call<Record<string, string>>(CONTROL_ROOM, 'linkStates', 'room');
        return w!.farms.every((f) => s[f.name] !== 'live');
      },
      20_000,
      'every link to notice the partition',
      100,
    );
    await new Promise((r) => setTimeout(r, 4_000));
    await w.tb.linkUp('cr');
    const healedAt = Date.now();
    const backMs = await allLive(w, 20_000);

    // Every reconnection attempt since the cut, in 250 ms windows: without jitter each retry round would
    // put all 50 farms in the same window.
    const events = await cr.call<
      { farmId: string; state: string; detail: string; at: number; attempt: number }[]
    >(CONTROL_ROOM, 'linkEvents', 'room', cutAt);
    // A dial starting, not a stream completing its handshake: connections held open through the partition
    // all complete the moment it heals, which is the network's doing, not a retry.
    const attempts = events
      .filter((e) => e.state === 'connecting' && !e.detail.startsWith('stream open'))
      .map((e) => e.at - cutAt);
    const buckets = new Map<number, number>();
    for (const t of attempts) buckets.set(Math.floor(t / 250), (buckets.get(Math.floor(t / 250)) ?? 0) + 1);
    const busiest = Math.max(...buckets.values());
    const liveAgain = new Map<string, number>();
    for (const e of events)
      if (e.state === 'live' && e.at >= healedAt && !liveAgain.has(e.farmId))
        liveAgain.set(e.farmId, e.at - healedAt);
    const liveTimes = [...liveAgain.values()].sort((a, b) => a - b);
    expect(backMs).toBeLessThan(20_000);
    expect(attempts.length).toBeGreaterThanOrEqual(50);
    expect(busiest).toBeLessThanOrEqual(25);
    const spreadMs = liveTimes.length > 1 ? liveTimes[liveTimes.length - 1]! - liveTimes[0]! : 0;
    report.load.push({
      scenario: '50 farms (5 namespaces × 10) reconnect after a 4 s+ partition of the control room',
      figure: `all live ${(backMs / 1000).toFixed(1)} s after healing (first connect of all 50: ${(firstLiveMs / 1000).toFixed(1)} s); ${attempts.length} reconnection attempts, all jittered, with the busiest 250 ms window holding ${busiest}; returns spread over ${(spreadMs / 1000).toFixed(1)} s`,
      rule: 'all live < 20 s after healing; no 250 ms window holds more than 25 (half the farms) of the backed-off attempts',
      passed: true,
    });
    await w.dispose();
    w = undefined;
  });

  it(`200 farms streaming for ${SOAK_S} s: readings keep flowing and memory stays flat (RSS slope)`, async () => {
    w = await createWorld({ farms: 200, farmsPerHost: 40 });
    const setupStart = Date.now();
    await startFarms(w, { speed: 20, tickMs: 500 });
    const cr = await w.tb.agent('cr');
    await cr.call(CONTROL_ROOM, 'startRoom', 'room', {
      dataDir: join(w.dir, 'cr'),
      localAddress: w.cr.ipv4,
      tuning: {
        heartbeatMs: 5_000,
        requestTimeoutMs: 10_000,
        backoff: { baseMs: 1_000, factor: 1.6, capMs: 5_000, minUptimeMs: 0 },
      },
    });
    await cr.call(
      CONTROL_ROOM,
      'connectFarms',
      'room',
      w.farms.map((f) => ({ farmId: f.name, address: f.ipv4, port: 8080 })),
    );
    await allLive(w, 90_000);
    const setupS = (Date.now() - setupStart) / 1000;
    // Warm-up, then sample every 2 s.
    await new Promise((r) => setTimeout(r, 5_000));
    const hosts = [...new Set(w.farms.map((f) => f.host))];
    const crSamples: [number, number][] = [];
    const gwSamples: [number, number][] = [];
    const t0 = Date.now();
    const before = Object.values(
      await cr.call<Record<string, number>>(CONTROL_ROOM, 'receivedCounts', 'room'),
    ).reduce((a, b) => a + b, 0);
    while (Date.now() - t0 < SOAK_S * 1000) {
      const t = (Date.now() - t0) / 60_000;
      crSamples.push([t, (await cr.call<number>(CONTROL_ROOM, 'rss')) / 2 ** 20]);
      let gw = 0;
      for (const h of hosts) gw += await (await w.tb.agent(h)).call<number>(GATEWAY, 'rss');
      gwSamples.push([t, gw / 2 ** 20]);
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const after = Object.values(
      await cr.call<Record<string, number>>(CONTROL_ROOM, 'receivedCounts', 'room'),
    ).reduce((a, b) => a + b, 0);
    const states = await cr.call<Record<string, string>>(CONTROL_ROOM, 'linkStates', 'room');
    const live = w.farms.filter((f) => states[f.name] === 'live').length;
    const crSlope = slope(crSamples);
    const gwSlope = slope(gwSamples);
    const rate = (after - before) / SOAK_S;
    const crFirst = crSamples[0]![1];
    const crLast = crSamples[crSamples.length - 1]![1];
    expect(live).toBe(200);
    expect(rate).toBeGreaterThan(50);
    // Flat: the fitted growth stays under 16 MB per minute in the control room and across the gateways.
    expect(crSlope).toBeLessThan(16);
    expect(gwSlope).toBeLessThan(16);
    report.load.push({
      scenario: `200 farms (5 namespaces × 40, sim speed ×20) streaming for ${SOAK_S} s`,
      figure: `${Math.round(rate)} readings/s received, ${live}/200 live at the end; control-room RSS ${crFirst.toFixed(0)}→${crLast.toFixed(0)} MB (slope ${crSlope.toFixed(1)} MB/min), gateways' RSS slope ${gwSlope.toFixed(1)} MB/min (sum of 5 processes); setup ${setupS.toFixed(0)} s`,
      rule: 'all 200 live; > 50 readings/s; RSS slope < 16 MB/min for the control room and for the gateways',
      passed: true,
    });
  });
});
