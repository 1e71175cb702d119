/**
 * What the evaluator remembers per farm (sensors, freshness, bad layers, the tailnet key) and the constant
 * rule-kind lists it asks the rule index with.
 */
import type { AlertKind, AlertRule, HealthLayerName } from '../../../protocol/app/index.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { FarmInfo, Sensor } from '../../../protocol/farm-api.ts';
import type { AlertBook } from './book.ts';
import type { RuleIndex } from './rules.ts';

export const LAYERS: readonly HealthLayerName[] = ['tailnet', 'gateway', 'data'];
// Constant kind lists: the rule index caches its answers per list.
export const VALUE_KINDS = ['threshold', 'setpoint', 'range'] as const;
export const OFFLINE: readonly ['offline'] = ['offline'];
export const STALE: readonly ['stale'] = ['stale'];
export const COMMAND: readonly ['command'] = ['command'];
export const KEY_EXPIRY: readonly ['keyExpiry'] = ['keyExpiry'];
export const ONE_KIND: Record<AlertKind, readonly AlertKind[]> = {
  threshold: ['threshold'],
  setpoint: ['setpoint'],
  range: ['range'],
  offline: OFFLINE,
  stale: STALE,
  command: COMMAND,
  keyExpiry: KEY_EXPIRY,
};

/** Threshold/setpoint rules for "every sensor of a kind" apply only to sensors of that kind. */
export function matchesSensorKind(
  rule: AlertRule,
  kind: string | undefined,
  unknownMatches: boolean,
): boolean {
  const c = rule.condition;
  if (rule.sensorId !== null || (c.kind !== 'threshold' && c.kind !== 'setpoint') || c.sensorKind === null)
    return true;
  return kind === undefined ? unknownMatches : c.sensorKind === kind;
}

export type DeviceKeyInfo = Pick<TailnetDevice, 'keyExpiry' | 'keyExpiryDisabled'>;

export interface LayerState {
  /** When this app first saw the layer bad (null: not bad). */
  since: number | null;
  detail: string;
}

export interface FarmState {
  farmId: string;
  name: string;
  sensors: Map<string, Sensor>;
  /** When each sensor became known here (the reference for "never reported"). */
  knownAt: Map<string, number>;
  /** Newest reading seen per sensor, from any source (freshness). */
  lastTs: Map<string, number>;
  lastValue: Map<string, number>;
  /** Newest reading the value rules evaluated per sensor (replays and out-of-order readings are skipped). */
  evaluatedTs: Map<string, number>;
  layers: Record<HealthLayerName, LayerState>;
  device: DeviceKeyInfo | null;
  info: FarmInfo | null;
}

export function newFarmState(farmId: string): FarmState {
  const none = (): LayerState => ({ since: null, detail: '' });
  return {
    farmId,
    name: farmId,
    sensors: new Map(),
    knownAt: new Map(),
    lastTs: new Map(),
    lastValue: new Map(),
    evaluatedTs: new Map(),
    layers: { tailnet: none(), gateway: none(), data: none() },
    device: null,
    info: null,
  };
}

/** Where rules fire and resolve alerts, and which rules apply. */
export interface RuleContext {
  book: AlertBook;
  rules: RuleIndex;
}
