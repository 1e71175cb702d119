import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CommandRecord, CurrentData, HistoryResponse, INTERRUPTED_REASON } from '../../protocol/farm-api.ts';
import { openGatewayDatabase } from '../../gateway/store/db.ts';
import { createCommandStore } from '../../gateway/store/commands.ts';
import { silentLogger } from '../../kit/log.ts';
import { hardwareLayout } from './fixtures.ts';
import { startGateway } from '../../gateway/gateway.ts';
import { T0, type TestGateway, call, expiresIn, startTestGateway, tempDir, waitFor } from './helpers.ts';

const dir = tempDir();
afterAll(() => dir.remove());
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.dispose();
  gw = undefined;
});

function script(name: string, body: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const hw = (over: Parameters<typeof startTestGateway>[0] = {}) =>
  startTestGateway({ simulate: null, layout: hardwareLayout, ...over });

describe('sensor command', () => {
  it('reads JSON lines, skips bad ones, and restarts the command when it exits', async () => {
    const counter = join(dir.path, 'runs');
    writeFileSync(counter, '0');
    const cmd = script(
      'sensors.sh',
      `n=$(($(cat ${counter}) + 1)); echo $n > ${counter}
echo '{"sensorId":"probe-1","ts":${T0 - 60_000},"value":31.5}'
echo 'not json at all'
echo '{"sensorId":"nope","value":1}'
echo '{"readings":[{"sensorId":"meter-1","ts":${T0 - 30_000},"value":0},{"sensorId":"probe-1","ts":'$((${T0} - 1000 * n))',"value":30}]}'
head -c 70000 /dev/zero | tr '\\0' 'x'; echo
echo '{"sensorId":"meter-1","value":2.5}'`,
    );
    gw = await hw({ sensorCommand: cmd });
    const current = await waitFor(
      async () => {
        const c = CurrentData.parse((await call(gw!.url, 'GET', '/api/data/current')).body);
        return c.readings.find((r) => r.sensorId === 'meter-1' && r.value === 2.5) ? c : undefined;
      },
      5_000,
      'readings from the sensor command',
    );
    expect(current.readings.find((r) => r.sensorId === 'probe-1')).toMatchObject({
      value: 30,
      ts: T0 - 1000,
    });
    // It exited after printing; it is started again and its second run is stored too.
    await waitFor(
      async () => {
        const h = HistoryResponse.parse(
          (await call(gw!.url, 'GET', `/api/data/history?sensor=probe-1&from=${T0 - 120_000}&to=${T0}`)).body,
        );
        return h.points.some((p) => p[0] === T0 - 2_000);
      },
      6_000,
      'a second run',
    );
  });
});

describe('local push endpoint', () => {
  it('stores pushed readings from loopback and answers after they are committed', async () => {
    gw = await hw({ push: { port: 0 } });
    const push = `http://127.0.0.1:${gw.pushPort}`;
    const ok = await call(push, 'POST', '/api/readings', {
      from: '127.0.0.1',
      body: {
        readings: [
          { sensorId: 'probe-1', ts: T0 - 5_000, value: 28.25 },
          { sensorId: 'meter-1', value: null },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const again = await call(push, 'POST', '/api/readings', {
      from: '127.0.0.1',
      body: { sensorId: 'probe-1', ts: T0 - 5_000, value: 28.25 },
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    const current = CurrentData.parse((await call(gw.url, 'GET', '/api/data/current')).body);
    expect(current.readings).toContainEqual({
      sensorId: 'probe-1',
      ts: T0 - 5_000,
      value: 28.25,
      quality: 'ok',
    });
    expect(current.readings).toContainEqual({ sensorId: 'meter-1', ts: T0, value: null, quality: 'fault' });
    const unknown = await call(push, 'POST', '/api/readings', {
      from: '127.0.0.1',
      body: { sensorId: 'ghost', value: 1 },
    });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('unknown sensor ghost');
    const future = await call(push, 'POST', '/api/readings', {
      from: '127.0.0.1',
      body: { sensorId: 'probe-1', ts: T0 + 3_600_000, value: 1 },
    });
    expect(future.status).toBe(422);
    expect((await call(push, 'POST', '/api/readings', { from: '127.0.0.1', raw: '{oops' })).status).toBe(400);
    expect((await call(push, 'GET', '/api/readings', { from: '127.0.0.1' })).status).toBe(405);
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(
      startGateway({
        dataDir: null,
        listen: { host: '127.0.0.1', port: 0 },
        resolveIdentity: async () => null,
        push: { host: '0.0.0.0', port: 0 },
        log: silentLogger,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('actuator command', () => {
  const handler = () =>
    script(
      'actuator.sh',
      `input=$(cat)
echo "$1 $2 $AGROMESH_COMMAND_ID $input" >> ${join(dir.path, 'actuator.log')}
case "$AGROMESH_COMMAND_ID" in
  ok*) echo '{"reason":"pulsed relay"}'; exit 0 ;;
  interlock*) echo '{"reason":"tank empty: interlock"}'; exit 3 ;;
  broken*) echo 'relay board not responding' >&2; exit 1 ;;
  slow*) sleep 30 ;;
esac`,
    );

  it('runs the handler with the command on stdin and maps exit codes to states', async () => {
    gw = await hw({ actuatorCommand: handler(), actuatorTimeoutMs: 1_000 });
    const post = (id: string) =>
      call(gw!.url, 'POST', '/api/commands', {
        body: {
          id,
          action: 'pulse',
          target: 'relay-1',
          params: { seconds: 2.5 },
          expiresAt: expiresIn(gw!.clock, 60_000),
        },
      });
    for (const id of ['ok-1', 'interlock-1', 'broken-1', 'slow-1']) expect((await post(id)).status).toBe(202);
    await gw.commandsIdle();
    const get = async (id: string) =>
      CommandRecord.parse((await call(gw!.url, 'GET', `/api/commands/${id}`)).body);
    expect(await get('ok-1')).toMatchObject({ state: 'succeeded', reason: 'pulsed relay' });
    expect(await get('interlock-1')).toMatchObject({ state: 'rejected', reason: 'tank empty: interlock' });
    expect(await get('broken-1')).toMatchObject({ state: 'failed', reason: 'relay board not responding' });
    expect((await get('slow-1')).reason).toMatch(/timed out after 1000 ms/);
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(join(dir.path, 'actuator.log'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(4);
    const [args, json] = [log[0]!.split(' ').slice(0, 3).join(' '), log[0]!.slice(log[0]!.indexOf('{'))];
    expect(args).toBe('relay-1 pulse ok-1');
    expect(JSON.parse(json)).toMatchObject({
      id: 'ok-1',
      target: 'relay-1',
      action: 'pulse',
      params: { seconds: 2.5 },
      requestedBy: 'olga@example.com',
    });

    // The meter then shows flow: that reading confirms the pulse.
    gw.clock.advance(5_000);
    gw.ingest([{ sensorId: 'meter-1', ts: gw.clock.now(), value: 4.2, quality: 'ok' }]);
    expect((await get('ok-1')).confirmation).toMatchObject({ sensorId: 'meter-1', value: 4.2 });
  });

  /** Alive and not a zombie (a container's init may not reap orphans at once). */
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };

  for (const [kind, body, getsTerm] of [
    ['polite', `trap 'echo term >> "$0.log"; exit 143' TERM`, true],
    ['stubborn', `trap '' TERM`, false],
  ] as const) {
    it(`on shutdown stops a ${kind} handler's whole process group and records it interrupted`, async () => {
      const data = join(dir.path, `${kind}-data`);
      const cmd = script(
        `${kind}.sh`,
        `${body}\nsleep 60 &\necho "$$ $!" > "$0.pids"\nwhile :; do wait; done`,
      );
      gw = await hw({ dataDir: data, actuatorCommand: cmd, actuatorStopGraceMs: 200 });
      const r = await call(gw.url, 'POST', '/api/commands', {
        body: {
          id: `${kind}-1`,
          action: 'pulse',
          target: 'relay-1',
          params: { seconds: 1 },
          expiresAt: expiresIn(gw.clock, 60_000),
        },
      });
      expect(r.status).toBe(202);
      const pids = await waitFor(
        () => {
          const text = existsSync(`${cmd}.pids`) ? readFileSync(`${cmd}.pids`, 'utf8') : '';
          const m = /^(\d+) (\d+)\n$/.exec(text);
          return m ? [Number(m[1]), Number(m[2])] : undefined;
        },
        5_000,
        'the handler to start',
      );
      expect(pids.every(alive)).toBe(true);
      await gw.dispose();
      gw = undefined;
      // Neither the handler nor what it started outlives the gateway.
      expect(pids.filter(alive)).toEqual([]);
      expect(existsSync(`${cmd}.log`)).toBe(getsTerm);

      gw = await hw({ dataDir: data });
      const rec = CommandRecord.parse((await call(gw.url, 'GET', `/api/commands/${kind}-1`)).body);
      expect(rec).toMatchObject({ state: 'interrupted', reason: INTERRUPTED_REASON });
    });
  }

  it('after a crash, a command that was running is reported interrupted, and not run again', async () => {
    const data = join(dir.path, 'crash-data');
    const db = openGatewayDatabase(data);
    const at = new Date(T0 - 60_000).toISOString();
    createCommandStore(db).insert(
      {
        id: 'was-running',
        action: 'pulse',
        target: 'relay-1',
        params: { seconds: 1 },
        expiresAt: new Date(T0 + 600_000).toISOString(),
        state: 'running',
        createdAt: at,
        updatedAt: at,
        requestedBy: 'olga@example.com',
        history: [
          { state: 'queued', at },
          { state: 'running', at },
        ],
        confirmation: null,
      },
      'fingerprint',
    );
    db.close();
    let runs = 0;
    gw = await hw({
      dataDir: data,
      actuatorDriver: {
        execute: async () => {
          runs++;
          return { outcome: 'succeeded' };
        },
      },
    });
    await gw.commandsIdle();
    const rec = CommandRecord.parse((await call(gw.url, 'GET', '/api/commands/was-running')).body);
    expect(rec).toMatchObject({ state: 'interrupted', reason: INTERRUPTED_REASON });
    expect(rec.history.map((h) => h.state)).toEqual(['queued', 'running', 'interrupted']);
    expect(runs).toBe(0);
  });
});
