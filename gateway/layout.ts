/**
 * The farm's sensors and actuators as this gateway knows them, plus how each command's effect is
 * confirmed (gateway-internal: the wire only says which sensor confirms). Loaded from a JSON file for
 * real hardware (`--layout`), or built by the simulator.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Actuator, ActuatorCommand, Sensor } from '../protocol/farm-api.ts';
import { AgromeshError } from '../protocol/errors.ts';

export const ConfirmRule = z.object({
  /** rise: confirmed by a reading above `threshold`; fall: below it. */
  expect: z.enum(['rise', 'fall']),
  threshold: z.number(),
  /** How long after success a confirming reading may arrive. */
  withinMs: z.number().int().positive().default(120_000),
});
export type ConfirmRule = z.infer<typeof ConfirmRule>;

const LayoutCommand = ActuatorCommand.extend({ confirm: ConfirmRule.optional() });
const LayoutActuator = Actuator.extend({ commands: z.array(LayoutCommand).max(50) });

export const FarmLayout = z
  .object({
    sensors: z.array(Sensor).max(1000),
    actuators: z.array(LayoutActuator).max(200),
  })
  .superRefine((layout, ctx) => {
    const sensorIds = new Set(layout.sensors.map((s) => s.id));
    if (sensorIds.size !== layout.sensors.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate sensor id' });
    const actuatorIds = new Set(layout.actuators.map((a) => a.id));
    if (actuatorIds.size !== layout.actuators.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate actuator id' });
    for (const a of layout.actuators) {
      for (const c of a.commands) {
        if (c.confirmedBy !== undefined && !sensorIds.has(c.confirmedBy)) {
          ctx.addIssue({
            code: 'custom',
            message: `${a.id}/${c.action} is confirmed by unknown sensor ${c.confirmedBy}`,
          });
        }
        if (c.confirm && c.confirmedBy === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${a.id}/${c.action} has a confirm rule but no confirmedBy sensor`,
          });
        }
      }
    }
  });
export type FarmLayout = z.infer<typeof FarmLayout>;
export type LayoutActuator = z.infer<typeof LayoutActuator>;
export type LayoutCommand = z.infer<typeof LayoutCommand>;

export const emptyLayout: FarmLayout = { sensors: [], actuators: [] };

export function loadLayout(file: string): FarmLayout {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AgromeshError('VALIDATION', `Cannot read the layout file ${file}: ${(err as Error).message}`);
  }
  const parsed = FarmLayout.safeParse(raw);
  if (!parsed.success) {
    throw new AgromeshError(
      'VALIDATION',
      `The layout file ${file} is invalid: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The wire form of the actuators (confirm rules stay inside the gateway). */
export function publicActuators(layout: FarmLayout): Actuator[] {
  return layout.actuators.map((a) => ({
    id: a.id,
    kind: a.kind,
    label: a.label,
    ...(a.labels !== undefined ? { labels: a.labels } : {}),
    ...(a.deliveryWindowS !== undefined ? { deliveryWindowS: a.deliveryWindowS } : {}),
    commands: a.commands.map(({ confirm: _confirm, ...c }) => c),
  }));
}

/** The farm-wide delivery window (`--command-window`) for actuators that do not set their own. */
export function withCommandWindow(layout: FarmLayout, windowS: number | undefined): FarmLayout {
  if (windowS === undefined) return layout;
  return { ...layout, actuators: layout.actuators.map((a) => ({ deliveryWindowS: windowS, ...a })) };
}

export function findCommand(layout: FarmLayout, target: string, action: string): LayoutCommand | undefined {
  return layout.actuators.find((a) => a.id === target)?.commands.find((c) => c.action === action);
}
