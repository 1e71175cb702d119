/**
 * How readings and commands flow inside the gateway: ingest stores readings, publishes them on the live
 * stream and lets them confirm commands; every command transition is counted and published.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ResourceStack } from '../kit/resources.ts';
import type { Logger } from '../kit/log.ts';
import type { Clock } from './clock.ts';
import type { ActuatorDriver } from './commands/driver.ts';
import { type CommandService, createCommandService } from './commands/service.ts';
import { type Ingest, createIngest } from './ingest.ts';
import type { GatewayOptions } from './gateway.ts';
import type { FarmLayout } from './layout.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { CommandStore } from './store/commands.ts';
import type { ReadingStore, Retention } from './store/readings.ts';
import { type StreamHub, createStreamHub } from './stream/hub.ts';

export interface FarmFlow {
  hub: StreamHub;
  commands: CommandService;
  ingest: Ingest;
}

export function wireFarmFlow(
  options: Pick<GatewayOptions, 'streamBufferSize'>,
  deps: {
    db: DatabaseSync;
    farmId: string;
    clock: Clock;
    layout: FarmLayout;
    driver: ActuatorDriver;
    readings: ReadingStore;
    commandStore: CommandStore;
    retention: Retention;
    metrics: GatewayMetrics;
    log: Logger;
    stack: ResourceStack;
  },
): FarmFlow {
  const { db, farmId, clock, layout, driver, readings, commandStore, retention, metrics, log, stack } = deps;
  const hub = createStreamHub({
    db,
    farmId,
    clock,
    bufferSize: options.streamBufferSize ?? 10_000,
    log: log.child('stream'),
  });
  const commands = createCommandService({
    store: commandStore,
    layout,
    driver,
    clock,
    log: log.child('commands'),
    onChange: (record) => {
      metrics.commandTransitions.inc({ state: record.state });
      hub.publishCommand(record);
    },
  });
  stack.defer(() => commands.dispose());
  const ingest: Ingest = createIngest({
    store: readings,
    layout,
    clock,
    retention,
    log: log.child('ingest'),
    metrics,
    onAdded: (added, publish) => {
      if (publish) hub.publishReadings(added);
      commands.onReadings(added); // a reading may confirm a command
    },
  });
  return { hub, commands, ingest };
}
