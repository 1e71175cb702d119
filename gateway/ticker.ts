/**
 * The gateway's clockwork: the simulator's history filled in at start, then the regular tick that
 * advances the simulator and sweeps expired commands.
 */
import type { ResourceStack } from '../kit/resources.ts';
import type { Logger } from '../kit/log.ts';
import { isStorageFull } from '../kit/sqlite.ts';
import type { Clock } from './clock.ts';
import type { CommandService } from './commands/service.ts';
import type { Ingest } from './ingest.ts';
import type { GatewayOptions } from './gateway.ts';
import { backfillSimulated } from './simulator/backfill.ts';
import type { FarmSimulator } from './simulator/farm-sim.ts';
import type { ReadingStore, Retention } from './store/readings.ts';

/** How much simulated past a fresh simulated gateway starts with (its sensors report at most once a minute). */
const SIM_WARMUP_MS = 15 * 60_000;

/**
 * History first (quietly), from where the stored data ends, then live readings: the raw-retention window
 * through ingest, anything older as rollups only (simulator/backfill.ts). At least a short warm-up, so a
 * fresh simulated farm has current readings and some history at once.
 */
export function backfillSimulator(
  options: Pick<GatewayOptions, 'simulate'>,
  deps: {
    simulator: FarmSimulator;
    readings: ReadingStore;
    ingest: Ingest;
    clock: Clock;
    retention: Retention;
    log: Logger;
  },
): void {
  const sim = options.simulate;
  backfillSimulated({
    simulator: deps.simulator,
    readings: deps.readings,
    ingest: deps.ingest,
    now: deps.clock.now(),
    spanMs: Math.max(sim?.backfillMs ?? (sim?.backfillHours ?? 0) * 3_600_000, SIM_WARMUP_MS),
    rawRetentionMs: deps.retention.rawMs,
    log: deps.log.child('simulator'),
  });
}

/** Starts the tick timer (cleared by the stack) and returns the tick itself, to run it now. */
export function startTicker(
  options: Pick<GatewayOptions, 'tickMs'>,
  deps: {
    simulator: FarmSimulator | null;
    ingest: Ingest;
    commands: CommandService;
    clock: Clock;
    log: Logger;
    stack: ResourceStack;
  },
): () => void {
  const { simulator, ingest, commands, clock, log } = deps;
  const tick = () => {
    if (simulator) ingest.ingest(simulator.advanceTo(clock.now()));
    commands.sweep();
  };
  const tickMs = options.tickMs ?? Math.min(1_000, Math.max(50, simulator?.stepMs ?? 1_000));
  const ticker = setInterval(() => {
    try {
      tick();
    } catch (err) {
      // A full disk is reported once, when it fills (onStorageChange), not at every tick.
      if (!isStorageFull(err)) log.error('tick failed', { err });
    }
  }, tickMs);
  deps.stack.defer(() => clearInterval(ticker));
  return tick;
}
