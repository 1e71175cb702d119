/** Tabs and filters of the Alerts view as plain data, turned into a `listAlerts` filter. */
import type { AlertFilter, AlertSeverity, AlertState } from '../../../../protocol/app/index.ts';

export type AlertTab = 'firing' | 'acknowledged' | 'history' | 'rules';
export type TimePreset = '24h' | '7d' | '30d' | 'all';

export interface AlertFilters {
  farmId: string | null;
  severity: AlertSeverity | null;
  time: TimePreset;
}

export const DEFAULT_FILTERS: AlertFilters = { farmId: null, severity: null, time: '7d' };

const PRESET_MS: Record<Exclude<TimePreset, 'all'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

const TAB_STATES: Record<Exclude<AlertTab, 'rules'>, AlertState[]> = {
  firing: ['firing'],
  acknowledged: ['acknowledged'],
  history: ['firing', 'acknowledged', 'resolved'],
};

/** The request for one tab: open alerts ignore the period (they matter however old they are). */
export function filterFor(tab: Exclude<AlertTab, 'rules'>, f: AlertFilters, now: number): AlertFilter {
  return {
    state: TAB_STATES[tab],
    ...(f.farmId ? { farmId: f.farmId } : {}),
    ...(f.severity ? { severity: [f.severity] } : {}),
    ...(tab === 'history' && f.time !== 'all' ? { from: now - PRESET_MS[f.time] } : {}),
    limit: tab === 'history' ? 500 : 1000,
  };
}
