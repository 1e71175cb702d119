import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, harness, MIN, summary, T0 } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.dispose());

const open = () => h.alerts.listAlerts({ state: ['firing', 'acknowledged'] }).alerts;

describe('offline rules', () => {
  it('fires when a gateway stays down longer than the delay, and resolves when it answers again', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north'));
    h.time.advance(MIN);
    h.alerts.onHealth(summary('north', { gateway: 'down' }));
    const downAt = h.time.now;
    await h.walk(4 * MIN);
    expect(open()).toHaveLength(0);
    await h.walk(MIN);
    expect(open()).toMatchObject([
      {
        ruleId: 'builtin:offline-gateway',
        kind: 'offline',
        subject: 'gateway',
        severity: 'critical',
        title: 'Farm north: the gateway is not answering',
        startedAt: new Date(downAt).toISOString(),
        facts: { layer: 'gateway' },
      },
    ]);
    await h.walk(30 * MIN); // still down: no second alert, no second notice
    expect(h.alerts.listAlerts({}).alerts).toHaveLength(1);

    h.alerts.onHealth(summary('north'));
    await h.alerts.flushNotifications();
    const [alert] = h.alerts.listAlerts({}).alerts;
    expect(alert).toMatchObject({ state: 'resolved', resolvedBy: 'system', resolution: 'back-online' });
    // fire-and-resolve: the operator hears it went down and that it came back.
    expect(h.desktop.notices.map((n) => [n.type, n.title])).toEqual([
      ['fired', 'Farm north: the gateway is not answering'],
      ['resolved', 'Farm north: the gateway answers again'],
    ]);
  });

  it('does not fire for an outage shorter than the delay', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north', { gateway: 'down' }));
    await h.walk(4 * MIN);
    h.alerts.onHealth(summary('north'));
    await h.walk(30 * MIN);
    expect(h.alerts.listAlerts({}).alerts).toHaveLength(0);
    expect(h.desktop.notices).toHaveLength(0);
  });

  it('raises only the deepest cause: a node off the tailnet is not also a silent gateway or stale sensors', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north', { tailnet: 'down', gateway: 'unknown', data: 'degraded' }));
    await h.walk(60 * MIN);
    expect(open().map((a) => a.ruleId)).toEqual(['builtin:offline-tailnet']);
  });

  it('keeps an open offline alert across a restart without firing it again', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north', { tailnet: 'down' }));
    await h.walk(6 * MIN);
    expect(open()).toHaveLength(1);
    const dir = h.dir;
    await h.alerts.dispose();

    const again = await harness({ dir });
    try {
      again.alerts.onHealth(summary('north', { tailnet: 'down' }));
      await again.walk(20 * MIN);
      expect(again.alerts.listAlerts({}).alerts).toHaveLength(1);
      expect(again.desktop.notices).toHaveLength(0);
      again.alerts.onHealth(summary('north'));
      expect(again.alerts.listAlerts({ state: ['resolved'] }).alerts).toHaveLength(1);
    } finally {
      await again.dispose();
    }
  });
});

describe('storms', () => {
  it('summarises twenty farms going offline at once as one notification', async () => {
    h = await harness();
    const farms = Array.from({ length: 20 }, (_, i) => `farm-${String(i + 1).padStart(2, '0')}`);
    for (const f of farms) h.alerts.onHealth(summary(f));
    // The office uplink drops: every farm's node goes off the tailnet within a few seconds.
    for (const [i, f] of farms.entries()) {
      h.time.advance(i === 0 ? 0 : 200);
      h.alerts.onHealth(summary(f, { tailnet: 'down' }));
    }
    await h.walk(6 * MIN);

    expect(open()).toHaveLength(20);
    expect(h.desktop.notices).toHaveLength(1);
    const [notice] = h.desktop.notices;
    expect(notice).toMatchObject({
      type: 'summary',
      severity: 'critical',
      title: '20 farms went offline at 10:42',
    });
    expect(notice!.alertIds).toHaveLength(20);
    expect(notice!.body).toBe(
      'Farm farm-01, Farm farm-02, Farm farm-03, Farm farm-04, Farm farm-05 and 15 more',
    );
    // The browser host gets the same single notice through alertsChanged.
    expect(h.events.flatMap((e) => e.notices)).toEqual([notice]);

    for (const f of farms) h.alerts.onHealth(summary(f));
    await h.alerts.flushNotifications();
    expect(h.desktop.notices).toHaveLength(2);
    expect(h.desktop.notices[1]!.title).toMatch(/^20 farms are back online at \d\d:\d\d$/);
  });

  it('rate-limits repeats of one rule on one farm', async () => {
    h = await harness();
    // The gateway flaps: down 6 minutes, up 1, down again, for an hour.
    for (let i = 0; i < 8; i++) {
      h.alerts.onHealth(summary('north', { gateway: 'down' }));
      await h.walk(6 * MIN);
      h.alerts.onHealth(summary('north'));
      await h.walk(MIN);
    }
    expect(h.alerts.listAlerts({}).alerts).toHaveLength(8);
    const fired = h.desktop.notices.filter((n) => n.type === 'fired');
    // 56 minutes with a 15-minute repeat limit: at most one notice per quarter hour.
    expect(fired.length).toBeGreaterThanOrEqual(3);
    expect(fired.length).toBeLessThanOrEqual(4);
    const times = fired.map((n) => Date.parse(n.at));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(15 * MIN);
    expect(T0).toBeLessThan(times[0]!);
  });
});
