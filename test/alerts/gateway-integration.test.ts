/**
 * A real farm gateway (in-process, simulated farm) streams readings over its Farm API; the app's farm
 * connections carry them through the tailnet dialer (simulated mode) into the alert service, which fires
 * and clears on them. Farm time is a hand-driven clock shared by the gateway and the alert service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../gateway/clock.ts';
import { startGateway } from '../../gateway/gateway.ts';
import { silentLogger } from '../../kit/log.ts';
import { createAlertService } from '../../main/core/alerts/service.ts';
import { createFarmConnections } from '../../main/core/farms/connections.ts';
import { createTailnetDialer } from '../../main/core/farms/dialer.ts';
import type { Reading } from '../../protocol/farm-api.ts';
import { waitFor } from '../support/wait-for.ts';
import { recorder } from './helpers.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('alerts on a real gateway stream', () => {
  it('fires once on a sustained high reading and clears past the hysteresis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agromesh-alerts-it-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = manualClock(Date.now() - 30 * 60_000);
    const gw = await startGateway({
      dataDir: null,
      farmId: 'it-farm',
      farmName: 'Integration farm',
      listen: { host: '127.0.0.1', port: 0 },
      simulate: { seed: 5, schedule: false },
      clock,
      tickMs: 3_600_000,
      insecureNoAuth: true,
      log: silentLogger,
    });
    cleanup.push(() => gw.dispose());

    const farms = createFarmConnections({
      dataDir: dir,
      dialer: createTailnetDialer({ mode: 'simulated' }),
      log: silentLogger,
      tuning: { cacheFlushMs: 20, handshakeTimeoutMs: 2_000, requestTimeoutMs: 2_000 },
    });
    cleanup.push(() => farms.dispose());
    const desktop = recorder();
    const alerts = createAlertService({
      dataDir: dir,
      clock,
      tickMs: 0,
      notifier: desktop,
      aggregation: { windowMs: 0 },
      timeZone: 'UTC',
    });
    cleanup.push(() => alerts.dispose());
    const seen: Reading[] = [];
    farms.on('readings', (batch) => {
      for (const f of batch.farms) {
        seen.push(...f.readings);
        alerts.onReadings(f.farmId, f.readings, farms.info(f.farmId));
      }
    });

    await farms.connect({ farmId: gw.farmId, address: '127.0.0.1', port: gw.port });
    await waitFor(
      () => farms.latest(gw.farmId)?.link === 'live' && farms.info(gw.farmId),
      10_000,
      'link live with farm info',
    );
    const rule = alerts.saveRule(
      {
        name: 'Greenhouse too hot',
        enabled: true,
        severity: 'critical',
        farmId: gw.farmId,
        sensorId: 'air-temp',
        condition: { kind: 'threshold', sensorKind: null, above: 30, below: null, hysteresis: 1, forS: 300 },
        notify: 'fire-and-resolve',
        webhookUrl: null,
      },
      'alice@example.com',
    );

    /** One reading a minute of farm time, through the gateway, the stream and the link. */
    const minute = async (value: number) => {
      clock.advance(60_000);
      const ts = clock.now();
      expect(gw.ingest([{ sensorId: 'air-temp', ts, value, quality: 'ok' }]).accepted).toBe(1);
      await waitFor(
        () => seen.some((r) => r.sensorId === 'air-temp' && r.ts === ts),
        10_000,
        `reading at ${ts}`,
      );
      alerts.tick();
    };
    const mine = () => alerts.listAlerts({ farmId: gw.farmId }).alerts.filter((a) => a.ruleId === rule.id);

    for (let i = 0; i < 5; i++) await minute(33);
    expect(mine()).toHaveLength(0);
    for (let i = 0; i < 4; i++) await minute(33.5);
    expect(mine()).toMatchObject([
      {
        state: 'firing',
        farmName: 'Integration farm',
        sensorId: 'air-temp',
        peak: 33.5,
        facts: { sensorLabel: 'Air temperature', unit: '°C', limit: 30, clear: 29 },
      },
    ]);
    await minute(29.5); // under the limit, not yet under the clear level
    expect(mine()[0]!.state).toBe('firing');
    await minute(28.8);
    expect(mine()).toMatchObject([{ state: 'resolved', resolvedBy: 'system', resolution: 'cleared' }]);

    await alerts.flushNotifications();
    expect(desktop.notices.map((n) => n.title)).toEqual([
      'Integration farm: Air temperature 33.5 °C, above 30 °C for 5 min',
      'Integration farm: Air temperature is back to normal',
    ]);
  });
});
