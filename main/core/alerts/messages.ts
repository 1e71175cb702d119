/**
 * English wording for notifications and webhooks (the OS shows them outside the app's language switch;
 * the Alerts view words alerts itself from `kind` and `facts`). Storm summaries read like a person would
 * say them: "20 farms went offline at 10:42".
 */
import type { AlertFacts, AlertKind, HealthLayerName } from '../../../protocol/app/index.ts';

export function formatValue(value: number | null | undefined, unit: string | undefined): string {
  if (value === null || value === undefined) return 'no value';
  const rounded = Math.round(value * 100) / 100;
  return unit ? `${rounded} ${unit}` : String(rounded);
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const min = Math.round(seconds / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

const layerTitle: Record<HealthLayerName, (farm: string) => string> = {
  tailnet: (farm) => `${farm} is offline on the tailnet`,
  gateway: (farm) => `${farm}: the gateway is not answering`,
  data: (farm) => `${farm} sends no data`,
};

export function alertTitle(kind: AlertKind, farm: string, f: AlertFacts, now: number): string {
  const sensor = f.sensorLabel ?? 'a sensor';
  switch (kind) {
    case 'threshold':
    case 'setpoint':
    case 'range': {
      const where = f.direction === 'below' ? 'below' : 'above';
      const over = f.forS ? ` for ${formatDuration(f.forS)}` : '';
      return `${farm}: ${sensor} ${formatValue(f.value, f.unit)}, ${where} ${formatValue(f.limit, f.unit)}${over}`;
    }
    case 'offline':
      return layerTitle[f.layer ?? 'gateway'](farm);
    case 'stale':
      return `${farm}: ${sensor} has not reported for ${formatDuration(f.forS ?? 0)}`;
    case 'command': {
      const what = `${f.action ?? 'command'} on ${f.target ?? 'an actuator'}`;
      if (f.commandState === 'unknown') return `${farm}: the outcome of ${what} is unknown`;
      if (f.commandState === 'interrupted')
        return `${farm}: ${what} was interrupted: it may have acted, check the device`;
      return `${farm}: ${what} ${f.commandState ?? 'failed'}`;
    }
    case 'keyExpiry': {
      const at = f.keyExpiry ? Date.parse(f.keyExpiry) : NaN;
      if (Number.isFinite(at) && at <= now) return `${farm}: the tailnet key has expired`;
      const left = Number.isFinite(at) ? ` in ${formatDuration((at - now) / 1000)}` : '';
      return `${farm}: the tailnet key expires${left}`;
    }
  }
}

/** "Back to normal" wording for an alert that cleared by itself. */
export function resolvedTitle(kind: AlertKind, farm: string, f: AlertFacts): string {
  switch (kind) {
    case 'offline':
      return f.layer === 'tailnet'
        ? `${farm} is back online`
        : f.layer === 'gateway'
          ? `${farm}: the gateway answers again`
          : `${farm} sends data again`;
    case 'stale':
      return `${farm}: ${f.sensorLabel ?? 'a sensor'} reports again`;
    case 'keyExpiry':
      return `${farm}: the tailnet key was renewed`;
    default:
      return `${farm}: ${f.sensorLabel ?? 'the condition'} is back to normal`;
  }
}

/** Headline of a storm: many farms hit by the same kind of alert in one aggregation window. */
export function stormTitle(
  type: 'fired' | 'resolved',
  kind: AlertKind,
  layer: HealthLayerName | undefined,
  farms: number,
  ruleName: string,
  at: string,
): string {
  if (type === 'resolved') {
    if (kind === 'offline' && layer === 'tailnet') return `${farms} farms are back online at ${at}`;
    if (kind === 'offline' && layer === 'gateway') return `${farms} farm gateways answer again at ${at}`;
    return `${farms} farms back to normal (${ruleName}) at ${at}`;
  }
  if (kind === 'offline' && layer === 'tailnet') return `${farms} farms went offline at ${at}`;
  if (kind === 'offline' && layer === 'gateway') return `${farms} farm gateways stopped answering at ${at}`;
  if (kind === 'offline' && layer === 'data') return `${farms} farms stopped sending data at ${at}`;
  return `${farms} farms: ${ruleName} at ${at}`;
}

/** "North, South, East and 17 more". */
export function listNames(names: readonly string[], max = 5): string {
  const unique = [...new Set(names)];
  if (unique.length <= max) return unique.join(', ');
  return `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** HH:MM on a 24-hour clock in `timeZone` (this computer's when absent). */
export function clockTime(ms: number, timeZone?: string): string {
  let f = clocks.get(timeZone ?? '');
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    });
    clocks.set(timeZone ?? '', f);
  }
  return f.format(ms);
}
