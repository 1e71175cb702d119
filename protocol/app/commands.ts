/** Commands as the control room's ledger keeps them. */
import { z } from 'zod';
import { type ActuatorCommand, type FarmInfo, CommandState, LocalLabels, ParamValue } from '../farm-api.ts';

export const LedgerState = z.union([CommandState, z.enum(['sending', 'unknown'])]);
export type LedgerState = z.infer<typeof LedgerState>;

export const LedgerCommand = z.object({
  id: z.string(),
  farmId: z.string(),
  farmName: z.string(),
  action: z.string(),
  target: z.string(),
  params: z.record(z.string(), ParamValue),
  requestedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  state: LedgerState,
  reason: z.string().nullable(),
  history: z.array(z.object({ state: LedgerState, at: z.string(), reason: z.string().optional() })),
  /**
   * What people call the target, the action and its parameters, from the farm's layout when the core
   * knows it (absent otherwise: views fall back to the ids). Labels per language as the layout gives them.
   */
  names: z
    .object({
      target: z.string(),
      targetLabels: LocalLabels.optional(),
      action: z.string(),
      actionLabels: LocalLabels.optional(),
      params: z.record(
        z.string(),
        z.object({ title: z.string(), titles: LocalLabels.optional(), unit: z.string().optional() }),
      ),
    })
    .optional(),
});
export type LedgerCommand = z.infer<typeof LedgerCommand>;
export type CommandNames = NonNullable<LedgerCommand['names']>;

/** The names of `action` on `target` in a farm's layout, or undefined when the layout has no such command. */
export function commandNames(
  info: Pick<FarmInfo, 'actuators'> | null | undefined,
  target: string,
  action: string,
): CommandNames | undefined {
  const actuator = info?.actuators.find((a) => a.id === target);
  const command: ActuatorCommand | undefined = actuator?.commands.find((c) => c.action === action);
  if (!actuator || !command) return undefined;
  const params: CommandNames['params'] = {};
  for (const [name, p] of Object.entries(command.params.properties))
    params[name] = {
      title: p.title ?? name,
      ...(p.titles ? { titles: p.titles } : {}),
      ...(p.unit ? { unit: p.unit } : {}),
    };
  return {
    target: actuator.label,
    ...(actuator.labels ? { targetLabels: actuator.labels } : {}),
    action: command.label,
    ...(command.labels ? { actionLabels: command.labels } : {}),
    params,
  };
}

export const CommandFilter = z.object({
  farmId: z.string().max(100).optional(),
  requestedBy: z.string().max(200).optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});

/** A parameter value as the page may send it: the wire's, with strings capped at the app's edge. */
export const ParamInputValue = z.union([z.number(), z.string().max(200), z.boolean()]);
