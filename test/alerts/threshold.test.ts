import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '../../protocol/app/index.ts';
import { farmInfo, type Harness, harness, MIN, reading, sensor, summary } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.dispose());

const info = farmInfo('north', [sensor('t1', { label: 'Air temperature' })]);

function tooHot(
  over: Partial<Extract<AlertRuleInput['condition'], { kind: 'threshold' }>> = {},
): AlertRuleInput {
  return {
    name: 'Too hot',
    enabled: true,
    severity: 'critical',
    farmId: null,
    sensorId: null,
    condition: {
      kind: 'threshold',
      sensorKind: 'air_temperature',
      above: 35,
      below: null,
      hysteresis: 1,
      forS: 600,
      ...over,
    },
    notify: 'fire',
    webhookUrl: null,
  };
}

/** One reading a minute (each after advancing the clock), with a tick after each. */
function feed(values: number[], stepMs = MIN, sensorId = 't1') {
  for (const v of values) {
    h.time.advance(stepMs);
    h.alerts.onReadings('north', [reading(sensorId, h.time.now, v)], info);
    h.alerts.tick();
  }
}

const firing = () => h.alerts.listAlerts({ state: ['firing', 'acknowledged'] }).alerts;
const all = () => h.alerts.listAlerts({}).alerts;

describe('value rules', () => {
  it('fires exactly once when a sensor stays past its threshold for the duration', async () => {
    h = await harness();
    const rule = h.alerts.saveRule(tooHot(), 'alice@example.com');
    feed([30, 30, 30]);
    const breachStart = h.time.now + MIN;
    feed(Array(9).fill(36));
    expect(firing()).toHaveLength(0); // 8 minutes past the limit: not yet
    feed([36, 36]);
    expect(firing()).toHaveLength(1);
    feed(Array(30).fill(37)); // still hot for half an hour: the same episode
    await h.alerts.flushNotifications();

    const alerts = all();
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      ruleId: rule.id,
      farmId: 'north',
      sensorId: 't1',
      state: 'firing',
      severity: 'critical',
      startedAt: new Date(breachStart).toISOString(),
      peak: 37,
      facts: { limit: 35, clear: 34, direction: 'above', sensorLabel: 'Air temperature', unit: '°C' },
    });
    expect(alert!.title).toBe('Farm north: Air temperature 36 °C, above 35 °C for 10 min');
    expect(h.desktop.notices).toHaveLength(1);
    expect(h.desktop.notices[0]).toMatchObject({ type: 'fired', severity: 'critical', title: alert!.title });
    expect(h.events.filter((e) => e.changed.some((a) => a.state === 'firing'))).toHaveLength(1);
  });

  it('does not flap while the value hovers at the limit, and clears only past the hysteresis', async () => {
    h = await harness();
    h.alerts.saveRule(tooHot({ forS: 300 }), 'alice@example.com');
    feed(Array.from({ length: 60 }, (_, i) => (i % 2 ? 35.1 : 34.9)));
    expect(all()).toHaveLength(0);

    feed(Array(6).fill(36));
    expect(firing()).toHaveLength(1);
    // Back under the limit but not under the clear level (34): still the same firing alert.
    feed(Array.from({ length: 60 }, (_, i) => (i % 2 ? 35.2 : 34.5)));
    expect(firing()).toHaveLength(1);
    expect(all()).toHaveLength(1);

    feed([33.9]);
    const [alert] = all();
    expect(all()).toHaveLength(1);
    expect(alert).toMatchObject({ state: 'resolved', resolvedBy: 'system', resolution: 'cleared' });
    expect(alert!.resolvedAt).toBe(new Date(h.time.now).toISOString());
    await h.alerts.flushNotifications();
    expect(h.desktop.notices.map((n) => n.type)).toEqual(['fired']);
  });

  it('fires a setpoint rule when the value drifts further than delta, clearing past the hysteresis', async () => {
    h = await harness();
    h.alerts.saveRule(
      {
        ...tooHot(),
        name: 'Greenhouse off target',
        farmId: 'north',
        sensorId: 't1',
        condition: {
          kind: 'setpoint',
          sensorKind: null,
          setpoint: 22,
          setpointSensorId: null,
          delta: 3,
          direction: 'both',
          hysteresis: 0.5,
          forS: 0,
        },
      },
      'alice@example.com',
    );
    feed([24, 18.9]);
    expect(firing()).toMatchObject([{ facts: { direction: 'below', limit: 19 } }]);
    feed([19.4]);
    expect(firing()).toHaveLength(1);
    feed([19.6]);
    expect(firing()).toHaveLength(0);
    feed([25.2]);
    expect(firing()).toMatchObject([{ facts: { direction: 'above', limit: 25 } }]);
    expect(all()).toHaveLength(2);
  });

  it('uses each sensor’s expected range as a default rule, and a disabled sensor rule silences it', async () => {
    h = await harness();
    feed(Array(12).fill(45)); // expected range 0–40, default duration 10 min
    expect(firing()).toMatchObject([{ ruleId: 'builtin:expected-range', facts: { limit: 40 } }]);

    const quiet = h.alerts.saveRule(
      {
        ...tooHot(),
        name: 'Ignore t1 range',
        enabled: false,
        farmId: 'north',
        sensorId: 't1',
        condition: { kind: 'range', min: null, max: null, hysteresis: null, forS: 600 },
      },
      'bob@example.com',
    );
    expect(firing()).toHaveLength(0);
    expect(all()[0]).toMatchObject({ resolvedBy: 'bob@example.com', resolution: 'rule-not-applicable' });
    feed(Array(30).fill(45));
    expect(all()).toHaveLength(1);

    h.alerts.deleteRule(quiet.id, 'bob@example.com');
    feed(Array(11).fill(45));
    expect(firing()).toHaveLength(1);
  });

  it('fires on time from the clock when readings are sparse but recent', async () => {
    h = await harness();
    const slow = farmInfo('north', [sensor('t1', { intervalMs: 5 * MIN })]);
    h.alerts.saveRule(tooHot(), 'alice@example.com');
    h.alerts.onReadings('north', [reading('t1', h.time.now, 36)], slow);
    h.time.advance(5 * MIN);
    h.alerts.onReadings('north', [reading('t1', h.time.now, 36)], slow);
    await h.walk(4 * MIN, MIN);
    expect(firing()).toHaveLength(0);
    await h.walk(MIN, MIN);
    expect(firing()).toHaveLength(1);
  });

  it('still evaluates a reading that the farm summary announced before the stream delivered it', async () => {
    h = await harness();
    h.alerts.saveRule(tooHot({ forS: 0 }), 'alice@example.com');
    const r = reading('t1', h.time.now, 50);
    h.alerts.onHealth(summary('north', {}, [r]));
    h.alerts.onReadings('north', [r], info);
    expect(firing()).toMatchObject([{ facts: { value: 50 } }]);
  });

  it('ignores replayed and faulty readings', async () => {
    h = await harness();
    h.alerts.saveRule(tooHot({ forS: 0 }), 'alice@example.com');
    feed([30]);
    const old = h.time.now - 10 * MIN;
    h.alerts.onReadings(
      'north',
      [reading('t1', old, 50), { sensorId: 't1', ts: h.time.now + 1, value: null, quality: 'fault' }],
      info,
    );
    h.alerts.onReadings('north', [{ sensorId: 't1', ts: h.time.now + 2, value: 50, quality: 'stale' }], info);
    expect(all()).toHaveLength(0);
  });
});
