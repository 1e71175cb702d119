/** A freshly started simulated gateway has current readings and some history at once, not after a minute. */
import { afterEach, describe, expect, it } from 'vitest';
import { call, startTestGateway, type TestGateway } from './helpers.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

describe('simulated gateway start', () => {
  it('answers current readings for every sensor, and a history, before any tick', async () => {
    gw = await startTestGateway();
    const now = gw.clock.now();
    const current = (await call(gw.url, 'GET', '/api/data/current')).body as {
      readings: { sensorId: string; ts: number }[];
    };
    const sensors = new Set(current.readings.map((r) => r.sensorId));
    expect(sensors.size).toBeGreaterThanOrEqual(4);
    expect(Math.min(...current.readings.map((r) => now - r.ts))).toBeLessThanOrEqual(60_000);
    const history = (
      await call(gw.url, 'GET', `/api/data/history?sensor=air-temp&from=${now - 3_600_000}&to=${now}`)
    ).body as { points: unknown[] };
    expect(history.points.length).toBeGreaterThanOrEqual(10);
  });
});
