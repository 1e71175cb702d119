import { afterEach, describe, expect, it } from 'vitest';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import {
  AGRONOMIST,
  OPERATOR,
  STRANGER,
  type TestGateway,
  call,
  expiresIn,
  identity,
  people,
  startTestGateway,
  tempDir,
} from './helpers.ts';

const MONITOR = '127.0.0.5';
const SUPPORT = '127.0.0.6';
const resolver = async (address: string) =>
  address === MONITOR
    ? identity(MONITOR, { user: 'tagged-devices', nodeName: 'prometheus', tags: ['tag:monitoring'] })
    : address === SUPPORT
      ? identity(SUPPORT, { capabilities: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] } })
      : (people[address] ?? null);

/** The value of one series in exposition text (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('gateway /metrics', () => {
  let gw: TestGateway | undefined;
  const dirs: { remove(): void }[] = [];
  afterEach(async () => {
    await gw?.dispose();
    gw = undefined;
    for (const d of dirs.splice(0)) d.remove();
  });

  it('serves Prometheus text to tag:monitoring and support, and refuses others with the usual error body', async () => {
    gw = await startTestGateway({ resolveIdentity: resolver });
    const ok = await call(gw.url, 'GET', '/metrics', { from: MONITOR });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.text).toContain('# TYPE agromesh_gateway_readings_ingested_total counter');
    expect(ok.text).toContain('nodejs_eventloop_lag_seconds');
    expect(ok.text).toContain('process_resident_memory_bytes');
    expect((await call(gw.url, 'GET', '/metrics', { from: SUPPORT })).status).toBe(200);

    for (const from of [OPERATOR, AGRONOMIST]) {
      const refused = await call(gw.url, 'GET', '/metrics', { from });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(refused.text).not.toContain('agromesh_');
    }
    const stranger = await call(gw.url, 'GET', '/metrics', { from: STRANGER });
    expect(stranger.status).toBe(401);
    expect(stranger.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('counts readings, rejections, command transitions, freshness and requests by route template', async () => {
    const dir = tempDir();
    dirs.push(dir);
    gw = await startTestGateway({ resolveIdentity: resolver, dataDir: dir.path });
    const before = await call(gw.url, 'GET', '/metrics', { from: MONITOR });
    const ingested0 = sample(before.text, 'agromesh_gateway_readings_ingested_total')!;
    expect(ingested0).toBeGreaterThan(0); // the simulator's warm-up history

    const now = gw.clock.now();
    gw.ingest([
      { sensorId: 'soil-1', ts: now - 1_001, value: 30, quality: 'ok' },
      { sensorId: 'nope', ts: now, value: 1, quality: 'ok' },
      { sensorId: 'soil-1', ts: now + 3_600_000, value: 1, quality: 'ok' },
    ]);
    const posted = await call(gw.url, 'POST', '/api/commands', {
      from: OPERATOR,
      body: {
        id: 'cmd-m1',
        action: 'open',
        target: 'valve-2',
        params: { durationMin: 3 },
        expiresAt: expiresIn(gw.clock, 60_000),
      },
    });
    expect(posted.status).toBe(202);
    await gw.commandsIdle();
    gw.clock.advance(5_000);
    await call(gw.url, 'GET', '/api/commands/cmd-m1', { from: AGRONOMIST });

    const m = (await call(gw.url, 'GET', '/metrics', { from: MONITOR })).text;
    expect(sample(m, 'agromesh_gateway_readings_ingested_total')).toBe(ingested0 + 1);
    expect(sample(m, 'agromesh_gateway_readings_rejected_total{reason="unknown_sensor"}')).toBe(1);
    expect(sample(m, 'agromesh_gateway_readings_rejected_total{reason="future"}')).toBe(1);
    expect(sample(m, 'agromesh_gateway_command_transitions_total{state="queued"}')).toBe(1);
    expect(sample(m, 'agromesh_gateway_commands{state="succeeded"}')).toBe(1);
    expect(sample(m, 'agromesh_gateway_sensor_last_reading_age_seconds{sensor="soil-1"}')).toBe(5);
    expect(sample(m, 'agromesh_gateway_sqlite_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'agromesh_gateway_disk_free_bytes')).toBeGreaterThan(0);
    expect(sample(m, 'agromesh_gateway_sqlite_write_seconds_count')).toBeGreaterThan(0);
    expect(m).toContain(
      'agromesh_http_request_duration_seconds_count{route="/api/commands/:id",method="GET",status="200"} 1',
    );
    expect(m).toContain(
      'agromesh_http_request_duration_seconds_count{route="/api/commands",method="POST",status="202"} 1',
    );
    expect(m).not.toContain('cmd-m1');
  });
});
