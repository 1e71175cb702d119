/** Where readings from hardware enter ingest: the sensor command and the local push endpoint, each stopped by the stack. */
import type { ResourceStack } from '../../kit/resources.ts';
import type { Logger } from '../../kit/log.ts';
import { isStorageFull } from '../../kit/sqlite.ts';
import type { Clock } from '../clock.ts';
import type { Ingest, IngestResult } from '../ingest.ts';
import type { GatewayOptions } from '../gateway.ts';
import { type PushServer, startPushServer } from './push-server.ts';
import { type SensorCommand, startSensorCommand } from './sensor-command.ts';

/** Readings printed by the sensor command; refused lines are logged, a full disk is not a bad line. */
export function startSensorFeed(
  options: Pick<GatewayOptions, 'sensorCommand'>,
  deps: { ingest: Ingest; clock: Clock; log: Logger; stack: ResourceStack },
): SensorCommand | undefined {
  if (!options.sensorCommand) return undefined;
  const { ingest, log } = deps;
  const sensorCommand = startSensorCommand({
    command: options.sensorCommand,
    clock: deps.clock,
    log: log.child('sensor-command'),
    onReadings: (rs) => {
      let r: IngestResult;
      try {
        r = ingest.ingest(rs);
      } catch (err) {
        if (isStorageFull(err)) return; // reported once when the disk filled; not a bad line
        throw err;
      }
      if (r.rejected.length > 0)
        log.warn('sensor command readings refused', { first: r.rejected[0], count: r.rejected.length });
    },
  });
  deps.stack.defer(() => sensorCommand.dispose());
  return sensorCommand;
}

/** The local push endpoint for readings (loopback only), when configured. */
export async function startPushFeed(
  options: Pick<GatewayOptions, 'push'>,
  deps: { ingest: Ingest; clock: Clock; stack: ResourceStack },
): Promise<PushServer | null> {
  if (!options.push) return null;
  const push = await startPushServer({
    host: options.push.host ?? '127.0.0.1',
    port: options.push.port,
    ingest: deps.ingest,
    clock: deps.clock,
  });
  deps.stack.defer(() => push.dispose());
  return push;
}
