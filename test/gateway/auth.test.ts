import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandRecord, Health } from '../../protocol/farm-api.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { silentLogger } from '../../kit/log.ts';
import { type SimTailnetHandle, simLoopbackFor, startSimTailnet } from '../../sim/tailnet/index.ts';
import { type GatewayHandle, startGateway } from '../../gateway/gateway.ts';
import { manualClock } from '../../gateway/clock.ts';
import {
  AGRONOMIST,
  OPERATOR,
  STRANGER,
  T0,
  TAGGED_OPS,
  type TestGateway,
  call,
  expiresIn,
  startTestGateway,
  tempDir,
} from './helpers.ts';

const command = (id: string, clock: { now(): number }) => ({
  id,
  action: 'open',
  target: 'valve-2',
  params: { durationMin: 3 },
  expiresAt: expiresIn(clock, 60_000),
});

/** Headers a client might send hoping to be taken for someone else. */
const forged = {
  'tailscale-user-login': 'olga@example.com',
  'tailscale-user-name': 'Olga',
  'tailscale-app-capabilities': JSON.stringify({ [AGROMESH_CAPABILITY]: [{ role: 'operator' }] }),
  'x-forwarded-for': OPERATOR,
  'x-agromesh-user': 'olga@example.com',
};

describe('authorization with an injected who-is', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.dispose();
    gw = undefined;
  });

  it('lets any identified caller read, and refuses unknown addresses with 401', async () => {
    gw = await startTestGateway();
    for (const from of [OPERATOR, AGRONOMIST, TAGGED_OPS]) {
      expect((await call(gw.url, 'GET', '/api/info', { from })).status).toBe(200);
    }
    const stranger = await call(gw.url, 'GET', '/api/info', { from: STRANGER });
    expect(stranger.status).toBe(401);
    expect(stranger.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect((await call(gw.url, 'GET', '/api/data/current', { from: STRANGER, headers: forged })).status).toBe(
      401,
    );
  });

  it('lets the operator of this farm command, and refuses others with 403 and the reason', async () => {
    gw = await startTestGateway();
    expect(
      (await call(gw.url, 'POST', '/api/commands', { from: OPERATOR, body: command('ok-1', gw.clock) }))
        .status,
    ).toBe(202);
    const denied = await call(gw.url, 'POST', '/api/commands', {
      from: AGRONOMIST,
      body: command('no-1', gw.clock),
    });
    expect(denied.status).toBe(403);
    const message = (denied.body as { error: { code: string; message: string } }).error;
    expect(message.code).toBe('FORBIDDEN');
    expect(message.message).toMatch(/anna@example.com .* may read this farm but not command it/);
    expect(message.message).toContain('test-farm');
    expect((await call(gw.url, 'GET', '/api/commands/no-1', { from: OPERATOR })).status).toBe(404);
  });

  it('grants commands to the configured operator tags and records the node name', async () => {
    gw = await startTestGateway();
    const reply = await call(gw.url, 'POST', '/api/commands', {
      from: TAGGED_OPS,
      body: command('tag-1', gw.clock),
    });
    expect(reply.status).toBe(202);
    expect(CommandRecord.parse(reply.body).requestedBy).toBe('ops-console');
  });

  it('ignores identity headers sent by clients', async () => {
    gw = await startTestGateway();
    const reply = await call(gw.url, 'POST', '/api/commands', {
      from: AGRONOMIST,
      headers: forged,
      body: command('forged', gw.clock),
    });
    expect(reply.status).toBe(403);
    const ok = await call(gw.url, 'POST', '/api/commands', {
      from: OPERATOR,
      headers: { ...forged, 'tailscale-user-login': 'mallory@evil' },
      body: command('real', gw.clock),
    });
    expect(CommandRecord.parse(ok.body).requestedBy).toBe('olga@example.com');
  });

  it('answers 503 when who-is itself fails, and serves again once it recovers', async () => {
    let down = true;
    gw = await startTestGateway({
      resolveIdentity: async (a) => {
        if (down) throw new Error('connect ENOENT /var/run/tailscale/tailscaled.sock');
        return (await import('./helpers.ts')).people[a] ?? null;
      },
    });
    const failed = await call(gw.url, 'GET', '/api/info', { from: OPERATOR });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'LOCALAPI_UNAVAILABLE' } });
    down = false;
    expect((await call(gw.url, 'GET', '/api/info', { from: OPERATOR })).status).toBe(200);
  });
});

describe('health while who-is is down', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.dispose();
    gw = undefined;
  });

  it('still answers 200, degraded, naming identity as the failing layer, and nothing else to the unidentified', async () => {
    let down = false;
    gw = await startTestGateway({
      resolveIdentity: async (a) => {
        if (down) throw new Error('connect ENOENT /var/run/tailscale/tailscaled.sock');
        return (await import('./helpers.ts')).people[a] ?? null;
      },
      identityCacheMs: 0,
    });
    down = true;
    const reply = await call(gw.url, 'GET', '/api/health', { from: OPERATOR });
    expect(reply.status).toBe(200);
    const health = Health.parse(reply.body);
    expect(health).toMatchObject({ status: 'degraded', farmId: 'test-farm' });
    expect(health.checks).toEqual({
      identity: { ok: false, detail: expect.stringMatching(/identity unavailable/) },
    });
    // Everything else still needs an identified caller.
    expect((await call(gw.url, 'GET', '/api/data/current', { from: OPERATOR })).status).toBe(503);
    // Unknown callers are still refused while who-is works.
    down = false;
    expect((await call(gw.url, 'GET', '/api/health', { from: STRANGER })).status).toBe(401);
    const back = Health.parse((await call(gw.url, 'GET', '/api/health', { from: OPERATOR })).body);
    expect(back.checks.identity).toEqual({ ok: true });
    expect(back.checks.database).toEqual({ ok: true });
  });
});

describe('--insecure-no-auth', () => {
  it('refuses to start on a non-loopback address', async () => {
    await expect(
      startGateway({
        dataDir: null,
        listen: { host: '0.0.0.0', port: 0 },
        insecureNoAuth: true,
        simulate: { seed: 1 },
        log: silentLogger,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/loopback/) });
    await expect(
      startGateway({ dataDir: null, insecureNoAuth: true, log: silentLogger }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('treats loopback callers as local operators', async () => {
    const gw = await startGateway({
      dataDir: null,
      farmId: 'dev',
      listen: { host: '127.0.0.1', port: 0 },
      insecureNoAuth: true,
      simulate: { seed: 1 },
      clock: manualClock(T0),
      log: silentLogger,
    });
    try {
      const r = await call(gw.url, 'POST', '/api/commands', {
        from: '127.0.0.1',
        body: command('local', { now: () => T0 }),
      });
      expect(r.status).toBe(202);
      expect(CommandRecord.parse(r.body).requestedBy).toBe('local (no auth)');
    } finally {
      await gw.dispose();
    }
  });
});

describe('authorization through the LocalAPI of a simulated tailnet', () => {
  const dir = tempDir();
  let sim: SimTailnetHandle;
  let gw: GatewayHandle;
  const addr: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimTailnet({ dir: dir.path, seed: 3 });
    const t = sim.tailnet;
    const farm = t.addDevice({ name: 'farm-north', tags: ['tag:farm'] });
    const olga = t.addDevice({
      name: 'olga-laptop',
      user: 'olga@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['farm-north'] }] },
    });
    const anna = t.addDevice({
      name: 'anna-phone',
      user: 'anna@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'agronomist' }] },
    });
    const ops = t.addDevice({ name: 'ops-console', tags: ['tag:ops'] });
    for (const [k, d] of Object.entries({ farm, olga, anna, ops })) addr[k] = simLoopbackFor(d.ipv4!);
    const local = await sim.serveLocalApi('farm-north');
    gw = await startGateway({
      dataDir: null,
      farmId: 'north',
      listen: { host: addr.farm!, port: 0 },
      localApiSocket: local.socketPath,
      operatorTags: ['tag:ops'],
      simulate: { seed: 2 },
      discoverRegistry: false,
      identityCacheMs: 100,
      log: silentLogger,
    });
  });
  afterAll(async () => {
    await gw?.dispose();
    await sim?.dispose();
    dir.remove();
  });

  it('identifies callers by their tailnet node and applies grants by machine name and tags', async () => {
    const clock = { now: () => Date.now() };
    const byOlga = await call(gw.url, 'POST', '/api/commands', {
      from: addr.olga,
      body: command('sim-olga', clock),
    });
    expect(byOlga.status).toBe(202);
    expect(CommandRecord.parse(byOlga.body).requestedBy).toBe('olga@example.com');
    const byOps = await call(gw.url, 'POST', '/api/commands', {
      from: addr.ops,
      body: command('sim-ops', clock),
    });
    expect(CommandRecord.parse(byOps.body).requestedBy).toBe('ops-console');
    expect((await call(gw.url, 'GET', '/api/info', { from: addr.anna })).status).toBe(200);
    const byAnna = await call(gw.url, 'POST', '/api/commands', {
      from: addr.anna,
      headers: forged,
      body: command('sim-anna', clock),
    });
    expect(byAnna.status).toBe(403);
    // 127.0.0.1 is no simulated node: the tailnet does not know it.
    expect((await call(gw.url, 'GET', '/api/info', { from: '127.0.0.1' })).status).toBe(401);
  });

  it('sees role changes in the tailnet policy without a restart', async () => {
    sim.tailnet.setCapMap('anna-phone', { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['north'] }] });
    const clock = { now: () => Date.now() };
    // who-is answers are cached briefly (100 ms here); poll until the new grant is seen.
    const deadline = Date.now() + 5_000;
    let status = 0;
    for (let i = 0; Date.now() < deadline; i++) {
      status = (
        await call(gw.url, 'POST', '/api/commands', {
          from: addr.anna,
          body: command(`sim-anna-${i}`, clock),
        })
      ).status;
      if (status === 202) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(202);
  });
});
