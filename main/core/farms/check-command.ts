/**
 * Checks a command against the farm's own description (FarmInfo) before it enters the ledger, so an
 * obviously wrong request (unknown valve, flow rate out of bounds) fails at once with a clear message.
 * The gateway validates again; this is for the person, not for safety.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { FarmInfo } from '../../../protocol/farm-api.ts';
import type { ParamValue } from './ledger-store.ts';

export function checkCommand(
  info: FarmInfo,
  target: string,
  action: string,
  params: Record<string, ParamValue>,
): void {
  const actuator = info.actuators.find((a) => a.id === target);
  if (!actuator) throw new AgromeshError('VALIDATION', `Farm ${info.farmId} has no actuator "${target}".`);
  const command = actuator.commands.find((c) => c.action === action);
  if (!command) throw new AgromeshError('VALIDATION', `"${target}" has no action "${action}".`);
  const schema = command.params;
  const problems: string[] = [];
  for (const name of schema.required) if (!(name in params)) problems.push(`${name} is required`);
  for (const [name, value] of Object.entries(params)) {
    const prop = schema.properties[name];
    if (!prop) {
      problems.push(`${name} is not a parameter of ${action}`);
      continue;
    }
    const okType =
      prop.type === 'boolean'
        ? typeof value === 'boolean'
        : prop.type === 'string'
          ? typeof value === 'string'
          : typeof value === 'number' &&
            Number.isFinite(value) &&
            (prop.type !== 'integer' || Number.isInteger(value));
    if (!okType) {
      problems.push(`${name} must be ${prop.type === 'integer' ? 'an integer' : `a ${prop.type}`}`);
      continue;
    }
    if (typeof value === 'number') {
      if (prop.minimum !== undefined && value < prop.minimum)
        problems.push(`${name} must be ≥ ${prop.minimum}`);
      if (prop.maximum !== undefined && value > prop.maximum)
        problems.push(`${name} must be ≤ ${prop.maximum}`);
    }
    if (prop.enum && typeof value !== 'boolean' && !prop.enum.includes(value)) {
      problems.push(`${name} must be one of ${prop.enum.join(', ')}`);
    }
  }
  if (problems.length > 0) {
    throw new AgromeshError(
      'VALIDATION',
      `Invalid parameters for ${target}.${action}: ${problems.join('; ')}.`,
      {
        details: problems,
      },
    );
  }
}
