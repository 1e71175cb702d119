/**
 * The rules every new farm gets without anyone typing them. They are rows like any other (scope: all
 * farms), so an operator edits them once for every farm, or overrides one farm or one sensor with a more
 * specific rule of the same kind (see rules.ts). Built-ins can be disabled, not deleted.
 */
import type { AlertRule } from '../../../protocol/app/index.ts';

type Builtin = Omit<AlertRule, 'updatedAt' | 'updatedBy'>;

const base = { enabled: true, farmId: null, sensorId: null, webhookUrl: null, builtin: true } as const;

export const BUILTIN_RULES: readonly Builtin[] = [
  {
    ...base,
    id: 'builtin:offline-tailnet',
    name: 'Farm offline on the tailnet',
    severity: 'critical',
    condition: { kind: 'offline', layer: 'tailnet', forS: 300 },
    notify: 'fire-and-resolve',
  },
  {
    ...base,
    id: 'builtin:offline-gateway',
    name: 'Gateway not answering',
    severity: 'critical',
    condition: { kind: 'offline', layer: 'gateway', forS: 300 },
    notify: 'fire-and-resolve',
  },
  {
    ...base,
    id: 'builtin:offline-data',
    name: 'Farm sends no data',
    severity: 'warning',
    condition: { kind: 'offline', layer: 'data', forS: 300 },
    notify: 'fire-and-resolve',
  },
  {
    ...base,
    id: 'builtin:stale-sensor',
    name: 'Sensor stopped reporting',
    severity: 'warning',
    condition: { kind: 'stale', forS: 900 },
    notify: 'fire',
  },
  {
    ...base,
    id: 'builtin:expected-range',
    name: 'Outside the expected range',
    severity: 'warning',
    condition: { kind: 'range', min: null, max: null, hysteresis: null, forS: 600 },
    notify: 'fire',
  },
  {
    ...base,
    id: 'builtin:command-failed',
    name: 'Command failed',
    severity: 'warning',
    condition: { kind: 'command', states: ['failed', 'rejected', 'expired', 'unknown'], unknownForS: 120 },
    notify: 'fire',
  },
  {
    ...base,
    id: 'builtin:key-expiry',
    name: 'Gateway key expires soon',
    severity: 'warning',
    condition: { kind: 'keyExpiry', withinDays: 14 },
    notify: 'fire',
  },
];
