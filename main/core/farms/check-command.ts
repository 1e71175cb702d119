/**
 * Checks a command against the farm's own description (FarmInfo) before it enters the ledger, so an
 * obviously wrong request (unknown valve, flow rate out of bounds) fails at once with a clear message.
 * The gateway validates again; this is for the person, not for safety.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { FarmInfo, ParamValue } from '../../../protocol/farm-api.ts';
import { checkParams } from '../../../protocol/command-params.ts';

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
  const checked = checkParams(command.params, params);
  const problems = checked.ok ? [] : checked.reasons;
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
