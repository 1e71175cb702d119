/**
 * Alerts as shaded bands on a sensor's history chart (recharts `ReferenceArea x1/x2`): each episode from
 * when its condition began to when it cleared (or `now` while open), clipped to the visible range.
 * Overlapping bands of the same severity merge, so a chart never stacks shades of one colour.
 */
import type { Alert, AlertSeverity } from '../../../../protocol/app/index.ts';

export interface AlertBand {
  from: number;
  to: number;
  severity: AlertSeverity;
}

export interface AlertBandOptions {
  /** End of open episodes (default: `to`). */
  now?: number;
  /** Also shade farm-wide episodes (offline, no data): they explain gaps in every sensor's line. */
  includeFarmWide?: boolean;
}

const FARM_WIDE = new Set<Alert['kind']>(['offline']);

export function alertBands(
  alerts: readonly Alert[],
  sensorId: string,
  from: number,
  to: number,
  options: AlertBandOptions = {},
): AlertBand[] {
  const now = options.now ?? to;
  const raw: AlertBand[] = [];
  for (const a of alerts) {
    const mine = a.sensorId === sensorId || (options.includeFarmWide === true && FARM_WIDE.has(a.kind));
    if (!mine) continue;
    const start = Date.parse(a.startedAt);
    const end = a.resolvedAt === null ? now : Date.parse(a.resolvedAt);
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    const b = { from: Math.max(start, from), to: Math.min(end, to), severity: a.severity };
    if (b.from <= b.to) raw.push(b);
  }
  raw.sort((x, y) => x.from - y.from || x.to - y.to);
  const out: AlertBand[] = [];
  const lastOf = new Map<AlertSeverity, AlertBand>();
  for (const b of raw) {
    const last = lastOf.get(b.severity);
    if (last && b.from <= last.to) {
      last.to = Math.max(last.to, b.to);
      continue;
    }
    const copy = { ...b };
    out.push(copy);
    lastOf.set(b.severity, copy);
  }
  return out;
}

/** Fill colours by severity for the bands (theme-neutral, translucent). */
export const BAND_FILL: Record<AlertSeverity, string> = {
  critical: 'rgba(211, 47, 47, 0.18)',
  warning: 'rgba(237, 108, 2, 0.16)',
  info: 'rgba(2, 136, 209, 0.12)',
};
