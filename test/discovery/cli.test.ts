/** `agromesh discovery serve` and `agromesh farms` against the simulated tailnet with real gateways. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FarmSummary } from '../../protocol/app/index.ts';
import { FARM_HTTP_PORT } from '../../protocol/farm-api.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { silentLogger } from '../../kit/log.ts';
import { main } from '../../main/cli/index.ts';
import type { CliIO } from '../../main/cli/io.ts';
import { startGateway, type GatewayHandle } from '../../gateway/gateway.ts';
import { startSimTailnet, type SimTailnetHandle } from '../../sim/tailnet/index.ts';
import { call, heartbeatBody, tempDir, waitFor } from './helpers.ts';

const ip = (n: number) => `100.78.0.${n}`; // this file's own block of simulated addresses

function testIO(env: NodeJS.ProcessEnv = {}) {
  let stop!: () => void;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    stopSignal: new Promise<void>((r) => (stop = r)),
  };
  return { io, stop, out: () => out.join(''), err: () => err.join('') };
}

let dir: ReturnType<typeof tempDir>;
let sim: SimTailnetHandle;
let registryUrl = '';
let stopRegistry: () => void;
let registryExit: Promise<number>;
const gateways: GatewayHandle[] = [];

beforeAll(async () => {
  dir = tempDir();
  sim = await startSimTailnet({
    dir: join(dir.path, 'sim'),
    self: {
      name: 'control-room',
      ipv4: ip(1),
      user: 'ops@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
    },
  });
  sim.tailnet.addDevice({ name: 'registry', tags: ['tag:registry'], ipv4: ip(50) });
  const regApi = await sim.serveLocalApi('registry');
  const reg = testIO();
  stopRegistry = reg.stop;
  registryExit = main(
    [
      'discovery',
      'serve',
      '--listen',
      `${sim.tailnet.loopbackOf('registry')}:0`,
      '--db',
      join(dir.path, 'reg.db'),
      '--local-api-socket',
      regApi.socketPath,
      '--log-level',
      'error',
    ],
    reg.io,
  );
  const line = await waitFor(
    () => /listening on (http:\/\/\S+)/.exec(reg.out())?.[1],
    5_000,
    'registry start',
  );
  registryUrl = line;
  for (const [name, n] of [
    ['farm-x', 2],
    ['farm-y', 3],
  ] as const) {
    sim.tailnet.addDevice({
      name,
      tags: ['tag:farm'],
      ipv4: ip(n),
      connection: { kind: 'direct', endpoint: `198.51.100.${n}:41641` },
    });
    const local = await sim.serveLocalApi(name);
    const { createLocalApiClient } = await import('../../kit/tailscale/localapi.ts');
    const whois = createLocalApiClient({ socketPath: local.socketPath });
    const g = await startGateway({
      dataDir: null,
      farmId: name,
      farmName: `Farm ${name.slice(5).toUpperCase()}`,
      listen: { host: sim.tailnet.loopbackOf(name), port: FARM_HTTP_PORT },
      hostNames: [sim.tailnet.device(name)!.ipv4!],
      resolveIdentity: (a) => whois.whois(a),
      discoveryUrl: registryUrl,
      heartbeatIntervalMs: 200,
      simulate: { seed: n },
      log: silentLogger,
    });
    gateways.push({
      ...g,
      dispose: async () => {
        await g.dispose();
        await whois.dispose();
      },
    });
  }
  await waitFor(
    async () => {
      const r = await call(registryUrl, '/api/health');
      return (r.body as { online: number }).online === 2;
    },
    5_000,
    'heartbeats recorded',
  );
});

afterAll(async () => {
  for (const g of gateways) await g.dispose();
  stopRegistry?.();
  await registryExit;
  await sim?.dispose();
  dir?.dispose();
});

const registryViaTailnet = () => registryUrl.replace('127.78.', '100.78.');

describe('agromesh discovery serve', () => {
  it('records heartbeats under the address the simulated tailscaled gives, and refuses strangers', async () => {
    const r = await call(registryUrl, `/api/farms/${ip(2)}`, {
      from: sim.tailnet.loopbackOf('control-room'),
    });
    expect(r.body).toMatchObject({
      address: ip(2),
      farmId: 'farm-x',
      tags: ['tag:farm'],
      nodeName: 'farm-x',
      status: 'online',
    });
    const stranger = await call(registryUrl, '/api/heartbeat', {
      from: '127.78.9.9',
      body: heartbeatBody(9),
    });
    expect(stranger.status).toBe(401);
  });

  it('refuses --insecure-no-auth off loopback, and wrong usage', async () => {
    const t = testIO();
    expect(
      await main(
        [
          'discovery',
          'serve',
          '--listen',
          '100.78.0.50:8090',
          '--insecure-no-auth',
          '--db',
          join(dir.path, 'x.db'),
        ],
        t.io,
      ),
    ).toBe(1);
    expect(t.err()).toMatch(/allowed only on loopback/);
    const u = testIO();
    expect(await main(['discovery', 'start'], u.io)).toBe(2);
    expect(u.err()).toMatch(/expected "serve"/);
    const h = testIO();
    expect(await main(['discovery', '--help'], h.io)).toBe(0);
    expect(h.out()).toMatch(/--insecure-no-auth/);
  });

  it('serves in insecure mode on loopback', async () => {
    const t = testIO();
    const exit = main(
      [
        'discovery',
        'serve',
        '--listen',
        '127.0.0.1:0',
        '--insecure-no-auth',
        '--db',
        join(dir.path, 'dev.db'),
        '--log-level',
        'error',
      ],
      t.io,
    );
    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(t.out())?.[1], 5_000);
    expect(t.out()).toMatch(/NO AUTH/);
    expect((await call(url, '/api/health')).body).toMatchObject({ auth: 'insecure-no-auth' });
    t.stop();
    expect(await exit).toBe(0);
  });
});

describe('agromesh farms', () => {
  const base = () => [
    'farms',
    '--local-api-socket',
    sim.localApiSocket,
    '--sim-self',
    ip(1),
    '--registry',
    registryViaTailnet(),
    '--timeout',
    '3',
  ];

  it('prints the merged farms with three-layer health as JSON', async () => {
    await call(registryUrl, `/api/farms/${ip(3)}`, {
      from: sim.tailnet.loopbackOf('control-room'),
      body: { displayName: 'Greenhouse Y', notes: 'heater in bay 2' },
    });
    const t = testIO();
    expect(await main([...base(), '--json'], t.io)).toBe(0);
    const out = JSON.parse(t.out()) as {
      farms: unknown[];
      registry: { state: string };
      tailnet: { backend: string; mode: string };
    };
    const farms = out.farms.map((f) => FarmSummary.parse(f));
    expect(farms.map((f) => [f.farmId, f.displayName, f.address, f.health.overall])).toEqual([
      ['farm-x', 'Farm X', ip(2), 'ok'],
      ['farm-y', 'Greenhouse Y', ip(3), 'ok'],
    ]);
    expect(farms[1]).toMatchObject({
      notes: 'heater in bay 2',
      health: { tailnet: { state: 'ok' }, gateway: { state: 'ok' }, data: { state: 'unknown' } },
    });
    expect(out.registry.state).toBe('ok');
    expect(out.tailnet).toMatchObject({ backend: 'localapi', mode: 'watch' });
  });

  it('prints a table for people, with the reason for each farm that is not ok', async () => {
    sim.tailnet.setOnline('farm-x', false);
    try {
      const t = testIO();
      expect(await main(base(), t.io)).toBe(0);
      const text = t.out();
      expect(text).toMatch(/^FARM\s+NAME\s+ADDRESS\s+HEALTH\s+TAILNET\s+GATEWAY\s+DATA/);
      expect(text).toMatch(/farm-x\s+Farm X\s+100\.78\.0\.2\s+offline\s+down/);
      expect(text).toMatch(/farm-y\s+Greenhouse Y\s+100\.78\.0\.3\s+ok\s+ok/);
      expect(text).toMatch(/farm-x: The tailnet says the node is offline/);
      expect(text).toMatch(/Registry: http:\/\/100\.78\.0\.50:\d+ \(\d+ records\)/);
    } finally {
      sim.tailnet.setOnline('farm-x', true);
    }
  });

  it('still lists farms from the tailnet when the registry does not answer', async () => {
    const t = testIO();
    expect(
      await main(
        [
          'farms',
          '--local-api-socket',
          sim.localApiSocket,
          '--sim-self',
          ip(1),
          '--registry',
          'http://100.78.0.51:8090',
          '--timeout',
          '1',
          '--json',
        ],
        t.io,
      ),
    ).toBe(0);
    const out = JSON.parse(t.out()) as {
      farms: { farmId: string; displayName: string }[];
      registry: { state: string };
    };
    expect(out.farms.map((f) => f.farmId)).toEqual(['farm-x', 'farm-y']);
    expect(out.farms[1]!.displayName).toBe('Farm Y'); // the gateway's own name without the registry
    expect(out.registry.state).toBe('down');
  });

  it('fails clearly when the tailnet cannot be read', async () => {
    const t = testIO();
    expect(
      await main(
        ['farms', '--local-api-socket', join(dir.path, 'nope.sock'), '--timeout', '1', '--no-registry'],
        t.io,
      ),
    ).toBe(1);
    expect(t.err()).toMatch(/could not list the tailnet's devices \(localapi\).*No tailscaled LocalAPI at/);
  });
});
