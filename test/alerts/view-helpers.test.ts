import { describe, expect, it } from 'vitest';
import type { Alert } from '../../protocol/app/index.ts';
import { BUILTIN_RULES } from '../../main/core/alerts/defaults.ts';
import { alertBands } from '../../renderer/src/views/alerts/alert-bands.ts';
import { filterFor } from '../../renderer/src/views/alerts/alert-filters.ts';
import { dictionaries as alertsDictionaries } from '../../renderer/src/lib/i18n.ts';
import { alertText, conditionText } from '../../renderer/src/views/alerts/alert-text.ts';
import { emptyForm, formFromRule, ruleFromForm } from '../../renderer/src/views/alerts/rule-form.ts';

const H = 3_600_000;
const t0 = Date.parse('2025-06-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function alert(over: Partial<Alert> & { start: number; end: number | null }): Alert {
  const { start, end, ...rest } = over;
  return {
    id: `a-${start}`,
    ruleId: 'r',
    ruleName: 'Too hot',
    kind: 'threshold',
    severity: 'warning',
    farmId: 'north',
    farmName: 'North field',
    sensorId: 't1',
    subject: 't1',
    state: end === null ? 'firing' : 'resolved',
    title: 'x',
    facts: { value: 36.25, limit: 35, direction: 'above', unit: '°C', sensorLabel: 'Air temperature' },
    peak: null,
    startedAt: iso(start),
    firedAt: iso(start),
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    resolvedAt: end === null ? null : iso(end),
    resolvedBy: end === null ? null : 'system',
    resolution: end === null ? null : 'cleared',
    ...rest,
  };
}

describe('alertBands', () => {
  it('clips episodes to the chart, keeps open ones to now, merges same-severity overlaps', () => {
    const alerts = [
      alert({ start: t0 - H, end: t0 + H }), // starts before the chart
      alert({ start: t0 + 2 * H, end: t0 + 4 * H, id: 'b' }),
      alert({ start: t0 + 3 * H, end: t0 + 5 * H, id: 'c' }), // overlaps b
      alert({ start: t0 + 3 * H, end: t0 + 3.5 * H, id: 'd', severity: 'critical' }),
      alert({ start: t0 + 8 * H, end: null, id: 'e' }), // still open
      alert({ start: t0 + H, end: t0 + 2 * H, id: 'other', sensorId: 't2' }),
      alert({
        start: t0 + 6 * H,
        end: t0 + 7 * H,
        id: 'gw',
        kind: 'offline',
        sensorId: null,
        severity: 'critical',
      }),
      alert({ start: t0 + 20 * H, end: t0 + 21 * H, id: 'later' }), // after the chart
    ];
    expect(alertBands(alerts, 't1', t0, t0 + 10 * H, { now: t0 + 9 * H })).toEqual([
      { from: t0, to: t0 + H, severity: 'warning' },
      { from: t0 + 2 * H, to: t0 + 5 * H, severity: 'warning' },
      { from: t0 + 3 * H, to: t0 + 3.5 * H, severity: 'critical' },
      { from: t0 + 8 * H, to: t0 + 9 * H, severity: 'warning' },
    ]);
    expect(alertBands(alerts, 't1', t0, t0 + 10 * H, { includeFarmWide: true }).map((b) => b.from)).toContain(
      t0 + 6 * H,
    );
    expect(alertBands(alerts, 't9', t0, t0 + 10 * H)).toEqual([]);
  });
});

describe('alert wording', () => {
  it('words alerts in English and Russian from their facts', () => {
    const a = alert({ start: t0, end: null });
    expect(alertText('en', a, t0)).toBe('Air temperature 36.25 °C, above 35 °C');
    expect(alertText('ru', a, t0)).toBe('Air temperature: 36,25 °C, выше 35 °C');
    const gw = alert({ start: t0, end: null, kind: 'offline', facts: { layer: 'gateway' } });
    expect(alertText('en', gw, t0)).toBe('The gateway is not answering');
    expect(alertText('ru', gw, t0)).toBe('Шлюз не отвечает');
    const cut = alert({
      start: t0,
      end: null,
      kind: 'command',
      facts: { commandState: 'interrupted', action: 'open', target: 'valve-1' },
    });
    // Not "failed": the handler may have opened the valve before the gateway stopped.
    expect(alertText('en', cut, t0)).toBe(
      'open on valve-1 was interrupted: it may have acted, check the device',
    );
    expect(alertText('ru', cut, t0)).toMatch(/прервано/);
  });

  it('has every English key in Russian with the same placeholders', () => {
    const { en, ru } = alertsDictionaries;
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[])
      expect([key, vars(ru[key])]).toEqual([key, vars(en[key])]);
  });

  it('describes every default rule in both languages', () => {
    for (const r of BUILTIN_RULES) {
      const rule = { ...r, updatedAt: '', updatedBy: '' };
      expect(conditionText('en', rule)).not.toMatch(/\{|undefined/);
      expect(conditionText('ru', rule)).not.toMatch(/\{|undefined/);
    }
    expect(conditionText('en', { ...BUILTIN_RULES[1]!, updatedAt: '', updatedBy: '' })).toMatch(
      /^Gateway: the program does not answer for 5\smins?$/,
    );
  });
});

describe('rule editor form', () => {
  it('round-trips every default rule through the form unchanged', () => {
    for (const r of BUILTIN_RULES) {
      const result = ruleFromForm(formFromRule({ ...r, updatedAt: '', updatedBy: '' }));
      expect(result).toEqual({
        ok: true,
        input: {
          id: r.id,
          name: r.name,
          enabled: r.enabled,
          severity: r.severity,
          farmId: r.farmId,
          sensorId: r.sensorId,
          condition: r.condition,
          notify: r.notify,
          webhookUrl: r.webhookUrl,
        },
      });
    }
  });

  it('points at the field to fix, and says what is wrong with it', () => {
    expect(ruleFromForm({ ...emptyForm(), name: 'Hot', above: 'warm' })).toEqual({
      ok: false,
      field: 'above',
      problem: 'number',
    });
    expect(ruleFromForm({ ...emptyForm(), name: 'Hot', above: '30', forMin: '' })).toEqual({
      ok: false,
      field: 'forMin',
      problem: 'number',
    });
    expect(ruleFromForm({ ...emptyForm(), name: 'Hot', above: '30', forMin: '-1' })).toMatchObject({
      field: 'forMin',
      problem: 'negative',
    });
    expect(ruleFromForm({ ...emptyForm(), name: '', above: '30' })).toEqual({
      ok: false,
      field: 'name',
      problem: 'required',
    });
    // Every problem has words in both languages (the dialog's "To save, fix …" line).
    for (const p of ['number', 'negative', 'required', 'choose', 'url', 'limit', 'invalid'] as const)
      for (const lang of ['en', 'ru'] as const)
        expect(alertsDictionaries[lang][`problem_${p}`]).toMatch(/\S/);
    const ok = ruleFromForm({
      ...emptyForm(),
      name: 'Hot',
      sensorKind: 'air_temperature',
      above: '30,5',
      forMin: '1.5',
    });
    expect(ok).toMatchObject({
      ok: true,
      input: { condition: { kind: 'threshold', above: 30.5, forS: 90, sensorKind: 'air_temperature' } },
    });
  });
});

describe('tab filters', () => {
  it('asks for open alerts regardless of age and history for the chosen period', () => {
    const now = t0;
    expect(filterFor('firing', { farmId: 'north', severity: 'critical', time: '24h' }, now)).toEqual({
      state: ['firing'],
      farmId: 'north',
      severity: ['critical'],
      limit: 1000,
    });
    expect(filterFor('history', { farmId: null, severity: null, time: '24h' }, now)).toEqual({
      state: ['firing', 'acknowledged', 'resolved'],
      from: now - 24 * H,
      limit: 500,
    });
  });
});
