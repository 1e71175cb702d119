/**
 * Threshold, setpoint and range rules. They use reading timestamps: a breach must last `forS` across
 * readings (or, on a tick, while its last reading is still fresh); it clears only past the hysteresis level.
 */
import type { AlertRule } from '../../../protocol/app/index.ts';
import { SYSTEM } from './book.ts';
import { type FarmState, matchesSensorKind, type RuleContext, VALUE_KINDS } from './farm-state.ts';
import {
  breachOf,
  clearLevel,
  type Direction,
  isCleared,
  isValueCondition,
  levelsFor,
  worse,
} from './levels.ts';

/** A pending breach fires on a tick only while its last reading is this fresh (or 3 sensor intervals). */
const MIN_FRESH_MS = 60_000;

/** A breach not yet lasting long enough to fire. */
interface Pending {
  ruleId: string;
  farmId: string;
  sensorId: string;
  direction: Direction;
  since: number;
  lastTs: number;
  value: number;
  peak: number;
  limit: number;
  clear: number | null;
}

export class ValueRules {
  readonly #ctx: RuleContext;
  readonly #pending = new Map<string, Pending>();

  constructor(ctx: RuleContext) {
    this.#ctx = ctx;
  }

  /** The value rules for a sensor (by farm, sensor and its kind). */
  for(f: FarmState, sensorId: string): readonly AlertRule[] {
    const kind = f.sensors.get(sensorId)?.kind;
    const rules = this.#ctx.rules.for(f.farmId, sensorId, VALUE_KINDS);
    return rules.every((r) => matchesSensorKind(r, kind, false))
      ? rules
      : rules.filter((r) => matchesSensorKind(r, kind, false));
  }

  step(rule: AlertRule, f: FarmState, sensorId: string, ts: number, value: number): void {
    const c = rule.condition;
    if (!isValueCondition(c)) return;
    const sensor = f.sensors.get(sensorId);
    const levels = levelsFor(c, sensor, (id) => f.lastValue.get(id) ?? null);
    if (levels === null) return;
    const open = this.#ctx.book.open(rule.id, f.farmId, sensorId);
    if (open) {
      const direction = open.facts.direction ?? 'above';
      open.peak = worse(direction, open.peak, value);
      if (isCleared(levels, direction, value)) this.#ctx.book.resolve(open, SYSTEM, 'cleared', ts, true);
      return;
    }
    const key = `${rule.id}\u0000${f.farmId}\u0000${sensorId}`;
    const direction = breachOf(levels, value);
    if (direction === null) {
      this.#pending.delete(key);
      return;
    }
    let p = this.#pending.get(key);
    const limit = (direction === 'above' ? levels.above : levels.below)!;
    if (!p || p.direction !== direction) {
      p = {
        ruleId: rule.id,
        farmId: f.farmId,
        sensorId,
        direction,
        since: ts,
        lastTs: ts,
        value,
        peak: value,
        limit,
        clear: null,
      };
      this.#pending.set(key, p);
    }
    p.lastTs = ts;
    p.value = value;
    p.peak = worse(direction, p.peak, value);
    p.limit = limit;
    p.clear = clearLevel(levels, direction);
    if (ts - p.since >= c.forS * 1000) this.#fire(rule, f, p, key);
  }

  #fire(rule: AlertRule, f: FarmState, p: Pending, key: string): void {
    this.#pending.delete(key);
    const sensor = f.sensors.get(p.sensorId);
    const c = rule.condition;
    this.#ctx.book.fire({
      rule,
      farmId: f.farmId,
      farmName: f.name,
      subject: p.sensorId,
      sensorId: p.sensorId,
      startedAt: p.since,
      peak: p.peak,
      facts: {
        value: p.value,
        limit: p.limit,
        ...(p.clear === null ? {} : { clear: p.clear }),
        direction: p.direction,
        sensorLabel: sensor?.label ?? p.sensorId,
        ...(sensor?.labels ? { sensorLabels: sensor.labels } : {}),
        ...(sensor?.unit ? { unit: sensor.unit } : {}),
        forS: 'forS' in c ? c.forS : 0,
      },
    });
  }

  /** Fires pending breaches that have lasted long enough while their readings are still fresh. */
  tick(now: number, farms: ReadonlyMap<string, FarmState>): void {
    for (const [key, p] of this.#pending) {
      const rule = this.#ctx.rules.get(p.ruleId);
      const f = farms.get(p.farmId);
      if (!rule?.enabled || !f || !isValueCondition(rule.condition)) {
        this.#pending.delete(key);
        continue;
      }
      const fresh = Math.max(MIN_FRESH_MS, 3 * (f.sensors.get(p.sensorId)?.intervalMs ?? 0));
      const forMs = rule.condition.forS * 1000;
      if (now - p.since >= forMs && now - p.lastTs <= fresh) this.#fire(rule, f, p, key);
    }
  }

  /** Pending breaches of a rule are forgotten when it changes (its levels may be different now). */
  forgetRule(ruleId: string): void {
    for (const [key, p] of this.#pending) if (p.ruleId === ruleId) this.#pending.delete(key);
  }

  forgetFarm(farmId: string): void {
    for (const [key, p] of this.#pending) if (p.farmId === farmId) this.#pending.delete(key);
  }
}
