/** Builds a FarmConnections for tests: simulated dialer, temp data dir, fast backoff, event recorders. */
import { silentLogger, type Logger } from '../../../kit/log.ts';
import { createTailnetDialer } from '../../../main/core/farms/dialer.ts';
import {
  createFarmConnections,
  type FarmConnections,
  type FarmConnectionsTuning,
} from '../../../main/core/farms/connections.ts';
import type { Clock, FarmHealthSink, LinkStateEvent } from '../../../main/core/farms/types.ts';
import type { Reading } from '../../../protocol/farm-api.ts';
import type { LedgerCommand } from '../../../protocol/app/index.ts';

export interface Recorded {
  farms: FarmConnections;
  /** Every reading delivered by the 'readings' event, per farm. */
  readings: Map<string, Reading[]>;
  batches: number[];
  links: LinkStateEvent[];
  commands: LedgerCommand[];
  health: Array<{ farmId: string; ok: boolean; detail: string }>;
}

export function fastTuning(extra: Partial<FarmConnectionsTuning> = {}): Partial<FarmConnectionsTuning> {
  return {
    backoff: { baseMs: 100, factor: 2, capMs: 1_000, minUptimeMs: 200 },
    commandRetry: { baseMs: 50, factor: 2, capMs: 500, minUptimeMs: 0 },
    commandPollMs: 50,
    commandTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    handshakeTimeoutMs: 1_000,
    historyTimeoutMs: 1_000,
    cacheFlushMs: 20,
    ...extra,
  };
}

export function recordedFarms(options: {
  dataDir: string;
  tuning?: Partial<FarmConnectionsTuning>;
  clock?: Clock;
  log?: Logger;
  selfAddress?: string;
}): Recorded {
  const health: Recorded['health'] = [];
  const sink: FarmHealthSink = {
    noteReading: () => {},
    noteGatewayStatus: (farmId, ok, detail) => health.push({ farmId, ok, detail }),
  };
  const farms = createFarmConnections({
    dataDir: options.dataDir,
    dialer: createTailnetDialer({
      mode: 'simulated',
      ...(options.selfAddress ? { selfAddress: options.selfAddress } : {}),
    }),
    healthSink: sink,
    log: options.log ?? silentLogger,
    tuning: options.tuning ?? fastTuning(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const rec: Recorded = { farms, readings: new Map(), batches: [], links: [], commands: [], health };
  farms.on('readings', (b) => {
    rec.batches.push(performance.now()); // the fake clock when a test fakes `performance`
    for (const f of b.farms) {
      const list = rec.readings.get(f.farmId) ?? [];
      list.push(...f.readings);
      rec.readings.set(f.farmId, list);
    }
  });
  farms.on('linkState', (e) => rec.links.push(e));
  farms.on('command', (c) => rec.commands.push(c));
  return rec;
}

/** (sensorId, ts) pairs that occur more than once. */
export function duplicates(readings: readonly Reading[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const r of readings) {
    const k = `${r.sensorId}@${r.ts}`;
    if (seen.has(k)) dups.push(k);
    seen.add(k);
  }
  return dups;
}
