/** What actually moves a valve: the simulator, an external handler program, or a test fake. */
import type { Params } from '../../protocol/command-params.ts';

export interface ActuationRequest {
  id: string;
  target: string;
  action: string;
  /** Checked against the actuator's schema, defaults filled in. */
  params: Params;
  expiresAt: string;
  requestedBy: string;
}

export type ActuationOutcome =
  | { outcome: 'succeeded'; reason?: string }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'rejected'; reason: string }
  /** Stopped part-way (the gateway shut down): the device may have acted. */
  | { outcome: 'interrupted'; reason: string };

export interface ActuatorDriver {
  /** Carry out one command. `signal` aborts when the gateway shuts down. Never throws for a device failure. */
  execute(request: ActuationRequest, signal: AbortSignal): Promise<ActuationOutcome>;
  dispose?(): void | Promise<void>;
}

/** A driver for a farm without actuators: every command is refused. */
export const noActuators: ActuatorDriver = {
  execute: async (r) => ({ outcome: 'rejected', reason: `no actuator driver is configured for ${r.target}` }),
};
