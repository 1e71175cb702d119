import { afterEach, describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { command, type Harness, harness, MIN, summary } from './helpers.ts';

let h: Harness;
afterEach(async () => h?.dispose());

describe('acknowledging', () => {
  it('records who acknowledged, when and why, and keeps that after the alert resolves', async () => {
    h = await harness();
    h.alerts.onHealth(summary('north', { gateway: 'down' }));
    await h.walk(6 * MIN);
    const [alert] = h.alerts.listAlerts({ state: ['firing'] }).alerts;
    expect(alert).toBeDefined();

    const ackAt = h.time.now;
    const acked = h.alerts.acknowledge(alert!.id, 'alice@example.com', '  Called the farm, power cut  ');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'alice@example.com',
      acknowledgedAt: new Date(ackAt).toISOString(),
      note: 'Called the farm, power cut',
    });
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts).toHaveLength(0);
    expect(h.alerts.listAlerts({ state: ['acknowledged'] })).toMatchObject({
      alerts: [{ id: alert!.id }],
      counts: { firing: 0, acknowledged: 1 },
    });
    expect(h.events.at(-1)).toMatchObject({ changed: [{ id: alert!.id, state: 'acknowledged' }] });

    expect(() => h.alerts.acknowledge(alert!.id, 'bob@example.com', '')).toThrow(
      /Already acknowledged by alice/,
    );

    await h.walk(10 * MIN);
    h.alerts.onHealth(summary('north'));
    const [done] = h.alerts.listAlerts({}).alerts;
    expect(done).toMatchObject({
      state: 'resolved',
      resolvedBy: 'system',
      acknowledgedBy: 'alice@example.com',
    });
  });

  it('refuses an unknown alert id with NOT_FOUND', async () => {
    h = await harness();
    let caught: unknown;
    try {
      h.alerts.acknowledge('nope', 'alice@example.com', '');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AgromeshError);
    expect((caught as AgromeshError).code).toBe('NOT_FOUND');
  });

  it('closes a failed-command alert when it is acknowledged (a command failure is an event)', async () => {
    h = await harness();
    h.alerts.onCommand(command('north', 'cmd-1', 'failed', h.time.now, 'valve stuck'));
    const [alert] = h.alerts.listAlerts({ state: ['firing'] }).alerts;
    expect(alert).toMatchObject({
      kind: 'command',
      subject: 'cmd-1',
      facts: { reason: 'valve stuck', action: 'open' },
    });
    const acked = h.alerts.acknowledge(alert!.id, 'alice@example.com', 'replaced the valve');
    expect(acked).toMatchObject({
      state: 'resolved',
      acknowledgedBy: 'alice@example.com',
      resolvedBy: 'alice@example.com',
    });
    expect(h.alerts.counts()).toEqual({ firing: 0, acknowledged: 0 });
  });
});

describe('commands, stale sensors and keys', () => {
  it('alerts on an interrupted command under the failed-command rule, with its check-the-device reason', async () => {
    h = await harness();
    h.alerts.onCommand(
      command(
        'north',
        'cmd-3',
        'interrupted',
        h.time.now,
        'interrupted: the actuator may have acted — check it',
      ),
    );
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts).toMatchObject([
      {
        kind: 'command',
        subject: 'cmd-3',
        facts: { reason: 'interrupted: the actuator may have acted — check it' },
        title: expect.stringMatching(/was interrupted: it may have acted, check the device$/),
      },
    ]);
  });

  it('alerts on a command whose outcome stays unknown, and closes it when the gateway reports success', async () => {
    h = await harness();
    h.alerts.onCommand(command('north', 'cmd-2', 'unknown', h.time.now));
    await h.walk(MIN);
    expect(h.alerts.counts().firing).toBe(0);
    await h.walk(MIN);
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts).toMatchObject([
      { title: 'Farm north: the outcome of open on valve-1 is unknown' },
    ]);
    h.alerts.onCommand(command('north', 'cmd-2', 'succeeded', h.time.now));
    expect(h.alerts.listAlerts({}).alerts).toMatchObject([
      { state: 'resolved', resolution: 'command-succeeded' },
    ]);
  });

  it('alerts on a sensor that stops reporting, once, and clears when it reports again', async () => {
    h = await harness();
    const { farmInfo, reading, sensor } = await import('./helpers.ts');
    const info = farmInfo('north', [sensor('t1'), sensor('rain', { kind: 'rain', intervalMs: 3_600_000 })]);
    h.alerts.onHealth(summary('north'));
    h.alerts.onReadings('north', [reading('t1', h.time.now, 20), reading('rain', h.time.now, 0)], info);
    await h.walk(16 * MIN);
    // t1 (1-minute interval) is stale after 15 min; the hourly rain gauge only after three hours.
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts.map((a) => a.sensorId)).toEqual(['t1']);
    await h.walk(60 * MIN);
    expect(h.alerts.listAlerts({}).alerts).toHaveLength(1);
    h.alerts.onReadings('north', [reading('t1', h.time.now, 21)], info);
    expect(h.alerts.listAlerts({ state: ['resolved'] }).alerts).toMatchObject([
      { sensorId: 't1', resolution: 'reporting-again' },
    ]);
  });

  it('warns 14 days before the farm node’s tailnet key expires and clears when it is renewed', async () => {
    h = await harness();
    const day = 86_400_000;
    h.alerts.onDevice('north', {
      keyExpiry: new Date(h.time.now + 20 * day).toISOString(),
      keyExpiryDisabled: false,
    });
    expect(h.alerts.counts().firing).toBe(0);
    await h.walk(6 * day + MIN, 3_600_000);
    expect(h.alerts.listAlerts({ state: ['firing'] }).alerts).toMatchObject([
      { kind: 'keyExpiry', title: 'north: the tailnet key expires in 14 d' },
    ]);
    h.alerts.onDevice('north', {
      keyExpiry: new Date(h.time.now + 180 * day).toISOString(),
      keyExpiryDisabled: false,
    });
    expect(h.alerts.listAlerts({}).alerts).toMatchObject([{ state: 'resolved', resolution: 'key-renewed' }]);
  });
});
