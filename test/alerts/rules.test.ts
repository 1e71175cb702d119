import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '../../protocol/app/index.ts';
import { openDatabase } from '../../kit/sqlite.ts';
import { createAlertService } from '../../main/core/alerts/service.ts';
import { type Harness, harness, MIN, summary } from './helpers.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const gatewayRule = (over: Partial<AlertRuleInput> = {}): AlertRuleInput => ({
  name: 'North gateway (slow link)',
  enabled: true,
  severity: 'warning',
  farmId: 'north',
  sensorId: null,
  condition: { kind: 'offline', layer: 'gateway', forS: 1800 },
  notify: 'fire',
  webhookUrl: null,
  ...over,
});

describe('rule storage', () => {
  it('ships defaults for every new farm', async () => {
    h = await harness();
    const rules = h.alerts.listRules();
    expect(rules.map((r) => [r.id, r.condition])).toEqual([
      ['builtin:offline-tailnet', { kind: 'offline', layer: 'tailnet', forS: 300 }],
      ['builtin:offline-gateway', { kind: 'offline', layer: 'gateway', forS: 300 }],
      ['builtin:offline-data', { kind: 'offline', layer: 'data', forS: 300 }],
      ['builtin:stale-sensor', { kind: 'stale', forS: 900 }],
      ['builtin:expected-range', { kind: 'range', min: null, max: null, hysteresis: null, forS: 600 }],
      [
        'builtin:command-failed',
        { kind: 'command', states: ['failed', 'rejected', 'expired', 'unknown'], unknownForS: 120 },
      ],
      ['builtin:key-expiry', { kind: 'keyExpiry', withinDays: 14 }],
    ]);
    expect(rules.every((r) => r.builtin && r.farmId === null && r.enabled)).toBe(true);
  });

  it('keeps rules and edits to the defaults across a restart (SQLite file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agromesh-alerts-'));
    try {
      h = await harness({ dir });
      const custom = h.alerts.saveRule(gatewayRule(), 'alice@example.com');
      const stale = h.alerts.listRules().find((r) => r.id === 'builtin:stale-sensor')!;
      h.alerts.saveRule({ ...stale, condition: { kind: 'stale', forS: 3600 } }, 'bob@example.com');
      await h.dispose();

      h = await harness({ dir });
      const rules = h.alerts.listRules();
      expect(rules).toHaveLength(8);
      expect(rules.find((r) => r.id === custom.id)).toEqual(custom);
      expect(rules.find((r) => r.id === 'builtin:stale-sensor')).toMatchObject({
        condition: { kind: 'stale', forS: 3600 },
        updatedBy: 'bob@example.com',
        builtin: true,
      });
    } finally {
      await h?.dispose();
      h = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('can live in a database the app already has open', async () => {
    const db = openDatabase({
      file: ':memory:',
      migrations: [(d) => d.exec('CREATE TABLE other (x INTEGER)')],
    });
    const a = createAlertService({ db, tickMs: 0 });
    a.saveRule(gatewayRule(), 'alice@example.com');
    await a.dispose();
    const b = createAlertService({ db, tickMs: 0 });
    expect(b.listRules()).toHaveLength(8);
    await b.dispose();
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(1);
    db.close();
  });

  it('refuses rules that make no sense, and deleting a default', async () => {
    h = await harness();
    const bad: Array<[Partial<AlertRuleInput>, RegExp]> = [
      [{ farmId: null, sensorId: 't1', condition: { kind: 'stale', forS: 60 } }, /needs its farm/],
      [{ sensorId: 't1' }, /whole farm/],
      [
        {
          condition: {
            kind: 'threshold',
            sensorKind: 'ph',
            above: null,
            below: null,
            hysteresis: 0,
            forS: 0,
          },
        },
        /upper or a lower/,
      ],
      [
        {
          condition: { kind: 'threshold', sensorKind: 'ph', above: 7, below: 6.5, hysteresis: 0.5, forS: 0 },
        },
        /twice the hysteresis/,
      ],
      [
        { condition: { kind: 'threshold', sensorKind: null, above: 7, below: null, hysteresis: 0, forS: 0 } },
        /sensor/,
      ],
      [{ condition: { kind: 'range', min: 5, max: 5, hysteresis: null, forS: 0 } }, /minimum/],
    ];
    for (const [over, message] of bad)
      expect(() => h!.alerts.saveRule(gatewayRule(over), 'alice')).toThrow(message);
    expect(() => h!.alerts.deleteRule('builtin:offline-gateway', 'alice')).toThrow(/disable it instead/);
    expect(() => h!.alerts.deleteRule('nope', 'alice')).toThrow(/No such alert rule/);
    const builtin = h.alerts.listRules()[0]!;
    expect(() => h!.alerts.saveRule({ ...builtin, condition: { kind: 'stale', forS: 60 } }, 'alice')).toThrow(
      /keeps its kind/,
    );
  });
});

describe('rule scopes', () => {
  it('lets one farm override the all-farms default of the same kind', async () => {
    h = await harness();
    h.alerts.saveRule(gatewayRule(), 'alice@example.com');
    for (const f of ['north', 'south']) h.alerts.onHealth(summary(f, { gateway: 'down' }));
    await h.walk(10 * MIN);
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts.map((a) => [a.farmId, a.ruleId])).toEqual([
      ['south', 'builtin:offline-gateway'],
    ]);
    await h.walk(25 * MIN);
    const north = h.alerts.listAlerts({ farmId: 'north' }).alerts;
    expect(north).toMatchObject([{ ruleName: 'North gateway (slow link)', severity: 'warning' }]);
  });

  it('closes the open alerts of a rule that is disabled, without announcing them as recovered', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north', { tailnet: 'down' }));
    await h.walk(6 * MIN);
    const rule = h.alerts.listRules().find((r) => r.id === 'builtin:offline-tailnet')!;
    h.alerts.saveRule({ ...rule, enabled: false }, 'alice@example.com');
    await h.alerts.flushNotifications();
    expect(h.alerts.listAlerts({}).alerts).toMatchObject([
      { state: 'resolved', resolvedBy: 'alice@example.com', resolution: 'rule-disabled' },
    ]);
    expect(h.desktop.notices.map((n) => n.type)).toEqual(['fired']);
    await h.walk(30 * MIN);
    expect(h.alerts.listAlerts({}).alerts).toHaveLength(1);
  });

  it('filters history by state, farm, severity and time', async () => {
    const hh = await harness();
    h = hh;
    hh.alerts.onHealth(summary('north', { tailnet: 'down' }));
    hh.alerts.onHealth(summary('south', { data: 'degraded' }));
    await hh.walk(6 * MIN);
    const t = hh.time.now;
    hh.alerts.onHealth(summary('north'));
    await hh.walk(60 * MIN);
    const list = (f: Parameters<typeof hh.alerts.listAlerts>[0]) =>
      hh.alerts.listAlerts(f).alerts.map((a) => a.farmId);
    expect(list({}).sort()).toEqual(['north', 'south']);
    expect(list({ state: ['resolved'] })).toEqual(['north']);
    expect(list({ severity: ['warning'] })).toEqual(['south']);
    expect(list({ farmId: 'north' })).toEqual(['north']);
    expect(list({ from: t + MIN }).sort()).toEqual(['south']);
    expect(list({ to: t - 20 * MIN })).toEqual([]);
  });
});
