import { afterEach, describe, expect, it } from 'vitest';
import {
  CommandList,
  CommandRecord,
  CurrentData,
  FarmInfo,
  Health,
  HistoryResponse,
} from '../../protocol/farm-api.ts';
import type { ActuationRequest, ActuatorDriver } from '../../gateway/commands/driver.ts';
import {
  AGRONOMIST,
  OPERATOR,
  type TestGateway,
  call,
  expiresIn,
  startTestGateway,
  tempDir,
} from './helpers.ts';
import { responseErrors } from './openapi-validator.ts';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

/** GET/POST and check the body against the OpenAPI document on the way. */
async function api(
  method: string,
  path: string,
  documented: string,
  options: Parameters<typeof call>[3] = {},
) {
  const reply = await call(gw!.url, method, path, options);
  expect(
    responseErrors(documented, method, reply.status, reply.body),
    `${method} ${path} → ${reply.status} ${reply.text}`,
  ).toBeNull();
  return reply;
}

function countingDriver(): ActuatorDriver & { calls: ActuationRequest[] } {
  const calls: ActuationRequest[] = [];
  return { calls, execute: async (r) => (calls.push(r), { outcome: 'succeeded' }) };
}

const openValve = (id: string, minutes: number, expiresAt: string) => ({
  id,
  action: 'open',
  target: 'valve-1',
  params: { durationMin: minutes },
  expiresAt,
});

describe('Farm API v1', () => {
  it('describes the farm, its sensors and its actuators with param bounds', async () => {
    gw = await startTestGateway();
    const info = FarmInfo.parse((await api('GET', '/api/info', '/api/info', { from: AGRONOMIST })).body);
    expect(info.farmId).toBe('test-farm');
    expect(info.name).toBe('Test Farm');
    expect(info.timeZone).toBe('Europe/Paris');
    expect(info.sensors.map((s) => s.kind)).toEqual(
      expect.arrayContaining(['soil_moisture', 'air_temperature', 'air_humidity', 'tank_level', 'flow_rate']),
    );
    const open = info.actuators.find((a) => a.id === 'valve-1')!.commands.find((c) => c.action === 'open')!;
    expect(open.params.properties.durationMin).toMatchObject({ type: 'integer', minimum: 1, maximum: 120 });
    // The simulator's layout carries Russian labels, and /api/info serves them (issue 18.9).
    expect(info.sensors.find((s) => s.id === 'soil-1')?.labels).toEqual({ ru: 'Влажность почвы, зона 1' });
    expect(info.actuators.find((a) => a.id === 'valve-1')?.labels).toEqual({ ru: 'Клапан полива, зона 1' });
    expect(open.labels).toEqual({ ru: 'Открыть' });
    expect(open.params.properties.durationMin?.titles).toEqual({ ru: 'Длительность' });
    expect(open.confirmedBy).toBe('flow-1');
    expect(JSON.stringify(info)).not.toContain('"confirm"'); // internal confirmation rules stay inside
  });

  it('serves current readings and marks them stale when a sensor goes quiet', async () => {
    gw = await startTestGateway();
    gw.clock.advance(5 * 60_000);
    gw.tick();
    const fresh = CurrentData.parse((await api('GET', '/api/data/current', '/api/data/current')).body);
    expect(fresh.readings.map((r) => r.sensorId).sort()).toEqual([
      'air-humidity',
      'air-temp',
      'flow-1',
      'soil-1',
      'soil-2',
      'tank-1',
    ]);
    expect(fresh.readings.every((r) => r.ts <= gw!.clock.now() && r.ts > gw!.clock.now() - 60_000)).toBe(
      true,
    );
    gw.clock.advance(10 * 60_000); // no tick: nothing new arrives
    const later = CurrentData.parse((await api('GET', '/api/data/current', '/api/data/current')).body);
    expect(later.readings.filter((r) => r.value !== null).every((r) => r.quality === 'stale')).toBe(true);
  });

  it('returns raw history when it fits and min/max buckets that keep a spike when it does not', async () => {
    gw = await startTestGateway();
    const start = gw.clock.now();
    gw.clock.advance(6 * 3_600_000);
    gw.tick();
    const spikeAt = start + 3 * 3_600_000 + 7_777;
    expect(gw.ingest([{ sensorId: 'soil-1', ts: spikeAt, value: 97.5, quality: 'ok' }]).accepted).toBe(1);
    const to = gw.clock.now();

    const q = (params: string) =>
      api('GET', `/api/data/history?sensor=soil-1&${params}`, '/api/data/history');
    const raw = HistoryResponse.parse((await q(`from=${to - 30 * 60_000}&to=${to}`)).body);
    expect(raw.method).toBe('raw');
    expect(raw.sourcePoints).toBe(raw.points.length);
    expect(raw.resolutionMs).toBe(60_000);

    const down = HistoryResponse.parse((await q(`from=${start}&to=${to}&maxPoints=40`)).body);
    expect(down.method).toBe('minmax');
    expect(down.sourcePoints).toBeGreaterThan(300);
    expect(down.points.length).toBeLessThanOrEqual(40);
    expect(down.points).toContainEqual([spikeAt, 97.5]);
    expect(down.resolutionMs).toBeGreaterThan(60_000);
    const ts = down.points.map((p) => p[0]);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));

    const lttb = HistoryResponse.parse((await q(`from=${start}&to=${to}&maxPoints=40&method=lttb`)).body);
    expect(['lttb', 'minmax']).toContain(lttb.method); // lttb unless faults left gaps
    expect(lttb.points.length).toBeLessThanOrEqual(40);
    expect(lttb.points).toContainEqual([spikeAt, 97.5]);

    expect((await q(`from=${to}&to=${start}`)).status).toBe(422);
    expect(
      (await api('GET', `/api/data/history?sensor=nope&from=${start}&to=${to}`, '/api/data/history')).status,
    ).toBe(404);
  });

  it('marks missing data with nulls, but not a slower backfilled stretch before a faster live one', async () => {
    gw = await startTestGateway({ simulate: { seed: 3, speed: 60, backfillHours: 1, schedule: false } });
    gw.clock.advance(20_000);
    gw.tick(); // 80 live flow readings, 250 ms apart, after an hour at 15 s
    const now = gw.clock.now();
    const q = async () =>
      HistoryResponse.parse(
        (
          await api(
            'GET',
            `/api/data/history?sensor=flow-1&from=${now - 600_000}&to=${now}`,
            '/api/data/history',
          )
        ).body,
      );
    const before = await q();
    expect(before.method).toBe('raw');
    expect(before.points.filter((p) => p[1] === null)).toEqual([]);
    // The sensor then goes quiet for a minute and comes back.
    gw.clock.advance(60_000);
    gw.ingest([{ sensorId: 'flow-1', ts: gw.clock.now(), value: 0, quality: 'ok' }]);
    gw.clock.advance(250);
    gw.ingest([{ sensorId: 'flow-1', ts: gw.clock.now(), value: 0, quality: 'ok' }]);
    const after = HistoryResponse.parse(
      (
        await api(
          'GET',
          `/api/data/history?sensor=flow-1&from=${now - 600_000}&to=${gw.clock.now()}`,
          '/api/data/history',
        )
      ).body,
    );
    expect(after.points.filter((p) => p[1] === null)).toEqual([[now + 1, null]]);
  });

  it('accepts a command with 202, runs it, and attaches the reading that confirms it', async () => {
    gw = await startTestGateway();
    gw.tick();
    const posted = await api('POST', '/api/commands', '/api/commands', {
      body: openValve('cmd-1', 10, expiresIn(gw.clock, 60_000)),
    });
    expect(posted.status).toBe(202);
    expect(posted.headers.location).toBe('/api/commands/cmd-1');
    const accepted = CommandRecord.parse(posted.body);
    expect(accepted.state).toBe('queued');
    expect(accepted.requestedBy).toBe('olga@example.com');
    await gw.commandsIdle();
    gw.clock.advance(30_000);
    gw.tick(); // the simulator now sees the open valve: flow rises
    const done = CommandRecord.parse((await api('GET', '/api/commands/cmd-1', '/api/commands/{id}')).body);
    expect(done.state).toBe('succeeded');
    expect(done.history.map((h) => h.state)).toEqual(['queued', 'running', 'succeeded']);
    expect(done.history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
    expect(done.confirmation).toMatchObject({ sensorId: 'flow-1', quality: 'ok' });
    expect(done.confirmation!.value!).toBeGreaterThan(1);
    expect(done.confirmation!.ts).toBeGreaterThanOrEqual(Date.parse(done.history[1]!.at));
    expect((await api('GET', '/api/commands/no-such', '/api/commands/{id}')).status).toBe(404);
  });

  it('starts a command within the actuator delivery window or never, whatever deadline the client asks', async () => {
    gw = await startTestGateway();
    const posted = CommandRecord.parse(
      (
        await api('POST', '/api/commands', '/api/commands', {
          body: openValve('late-ok', 10, expiresIn(gw.clock, 3_600_000)),
        })
      ).body,
    );
    // A valve's window is 60 s: an hour-long deadline from the client is cut to that.
    expect(Date.parse(posted.expiresAt) - Date.parse(posted.createdAt)).toBe(60_000);
    await gw.dispose();

    gw = await startTestGateway({ commandWindowS: 15 });
    const info = FarmInfo.parse((await api('GET', '/api/info', '/api/info')).body);
    expect(info.actuators.every((a) => a.deliveryWindowS === 15)).toBe(true);
    const short = CommandRecord.parse(
      (
        await api('POST', '/api/commands', '/api/commands', {
          body: openValve('late-short', 10, expiresIn(gw.clock, 60_000)),
        })
      ).body,
    );
    expect(Date.parse(short.expiresAt) - Date.parse(short.createdAt)).toBe(15_000);
  });

  it('treats the id as an idempotency key: same payload → same command run once; different payload → 422', async () => {
    const driver = countingDriver();
    gw = await startTestGateway({ actuatorDriver: driver });
    const body = openValve('same-id', 15, expiresIn(gw.clock, 60_000));
    const first = CommandRecord.parse((await api('POST', '/api/commands', '/api/commands', { body })).body);
    await gw.commandsIdle();
    const again = await api('POST', '/api/commands', '/api/commands', {
      body: { ...body, params: { durationMin: 15 } },
    });
    expect(again.status).toBe(202);
    const second = CommandRecord.parse(again.body);
    expect(second.id).toBe(first.id);
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.state).toBe('succeeded');
    // Equivalent instant written differently is the same payload.
    const sameInstant = new Date(body.expiresAt).toISOString().replace('Z', '+00:00');
    expect(
      (await api('POST', '/api/commands', '/api/commands', { body: { ...body, expiresAt: sameInstant } }))
        .status,
    ).toBe(202);
    await gw.commandsIdle();
    expect(driver.calls).toHaveLength(1);
    expect(driver.calls[0]).toMatchObject({
      id: 'same-id',
      target: 'valve-1',
      action: 'open',
      params: { durationMin: 15 },
    });

    const changed = await api('POST', '/api/commands', '/api/commands', {
      body: { ...body, params: { durationMin: 20 } },
    });
    expect(changed.status).toBe(422);
    expect(JSON.stringify(changed.body)).toMatch(/already used/);
    expect(driver.calls).toHaveLength(1);
  });

  it('refuses params out of bounds, unknown actions and unknown targets with 422 and a reason', async () => {
    const driver = countingDriver();
    gw = await startTestGateway({ actuatorDriver: driver });
    const exp = expiresIn(gw.clock, 60_000);
    const post = (body: unknown) => api('POST', '/api/commands', '/api/commands', { body });
    const tooLong = await post(openValve('a1', 121, exp));
    expect(tooLong.status).toBe(422);
    expect((tooLong.body as { error: { message: string } }).error.message).toMatch(
      /durationMin = 121 is above the maximum 120 min/,
    );
    const fraction = await post(openValve('a2', 1.5, exp));
    expect((fraction.body as { error: { message: string } }).error.message).toMatch(/whole number/);
    expect((await post(openValve('a3', 0, exp))).status).toBe(422);
    const missing = await post({ id: 'a4', action: 'open', target: 'valve-1', expiresAt: exp });
    expect((missing.body as { error: { message: string } }).error.message).toMatch(
      /missing required parameter "durationMin"/,
    );
    const extra = await post({ ...openValve('a5', 5, exp), params: { durationMin: 5, force: true } });
    expect((extra.body as { error: { message: string } }).error.message).toMatch(/unknown parameter "force"/);
    const action = await post({ id: 'a6', action: 'explode', target: 'valve-1', expiresAt: exp });
    expect(action.status).toBe(422);
    expect((action.body as { error: { message: string } }).error.message).toMatch(/Unknown action "explode"/);
    const target = await post({
      id: 'a7',
      action: 'open',
      target: 'valve-9',
      params: { durationMin: 5 },
      expiresAt: exp,
    });
    expect((target.body as { error: { message: string } }).error.message).toMatch(/Unknown target "valve-9"/);
    const farFuture = await post(openValve('a8', 5, expiresIn(gw.clock, 8 * 24 * 3_600_000)));
    expect(farFuture.status).toBe(422);
    expect(driver.calls).toHaveLength(0);
    // Refused commands are not recorded, so their ids stay free.
    expect((await api('GET', '/api/commands/a1', '/api/commands/{id}')).status).toBe(404);
    expect((await post(openValve('a1', 120, exp))).status).toBe(202);
  });

  it('never runs a command whose expiresAt has passed: at arrival or while waiting for its actuator', async () => {
    let release!: () => void;
    const calls: string[] = [];
    const driver: ActuatorDriver = {
      execute: async (r) => {
        calls.push(r.id);
        if (r.id === 'slow') await new Promise<void>((res) => (release = res));
        return { outcome: 'succeeded' };
      },
    };
    gw = await startTestGateway({ actuatorDriver: driver });
    const stale = CommandRecord.parse(
      (
        await api('POST', '/api/commands', '/api/commands', {
          body: openValve('stale', 5, expiresIn(gw.clock, -1_000)),
        })
      ).body,
    );
    expect(stale.state).toBe('expired');
    expect(stale.history.map((h) => h.state)).toEqual(['queued', 'expired']);
    expect(stale.reason).toMatch(/already past/);

    await api('POST', '/api/commands', '/api/commands', {
      body: openValve('slow', 5, expiresIn(gw.clock, 60_000)),
    });
    await api('POST', '/api/commands', '/api/commands', {
      body: openValve('waiting', 5, expiresIn(gw.clock, 2_000)),
    });
    expect(calls).toEqual(['slow']);
    gw.clock.advance(5_000);
    gw.tick(); // expiry sweep
    const waiting = CommandRecord.parse(
      (await api('GET', '/api/commands/waiting', '/api/commands/{id}')).body,
    );
    expect(waiting.state).toBe('expired');
    expect(waiting.reason).toMatch(/while waiting/);
    release();
    await gw.commandsIdle();
    expect(calls).toEqual(['slow']);
  });

  it('lists commands by change cursor and by time', async () => {
    gw = await startTestGateway({ actuatorDriver: countingDriver() });
    const exp = expiresIn(gw.clock, 600_000);
    await api('POST', '/api/commands', '/api/commands', { body: openValve('l1', 5, exp) });
    await gw.commandsIdle();
    const first = CommandList.parse((await api('GET', '/api/commands', '/api/commands')).body);
    expect(first.commands.map((c) => c.id)).toEqual(['l1']);
    expect(first.commands[0]!.state).toBe('succeeded');
    expect(first.next).not.toBeNull();
    gw.clock.advance(60_000);
    await api('POST', '/api/commands', '/api/commands', {
      body: { id: 'l2', action: 'close', target: 'valve-1', expiresAt: expiresIn(gw.clock, 60_000) },
    });
    await gw.commandsIdle();
    const changes = CommandList.parse(
      (await api('GET', `/api/commands?since=${first.next}`, '/api/commands')).body,
    );
    expect(changes.commands.map((c) => c.id)).toEqual(['l2']);
    expect(changes.commands[0]!.state).toBe('succeeded');
    const none = CommandList.parse(
      (await api('GET', `/api/commands?since=${changes.next}`, '/api/commands')).body,
    );
    expect(none.commands).toEqual([]);
    expect(none.next).toBe(changes.next);
    const byTime = CommandList.parse(
      (
        await api(
          'GET',
          `/api/commands?since=${encodeURIComponent(new Date(gw.clock.now() - 1_000).toISOString())}`,
          '/api/commands',
        )
      ).body,
    );
    expect(byTime.commands.map((c) => c.id)).toEqual(['l2']);
    const page = CommandList.parse((await api('GET', '/api/commands?since=0&limit=1', '/api/commands')).body);
    expect(page.commands).toHaveLength(1);
    expect((await api('GET', '/api/commands?since=yesterday', '/api/commands')).status).toBe(422);
  });

  it('reports health', async () => {
    gw = await startTestGateway();
    gw.tick();
    const health = Health.parse((await api('GET', '/api/health', '/api/health')).body);
    expect(health).toMatchObject({ status: 'ok', farmId: 'test-farm' });
    expect(health.checks.database).toEqual({ ok: true });
    expect(health.checks.ingest!.ok).toBe(true);
    gw.clock.advance(10 * 60_000);
    const stale = Health.parse((await api('GET', '/api/health', '/api/health')).body);
    expect(stale.status).toBe('degraded');
    expect(stale.checks.ingest).toMatchObject({ ok: false });
  });

  it('keeps readings and commands across a restart; waiting commands run after it', async () => {
    const dir = tempDir();
    try {
      const blocking: ActuatorDriver = {
        execute: (r, signal) =>
          new Promise((resolve) =>
            signal.addEventListener('abort', () =>
              resolve({ outcome: 'failed', reason: `stopped during ${r.id}` }),
            ),
          ),
      };
      gw = await startTestGateway({ dataDir: dir.path, actuatorDriver: blocking });
      gw.clock.advance(10 * 60_000);
      gw.tick();
      await api('POST', '/api/commands', '/api/commands', {
        body: openValve('before', 5, expiresIn(gw.clock, 3_600_000)),
      });
      await api('POST', '/api/commands', '/api/commands', {
        body: openValve('queued', 5, expiresIn(gw.clock, 3_600_000)),
      });
      const clock = gw.clock;
      await gw.dispose();
      const driver = countingDriver();
      gw = await startTestGateway({ dataDir: dir.path, actuatorDriver: driver }, clock);
      await gw.commandsIdle();
      expect(driver.calls.map((c) => c.id)).toEqual(['queued']);
      const before = CommandRecord.parse(
        (await api('GET', '/api/commands/before', '/api/commands/{id}')).body,
      );
      expect(before).toMatchObject({ state: 'failed', reason: 'stopped during before' });
      const hist = HistoryResponse.parse(
        (
          await api(
            'GET',
            `/api/data/history?sensor=tank-1&from=${clock.now() - 3_600_000}&to=${clock.now()}`,
            '/api/data/history',
          )
        ).body,
      );
      expect(hist.points.length).toBeGreaterThanOrEqual(20);
      const info = FarmInfo.parse((await api('GET', '/api/info', '/api/info')).body);
      expect(info.farmId).toBe('test-farm');
    } finally {
      await gw?.dispose();
      gw = undefined;
      dir.remove();
    }
  });

  it('records who asked, from the tailnet identity of the operator', async () => {
    gw = await startTestGateway({ actuatorDriver: countingDriver() });
    const rec = CommandRecord.parse(
      (
        await api('POST', '/api/commands', '/api/commands', {
          from: OPERATOR,
          body: openValve('who', 5, expiresIn(gw.clock, 60_000)),
        })
      ).body,
    );
    expect(rec.requestedBy).toBe('olga@example.com');
  });
});
