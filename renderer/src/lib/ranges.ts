/** History ranges: presets relative to now, or a custom [from, to]; zooming narrows within them. */
export type RangePreset = '1h' | '24h' | '7d' | '30d';
export const PRESET_MS: Record<RangePreset, number> = {
  '1h': 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 24 * 3600_000,
  '30d': 30 * 24 * 3600_000,
};

export interface TimeRange {
  from: number;
  to: number;
}

export function presetRange(preset: RangePreset, now: number): TimeRange {
  return { from: now - PRESET_MS[preset], to: now };
}

/** A drag-selected zoom: ordered, inside the current range, and at least one minute wide. */
export function zoomRange(a: number, b: number, within: TimeRange): TimeRange | undefined {
  const from = Math.max(within.from, Math.min(a, b));
  const to = Math.min(within.to, Math.max(a, b));
  return to - from >= 60_000 ? { from, to } : undefined;
}
