/**
 * Russian completeness (issue 18.9): every English string has a Russian one that is not the English one,
 * health reasons and layer details are worded in Russian from the core's codes, built-in rule names are
 * translated, and a layout's Russian labels reach the views.
 */
import { describe, expect, it } from 'vitest';
import type { FarmHealth } from '../../protocol/app/index.ts';
import { computeHealth, type HealthInput } from '../../main/core/discovery/health.ts';
import { BUILTIN_RULES } from '../../main/core/alerts/defaults.ts';
import { en } from '../../renderer/src/lib/i18n-en.ts';
import { ru } from '../../renderer/src/lib/i18n-ru.ts';
import { translate, type MessageKey, type Vars } from '../../renderer/src/lib/i18n.ts';
import { healthReason, layerDetail } from '../../renderer/src/lib/health-text.ts';
import { ruleDisplayName } from '../../renderer/src/lib/rule-name.ts';
import { localizeInfo, localizeSummary } from '../../renderer/src/lib/local-labels.ts';
import { makeFarm, makeFarmInfo } from './fixtures.ts';
import { SAME_IN_RUSSIAN } from './russian-allowlist.ts';
import { Sensor } from '../../protocol/farm-api.ts';
import { FarmLayout, publicActuators } from '../../gateway/layout.ts';
import { simLayout } from '../../gateway/simulator/farm-sim.ts';

const tRu = (key: MessageKey, vars?: Vars) => translate('ru', key, vars);
const latin = /[A-Za-z]{4,}/;

describe('the Russian dictionary', () => {
  it('has every English key and words each one differently, but for the commented allowlist', () => {
    const missing = (Object.keys(en) as MessageKey[]).filter((k) => !Object.hasOwn(ru, k));
    expect(missing, 'keys missing in Russian').toEqual([]);
    const same = (Object.keys(en) as MessageKey[]).filter((k) => ru[k] === en[k] && !SAME_IN_RUSSIAN.has(k));
    expect(same, 'Russian values equal to the English').toEqual([]);
  });

  it('keeps the allowlist honest: each listed key really is the same in both', () => {
    for (const k of SAME_IN_RUSSIAN) expect(ru[k], k).toBe(en[k]);
  });
});

describe('health in Russian, from the core codes', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const t = { staleAfterMs: 600_000, offlineAfterMs: 300_000 };
  const base: HealthInput = {
    device: { online: true, lastSeen: null, connection: { kind: 'direct', endpoint: '203.0.113.7:41641' } },
    tailnetConfirmedAt: now - 5_000,
    gateway: { answering: true, okAt: now - 4_000, failAt: null, failDetail: null, downSince: null },
    heartbeatAt: now - 30_000,
    lastReadingAt: now - 60_000,
  };
  const cases: [string, HealthInput][] = [
    ['ok', base],
    [
      'ok relayed, no readings',
      {
        ...base,
        device: { ...base.device, connection: { kind: 'relay', region: 'fra' } },
        lastReadingAt: null,
      },
    ],
    ['stale', { ...base, lastReadingAt: now - 3 * 3_600_000 }],
    [
      'gateway down',
      {
        ...base,
        heartbeatAt: null,
        gateway: { ...base.gateway, answering: false, okAt: now - 900_000, failDetail: 'ECONNREFUSED' },
      },
    ],
    [
      'gateway blocked',
      {
        ...base,
        gateway: {
          ...base.gateway,
          answering: false,
          okAt: now - 900_000,
          downSince: now - 800_000,
          failDetail: 'timeout',
        },
      },
    ],
    ['unchecked', { ...base, gateway: { answering: null, okAt: null, failAt: null, failDetail: null } }],
    [
      'offline',
      {
        ...base,
        device: {
          online: false,
          lastSeen: new Date(now - 7_200_000).toISOString(),
          connection: { kind: 'unknown' },
        },
      },
    ],
  ];

  for (const [name, input] of cases) {
    it(`says "${name}" in Russian, with its ages, and in English as the core said it`, () => {
      const { health } = computeHealth(input, now, t);
      expect(health.reasonCode).toBeDefined();
      const reason = healthReason(tRu, 'ru', health);
      expect(reason).not.toBe(health.reason);
      expect(reason, reason).toMatch(/[а-я]/);
      expect(reason.replace(/tailnet|DERP|ECONNREFUSED|timeout/gi, ''), reason).not.toMatch(latin);
      for (const layer of [health.tailnet, health.gateway, health.data]) {
        expect(layer.detailCode).toBeDefined();
        const detail = layerDetail(tRu, 'ru', layer);
        expect(detail.replace(/tailnet|DERP|ECONNREFUSED|timeout/gi, ''), detail).not.toMatch(latin);
      }
      expect(healthReason((k, v) => translate('en', k, v), 'en', health)).toBe(health.reason);
    });
  }

  it('words the ages of a stale farm in Russian units', () => {
    const { health } = computeHealth(cases[2]![1], now, t);
    expect(healthReason(tRu, 'ru', health)).toContain('3 ч');
    expect(layerDetail(tRu, 'ru', health.data)).toContain('10 мин');
  });

  it('falls back to the English when an older core sends no code', () => {
    const health: FarmHealth = { ...computeHealth(base, now, t).health, reasonCode: undefined };
    expect(healthReason(tRu, 'ru', health)).toBe(health.reason);
  });
});

describe('built-in alert rules in Russian', () => {
  it('has a dictionary entry equal to each shipped name, and a Russian one', () => {
    for (const rule of BUILTIN_RULES) {
      const key = `builtinRule_${rule.id.slice('builtin:'.length)}` as MessageKey;
      expect(en[key], rule.id).toBe(rule.name);
      expect(ruleDisplayName(tRu, rule.id, rule.name)).toBe(ru[key]);
    }
  });

  it('shows a renamed built-in rule as it was typed', () => {
    expect(ruleDisplayName(tRu, 'builtin:offline-tailnet', 'Ферма пропала')).toBe('Ферма пропала');
    expect(ruleDisplayName(tRu, 'rule-7', 'Command failed')).toBe('Command failed');
  });
});

describe("a layout's labels per language", () => {
  it('shows Russian sensor, actuator, command and parameter labels, the default in English', () => {
    const farm = makeFarm(0);
    const info = makeFarmInfo(farm);
    const inRu = localizeInfo('ru', info);
    expect(inRu.sensors.map((s) => s.label)).toEqual([
      'Температура воздуха',
      'Влажность почвы',
      'Уровень в баке',
    ]);
    expect(inRu.actuators[0]!.label).toBe('Клапан полива 1');
    expect(inRu.actuators[0]!.commands[0]!.label).toBe('Открыть на время');
    expect(inRu.actuators[0]!.commands[0]!.params.properties['durationMin']!.title).toBe('Длительность');
    expect(localizeSummary('ru', farm).sensors[1]!.label).toBe('Влажность почвы');
    expect(localizeInfo('en', info).sensors[1]!.label).toBe('Soil moisture');
    expect(localizeSummary('en', farm)).toBe(farm);
  });
});

describe('labels per language at the boundary', () => {
  const sensor = {
    id: 'soil-1',
    kind: 'soil_moisture',
    label: 'Soil moisture',
    unit: '%',
    expectedRange: { min: 20, max: 45 },
    intervalMs: 60_000,
  };

  it('accepts a language tag with a bounded label, refuses anything else', () => {
    expect(
      Sensor.safeParse({ ...sensor, labels: { ru: 'Влажность почвы', 'pt-BR': 'Umidade' } }).success,
    ).toBe(true);
    expect(Sensor.safeParse({ ...sensor, labels: { ru: 'x'.repeat(201) } }).success).toBe(false);
    expect(Sensor.safeParse({ ...sensor, labels: { ru: '' } }).success).toBe(false);
    expect(Sensor.safeParse({ ...sensor, labels: { 'Русский!': 'x' } }).success).toBe(false);
    const many = Object.fromEntries(
      Array.from({ length: 21 }, (_, i) => [`l${String.fromCharCode(97 + i)}`, 'x']),
    );
    expect(Sensor.safeParse({ ...sensor, labels: many }).success).toBe(false);
  });

  it("gives every sensor, actuator, command and parameter of the simulator's farm a Russian label", () => {
    const layout = simLayout();
    const missing: string[] = [];
    for (const s of layout.sensors) if (!s.labels?.['ru']) missing.push(s.id);
    for (const a of layout.actuators) {
      if (!a.labels?.['ru']) missing.push(a.id);
      for (const c of a.commands) {
        if (!c.labels?.['ru']) missing.push(`${a.id}/${c.action}`);
        for (const [name, p] of Object.entries(c.params.properties))
          if (p.title && !p.titles?.['ru']) missing.push(`${a.id}/${c.action}/${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(FarmLayout.safeParse(layout).success).toBe(true);
    // What /api/info serves keeps them (the gateway-internal confirm rules are what it drops).
    const served = publicActuators(layout);
    expect(served[0]!.labels).toEqual({ ru: 'Клапан полива, зона 1' });
    expect(served[0]!.commands[0]!.labels).toEqual({ ru: 'Открыть' });
  });
});
