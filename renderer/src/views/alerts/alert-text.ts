/**
 * Alerts and rules in the reader's language, from the structured `kind` + `facts` the core sends (its
 * English `title` is for notifications and webhooks). Pure: the tests run it without a DOM.
 */
import type { Alert, AlertResolution, AlertRule, AlertSeverity } from '../../../../protocol/app/index.ts';
import { formatAge, formatNumber, formatRelative } from '../../lib/format.ts';
import { type Lang, translate } from '../../lib/i18n.ts';

function value(lang: Lang, v: number | null | undefined, unit: string | undefined): string {
  if (v === null || v === undefined) return '—';
  const n = formatNumber(lang, v, 2);
  return unit ? `${n} ${unit}` : n;
}

/** What happened, in one line, without the farm's name (the list shows it beside). */
export function alertText(lang: Lang, alert: Alert, now: number): string {
  const f = alert.facts;
  const sensor = f.sensorLabels?.[lang] ?? f.sensorLabel ?? alert.sensorId ?? '';
  switch (alert.kind) {
    case 'threshold':
    case 'setpoint':
    case 'range':
      return translate(lang, f.direction === 'below' ? 'value_below' : 'value_above', {
        sensor,
        value: value(lang, f.value, f.unit),
        limit: value(lang, f.limit, f.unit),
      });
    case 'offline':
      return translate(
        lang,
        f.layer === 'tailnet' ? 'offline_tailnet' : f.layer === 'data' ? 'offline_data' : 'offline_gateway',
      );
    case 'stale':
      return translate(lang, 'stale', { sensor, duration: formatAge(lang, f.forS ?? 0) });
    case 'command': {
      const state = f.commandState ?? 'failed';
      const key =
        state === 'unknown'
          ? 'command_unknown'
          : state === 'rejected'
            ? 'command_rejected'
            : state === 'expired'
              ? 'command_expired'
              : state === 'interrupted'
                ? 'command_interrupted'
                : 'command_failed';
      return translate(lang, key, { action: f.action ?? '?', target: f.target ?? '?' });
    }
    case 'keyExpiry': {
      const at = f.keyExpiry ? Date.parse(f.keyExpiry) : NaN;
      if (Number.isFinite(at) && at <= now) return translate(lang, 'key_expired');
      return translate(lang, 'key_expires', {
        when: Number.isFinite(at) ? formatRelative(lang, at, now) : '?',
      });
    }
  }
}

export function resolutionText(lang: Lang, code: AlertResolution | null): string {
  return code === null ? '' : translate(lang, `resolution_${code}`);
}

export function severityText(lang: Lang, s: AlertSeverity): string {
  return translate(lang, `severity_${s}`);
}

const minutes = (lang: Lang, s: number) => formatAge(lang, s);

/** A rule's condition in a few words for the rules table. */
export function conditionText(lang: Lang, rule: AlertRule): string {
  const c = rule.condition;
  const n = (v: number) => formatNumber(lang, v, 2);
  switch (c.kind) {
    case 'threshold': {
      const d = minutes(lang, c.forS);
      if (c.above !== null && c.below !== null)
        return translate(lang, 'cond_threshold_both', { above: n(c.above), below: n(c.below), d });
      if (c.above !== null) return translate(lang, 'cond_threshold_above', { above: n(c.above), d });
      return translate(lang, 'cond_threshold_below', { below: n(c.below ?? 0), d });
    }
    case 'setpoint':
      return translate(lang, 'cond_setpoint', {
        setpoint: c.setpoint === null ? (c.setpointSensorId ?? '?') : n(c.setpoint),
        delta: n(c.delta),
        d: minutes(lang, c.forS),
      });
    case 'range':
      return c.min === null && c.max === null
        ? translate(lang, 'cond_range_expected', { d: minutes(lang, c.forS) })
        : translate(lang, 'cond_range', {
            min: c.min === null ? '…' : n(c.min),
            max: c.max === null ? '…' : n(c.max),
            d: minutes(lang, c.forS),
          });
    case 'offline':
      return translate(lang, 'cond_offline', {
        layer: translate(lang, `layer_${c.layer}`),
        d: minutes(lang, c.forS),
      });
    case 'stale':
      return translate(lang, 'cond_stale', { d: minutes(lang, c.forS) });
    case 'command':
      return translate(lang, 'cond_command', {
        states: c.states.map((s) => translate(lang, `state_${s}`)).join(', '),
      });
    case 'keyExpiry':
      return translate(lang, 'cond_keyExpiry', { days: c.withinDays });
  }
}
