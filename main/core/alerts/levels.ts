/**
 * Levels of the value rules (threshold, setpoint, expected range) and the hysteresis test. A value fires
 * past `above`/`below`, but an alert clears only once the value is back by `hysteresis`, so a reading that
 * hovers at the limit neither flaps nor re-fires.
 */
import type { AlertCondition } from '../../../protocol/app/index.ts';
import type { Sensor } from '../../../protocol/farm-api.ts';

export interface Levels {
  above: number | null;
  below: number | null;
  /** Absolute distance a value must come back to clear. */
  hysteresis: number;
}

export type Direction = 'above' | 'below';

/** Default hysteresis of an expected-range rule: 2 % of the span. */
export const RANGE_HYSTERESIS_SHARE = 0.02;

type ValueCondition = Extract<AlertCondition, { kind: 'threshold' | 'setpoint' | 'range' }>;

export function isValueCondition(c: AlertCondition): c is ValueCondition {
  return c.kind === 'threshold' || c.kind === 'setpoint' || c.kind === 'range';
}

/**
 * The levels for one sensor now, or null when they cannot be known (no setpoint reading yet, or an
 * expected-range rule for a sensor whose range is unknown).
 */
export function levelsFor(
  c: ValueCondition,
  sensor: Pick<Sensor, 'expectedRange'> | undefined,
  latestValue: (sensorId: string) => number | null,
): Levels | null {
  switch (c.kind) {
    case 'threshold':
      return { above: c.above, below: c.below, hysteresis: c.hysteresis };
    case 'setpoint': {
      const sp = c.setpoint ?? (c.setpointSensorId === null ? null : latestValue(c.setpointSensorId));
      if (sp === null) return null;
      return {
        above: c.direction === 'below' ? null : sp + c.delta,
        below: c.direction === 'above' ? null : sp - c.delta,
        hysteresis: c.hysteresis,
      };
    }
    case 'range': {
      const max = c.max ?? sensor?.expectedRange.max ?? null;
      const min = c.min ?? sensor?.expectedRange.min ?? null;
      if (max === null && min === null) return null;
      const span = max !== null && min !== null ? max - min : 0;
      return {
        above: max,
        below: min,
        hysteresis: c.hysteresis ?? Math.max(0, span * RANGE_HYSTERESIS_SHARE),
      };
    }
  }
}

/** Which limit the value is past, if any. */
export function breachOf(levels: Levels, value: number): Direction | null {
  if (levels.above !== null && value > levels.above) return 'above';
  if (levels.below !== null && value < levels.below) return 'below';
  return null;
}

/** The level a value past `direction` must come back to. */
export function clearLevel(levels: Levels, direction: Direction): number | null {
  if (direction === 'above') return levels.above === null ? null : levels.above - levels.hysteresis;
  return levels.below === null ? null : levels.below + levels.hysteresis;
}

/** True once the value is back inside by the hysteresis (or the limit no longer exists). */
export function isCleared(levels: Levels, direction: Direction, value: number): boolean {
  const level = clearLevel(levels, direction);
  if (level === null) return true;
  return direction === 'above' ? value <= level : value >= level;
}

/** The worse of two values for an alert past `direction`. */
export function worse(direction: Direction, a: number | null, b: number): number {
  if (a === null) return b;
  return direction === 'above' ? Math.max(a, b) : Math.min(a, b);
}
