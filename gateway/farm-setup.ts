/**
 * What the farm is: the simulator (picking up where the stored readings left off), or real hardware
 * described by a layout; and who moves its actuators (an injected driver, an actuator command, the
 * simulator, or nothing).
 */
import type { ResourceStack } from '../kit/resources.ts';
import type { Logger } from '../kit/log.ts';
import type { Location } from '../protocol/farm-api.ts';
import type { Clock } from './clock.ts';
import { type ActuatorDriver, noActuators } from './commands/driver.ts';
import type { GatewayOptions } from './gateway.ts';
import { actuatorCommandDriver } from './hardware/actuator-command.ts';
import { type FarmLayout, emptyLayout, withCommandWindow } from './layout.ts';
import { createFarmSimulator, type FarmSimulator } from './simulator/farm-sim.ts';
import { simActuatorDriver } from './simulator/sim-driver.ts';
import type { ReadingStore } from './store/readings.ts';

export interface Farm {
  simulator: FarmSimulator | null;
  layout: FarmLayout;
  driver: ActuatorDriver;
}

export function setUpFarm(
  options: GatewayOptions,
  deps: {
    clock: Clock;
    readings: ReadingStore;
    location: Location | null;
    log: Logger;
    stack: ResourceStack;
  },
): Farm {
  const { clock, readings, log } = deps;
  let simulator: FarmSimulator | null = null;
  const sim = options.simulate ?? null;
  if (sim) {
    const anchor = clock.now();
    const last = (id: string) => readings.latest(id)?.value ?? undefined;
    simulator = createFarmSimulator({
      seed: sim.seed,
      speed: sim.speed ?? 1,
      location: deps.location,
      anchor,
      driftFrom:
        sim.driftOutOfRangeAfterMs === undefined || sim.driftOutOfRangeAfterMs === null
          ? null
          : anchor + sim.driftOutOfRangeAfterMs,
      schedule: sim.schedule ?? true,
      initial: { soil1: last('soil-1'), soil2: last('soil-2'), tank: last('tank-1') },
    });
  }
  const layout = withCommandWindow(
    simulator?.layout ?? options.layout ?? emptyLayout,
    options.commandWindowS,
  );
  const driver: ActuatorDriver =
    options.actuatorDriver ??
    (options.actuatorCommand
      ? actuatorCommandDriver({
          command: options.actuatorCommand,
          log: log.child('actuator'),
          ...(options.actuatorTimeoutMs ? { timeoutMs: options.actuatorTimeoutMs } : {}),
          ...(options.actuatorStopGraceMs !== undefined ? { stopGraceMs: options.actuatorStopGraceMs } : {}),
        })
      : simulator
        ? simActuatorDriver(simulator, clock)
        : noActuators);
  if (driver.dispose) deps.stack.defer(() => driver.dispose!());
  return { simulator, layout, driver };
}
