/** Commands applied to the simulated farm. */
import type { Clock } from '../clock.ts';
import type { ActuatorDriver } from '../commands/driver.ts';
import type { FarmSimulator } from './farm-sim.ts';

export function simActuatorDriver(sim: FarmSimulator, clock: Clock): ActuatorDriver {
  return {
    async execute(r) {
      const result = sim.actuate(r.target, r.action, r.params, clock.now());
      return result.ok
        ? { outcome: 'succeeded' }
        : { outcome: 'rejected', reason: result.reason ?? 'refused' };
    },
  };
}
