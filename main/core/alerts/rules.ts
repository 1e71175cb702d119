/**
 * Which rules apply where. Scopes nest: all farms ⊃ one farm ⊃ one sensor. Rules of an overridable kind
 * (expected range, offline per layer, stale, command, key expiry) form a chain: the most specific level
 * that has any rule for a farm/sensor replaces the levels above it, so "gateway offline after 30 min on
 * this farm" or a disabled copy ("never for this sensor") beats the all-farms default. Threshold and
 * setpoint rules are the operator's own and simply add up.
 */
import type { AlertCondition, AlertRule, AlertRuleInput } from '../../../protocol/app/index.ts';
import { AgromeshError } from '../../../protocol/errors.ts';

export function chainOf(condition: AlertCondition): string | null {
  switch (condition.kind) {
    case 'offline':
      return `offline:${condition.layer}`;
    case 'range':
    case 'stale':
    case 'command':
    case 'keyExpiry':
      return condition.kind;
    case 'threshold':
    case 'setpoint':
      return null;
  }
}

export function specificity(rule: Pick<AlertRule, 'farmId' | 'sensorId'>): 0 | 1 | 2 {
  return rule.sensorId !== null ? 2 : rule.farmId !== null ? 1 : 0;
}

function inScope(rule: AlertRule, farmId: string, subject: string | null): boolean {
  if (rule.farmId !== null && rule.farmId !== farmId) return false;
  if (rule.sensorId !== null && rule.sensorId !== subject) return false;
  return true;
}

/**
 * The enabled rules that govern (farm, subject) among `rules` of one chain (or additive rules).
 * `subject` is a sensor id (or an actuator id for command rules); null for farm-level conditions.
 */
export function effectiveRules(
  rules: readonly AlertRule[],
  farmId: string,
  subject: string | null,
): AlertRule[] {
  const matching = rules.filter((r) => inScope(r, farmId, subject));
  const additive = matching.filter((r) => chainOf(r.condition) === null);
  const chains = new Map<string, AlertRule[]>();
  for (const r of matching) {
    const chain = chainOf(r.condition);
    if (chain === null) continue;
    const list = chains.get(chain) ?? [];
    list.push(r);
    chains.set(chain, list);
  }
  const out = additive.filter((r) => r.enabled);
  for (const list of chains.values()) {
    const top = Math.max(...list.map(specificity));
    for (const r of list) if (specificity(r) === top && r.enabled) out.push(r);
  }
  return out;
}

/** Caches effectiveRules per (farm, subject); dropped whenever a rule changes. */
export class RuleIndex {
  #rules: AlertRule[] = [];
  #cache = new Map<readonly AlertCondition['kind'][], Map<string, AlertRule[]>>();

  set(rules: readonly AlertRule[]): void {
    this.#rules = [...rules];
    this.#cache.clear();
  }

  get all(): readonly AlertRule[] {
    return this.#rules;
  }

  get(id: string): AlertRule | undefined {
    return this.#rules.find((r) => r.id === id);
  }

  /**
   * Enabled rules of the given kinds that govern (farm, subject). Hot path (every reading): results are
   * cached per kinds list, so pass a constant array.
   */
  for(
    farmId: string,
    subject: string | null,
    kinds: readonly AlertCondition['kind'][],
  ): readonly AlertRule[] {
    let byScope = this.#cache.get(kinds);
    if (!byScope) {
      byScope = new Map();
      this.#cache.set(kinds, byScope);
    }
    const key = `${farmId}\u0000${subject ?? ''}`;
    let list = byScope.get(key);
    if (!list) {
      list = effectiveRules(this.#rules, farmId, subject).filter((r) => kinds.includes(r.condition.kind));
      byScope.set(key, list);
    }
    return list;
  }
}

const invalid = (message: string, field: string) =>
  new AgromeshError('VALIDATION', message, { details: { field } });

/** Checks a rule makes sense beyond its shape; throws VALIDATION naming the field. */
export function checkRule(input: AlertRuleInput): void {
  const c = input.condition;
  if (input.sensorId !== null && input.farmId === null) {
    throw invalid('A rule for one sensor needs its farm too.', 'farmId');
  }
  if ((c.kind === 'offline' || c.kind === 'keyExpiry') && input.sensorId !== null) {
    throw invalid('This kind of rule is about a whole farm; choose all farms or one farm.', 'sensorId');
  }
  if ((c.kind === 'threshold' || c.kind === 'setpoint') && input.sensorId === null && c.sensorKind === null) {
    throw invalid('Choose a sensor, or a kind of sensor, for this rule.', 'sensorKind');
  }
  if (c.kind === 'threshold') {
    if (c.above === null && c.below === null)
      throw invalid('Set an upper or a lower level (or both).', 'above');
    if (c.above !== null && c.below !== null && c.above - c.hysteresis < c.below + c.hysteresis) {
      throw invalid(
        'The upper level must be above the lower level by at least twice the hysteresis.',
        'above',
      );
    }
  }
  if (c.kind === 'setpoint') {
    if ((c.setpoint === null) === (c.setpointSensorId === null)) {
      throw invalid('Give either a setpoint value or the sensor that reports the setpoint.', 'setpoint');
    }
    if (c.hysteresis >= c.delta)
      throw invalid('The hysteresis must be smaller than the allowed deviation.', 'hysteresis');
  }
  if (c.kind === 'range' && c.min !== null && c.max !== null && c.min >= c.max) {
    throw invalid('The minimum must be below the maximum.', 'min');
  }
  if (
    c.kind === 'range' &&
    c.hysteresis !== null &&
    c.min !== null &&
    c.max !== null &&
    2 * c.hysteresis >= c.max - c.min
  ) {
    throw invalid('The hysteresis must be less than half the range.', 'hysteresis');
  }
}
