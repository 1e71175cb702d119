/**
 * The product's tailnet paths against the real programs: real Headscale 0.29 and real tailscaled 1.102
 * (versions pinned in scripts/tailnet/install.sh) in network namespaces. Discovery and health from the
 * real LocalAPI, who-is from the real daemon, roles from a real Headscale policy with grants, the policy
 * enforced by real packets, the Headscale backend against the real REST API, onboarding with a real
 * single-use key, and nothing leaving the testbed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalApiClient } from '../../kit/tailscale/localapi.ts';
import { createTailscaleManager } from '../../main/core/tailnet/factory.ts';
import type { DeviceChange, TailscaleManager } from '../../main/core/tailnet/manager.ts';
import { FARM_TAG } from '../../protocol/device.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { authRow, newFragment, saveFragment } from '../netbed/report.ts';
import type { HttpAnswer } from '../netbed/scenarios/http.ts';
import { GATEWAY, HTTP, commandBody, waitFor } from '../netbed/support.ts';
import { PEOPLE, FARM_API_PORT, seedPolicy } from './policy.ts';
import { type RealTailnet, createRealTailnet, realTailnetUnavailableReason } from './real-tailnet.ts';

const skip = realTailnetUnavailableReason();
const HEADSCALE = new URL('./scenarios/headscale.ts', import.meta.url).href;
const ROOT = new URL('../../', import.meta.url).pathname;
const report = newFragment(
  '40-real-tailnet',
  'On the real tailnet (Headscale + tailscaled)',
  'realnet: real Headscale 0.29.2 and tailscaled 1.102.5 in namespaces, who-is from the real daemon',
);
const row = (check: string, attempts: number, unauthorizedSucceeded: number) =>
  authRow(report, check, attempts, unauthorizedSucceeded);

/** Hosts: people's PCs are user-owned nodes; the control room and farms join with tags-only keys. */
const PERSON_PC = {
  operator: 'olga-pc',
  northOperator: 'nora-pc',
  agronomist: 'anna-pc',
  support: 'sam-pc',
  visitor: 'vic-pc',
} as const;
type Person = keyof typeof PERSON_PC;

describe.skipIf(skip !== undefined)(`the real tailnet${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let rt: RealTailnet;
  let crManager: TailscaleManager;
  let trapBaseline: Record<string, number>;
  let stopWatch: (() => void) | undefined;
  const changes: { at: number; change: DeviceChange }[] = [];
  const farmUrl = (name: string) => `http://${rt.node(name).ipv4}:${FARM_API_PORT}`;

  beforeAll(async () => {
    rt = await createRealTailnet({
      users: ['ops', 'eve', ...Object.values(PEOPLE).map((p) => p.user)],
      nodes: [
        { name: 'cr', tags: ['tag:controlroom'] },
        { name: 'farm-1', tags: [FARM_TAG] },
        { name: 'farm-2', tags: [FARM_TAG] },
        ...Object.entries(PERSON_PC).map(([person, name]) => ({ name, user: PEOPLE[person as Person].user })),
        // A tailnet member no grant mentions: the policy itself must keep it off the farms.
        { name: 'eve-pc', user: 'eve' },
        { name: 'farm-new', join: false },
        { name: 'farm-dup', join: false },
      ],
      policy: seedPolicy(),
    });
    for (const farm of ['farm-1', 'farm-2']) {
      const a = await rt.tb.agent(farm);
      await a.call(GATEWAY, 'startFarm', farm, {
        farmId: farm,
        host: rt.node(farm).ipv4,
        port: FARM_API_PORT,
        dataDir: join(rt.dir, `gw-${farm}`),
        localApiSocket: rt.node(farm).socket,
        actuatorDelayMs: 10,
        identityCacheMs: 0,
      });
    }
    crManager = createTailscaleManager({ backend: 'localapi', localApiSocket: rt.node('cr').socket });
    // The app keeps one watch open all day; so does this suite.
    stopWatch = crManager.watch((change) => changes.push({ at: Date.now(), change }));
    trapBaseline = await rt.outsidePackets();
  });
  afterAll(async () => {
    stopWatch?.();
    await crManager?.dispose();
    await rt?.dispose();
    saveFragment(report);
  });

  const from = async (host: string, probe: Record<string, unknown>): Promise<HttpAnswer> =>
    (await rt.tb.agent(host)).call<HttpAnswer>(HTTP, 'http', probe);

  it('the control room lists the farms from the real LocalAPI: tag:farm, online, real 100.x addresses', async () => {
    const farms = await crManager.listDevices({ tag: FARM_TAG });
    expect(farms.map((d) => d.name).sort()).toEqual(['farm-1', 'farm-2']);
    for (const d of farms) {
      expect(d.online, d.name).toBe(true);
      expect(d.ipv4).toContain(rt.node(d.name).ipv4);
      expect(d.tags).toEqual([FARM_TAG]);
    }
  });

  it('who-is on a farm names each caller by its real source address, user and capability', async () => {
    const farm1 = createLocalApiClient({ socketPath: rt.node('farm-1').socket });
    try {
      const olga = await farm1.whois(rt.node('olga-pc').ipv4);
      expect(olga).toMatchObject({ nodeName: 'olga-pc', tags: [] });
      expect(olga?.user).toMatch(/^olga/);
      expect(olga?.capabilities['agromesh.dev/cap/control-room']).toEqual([
        { role: 'operator', farms: ['*'] },
      ]);
      const cr = await farm1.whois(rt.node('cr').ipv4);
      expect(cr).toMatchObject({ nodeName: 'cr', tags: ['tag:controlroom'], user: 'tagged-devices' });
    } finally {
      await farm1.dispose();
    }
  });

  it("the control room and a person's PC learn their own roles from who-is of their own address", async () => {
    expect((await crManager.self())?.capabilities[AGROMESH_CAPABILITY]).toEqual([
      { role: 'operator', farms: ['*'] },
    ]);
    const nora = createTailscaleManager({ backend: 'localapi', localApiSocket: rt.node('nora-pc').socket });
    try {
      expect((await nora.self())?.capabilities[AGROMESH_CAPABILITY]).toEqual([
        { role: 'operator', farms: ['farm-1'] },
      ]);
    } finally {
      await nora.dispose();
    }
  });

  it('the role matrix holds over the real tailnet: commands only from operators of that farm', async () => {
    // Expected answers written out by hand (not computed by the function under test).
    const expected: Record<string, Record<'farm-1' | 'farm-2', number>> = {
      cr: { 'farm-1': 202, 'farm-2': 202 },
      'olga-pc': { 'farm-1': 202, 'farm-2': 202 },
      'nora-pc': { 'farm-1': 202, 'farm-2': 403 },
      'anna-pc': { 'farm-1': 403, 'farm-2': 403 },
      'sam-pc': { 'farm-1': 403, 'farm-2': 403 },
      'vic-pc': { 'farm-1': 403, 'farm-2': 403 },
    };
    let mismatches = 0;
    let unauthorized = 0;
    let tries = 0;
    const seen: Record<string, Record<string, number>> = {};
    for (const [caller, farms] of Object.entries(expected)) {
      seen[caller] = {};
      for (const [farm, want] of Object.entries(farms)) {
        const r = await from(caller, {
          url: `${farmUrl(farm)}/api/commands`,
          body: commandBody(`${caller}-${farm}`),
        });
        tries += 1;
        seen[caller][farm] = r.status;
        if (r.status !== want) mismatches += 1;
        if (want === 403 && r.status < 300) unauthorized += 1;
      }
    }
    row('command role matrix over the real tailnet (6 callers × 2 farms)', tries, unauthorized);
    expect(seen).toEqual(expected);
    expect(mismatches).toBe(0);
  });

  it('reading is for whoever the policy lets reach the farm, role or not (the network grant is the read right)', async () => {
    for (const caller of ['olga-pc', 'anna-pc', 'sam-pc', 'vic-pc', 'cr']) {
      const r = await from(caller, { url: `${farmUrl('farm-1')}/api/data/current` });
      expect(r.status, caller).toBe(200);
    }
  });

  it('the policy is enforced by packets: no grant, no connection; farms cannot reach each other', async () => {
    const attempt = async (fromHost: string, toFarm: string) => {
      try {
        const r = await from(fromHost, { url: `${farmUrl(toFarm)}/api/health`, timeoutMs: 2_500 });
        return `answered ${r.status}`;
      } catch (err) {
        return `failed: ${(err as Error).message}`;
      }
    };
    expect(await attempt('cr', 'farm-1')).toMatch(/^answered/);
    const blocked = {
      'eve-pc → farm-1': await attempt('eve-pc', 'farm-1'),
      'farm-1 → farm-2': await attempt('farm-1', 'farm-2'),
      'farm-2 → farm-1': await attempt('farm-2', 'farm-1'),
    };
    for (const [path, outcome] of Object.entries(blocked)) expect(outcome, path).toMatch(/^failed/);
    row(
      'connections the policy forbids (eve → farm, farm → farm ×2)',
      3,
      Object.values(blocked).filter((o) => o.startsWith('answered')).length,
    );
  });

  it('the Headscale backend works against the real REST API: nodes with tags, policy get/check/set', async () => {
    const hs = await rt.tb.agent('hs');
    const devices = await hs.call<{ id: string; name: string; tags: string[]; online: boolean }[]>(
      HEADSCALE,
      'devices',
      rt.apiUrlInHsNamespace,
      rt.apiKey,
    );
    const farm2 = devices.find((d) => d.name === 'farm-2');
    expect(farm2).toMatchObject({ tags: [FARM_TAG], online: true });
    expect(devices.find((d) => d.name === 'olga-pc')?.tags).toEqual([]);
    const policy = await hs.call<{
      length: number;
      good: { ok: boolean };
      bad: { ok: boolean; errors: string[] };
    }>(
      HEADSCALE,
      'policyRoundTrip',
      rt.apiUrlInHsNamespace,
      rt.apiKey,
      '{"grants":[{"src":["tag:nobody"],"dst":["tag:farm"],"ip":["*"]}]}',
    );
    expect(policy.length).toBeGreaterThan(100);
    expect(policy.good.ok).toBe(true);
    expect(policy.bad.ok).toBe(false);
  });

  it('the command line works against the real daemon and the real Headscale', async () => {
    const cli = async (host: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
      const argv = [process.execPath, join(ROOT, 'bin/agromesh.js'), 'tailnet', ...args];
      const r = await rt.tb.exec(host, argv, { env: { ...process.env, ...env }, timeoutMs: 30_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    const local = ['--backend', 'localapi', '--local-api-socket'];
    const devices = JSON.parse(
      await cli('cr', ['devices', '--tag', FARM_TAG, '--json', ...local, rt.node('cr').socket]),
    ) as {
      name: string;
    }[];
    expect(devices.map((d) => d.name).sort()).toEqual(['farm-1', 'farm-2']);
    const who = JSON.parse(
      await cli('cr', ['whois', rt.node('olga-pc').ipv4, '--json', ...local, rt.node('farm-1').socket]),
    ) as { nodeName: string; capabilities: Record<string, unknown> };
    expect(who.nodeName).toBe('olga-pc');
    expect(who.capabilities['agromesh.dev/cap/control-room']).toEqual([{ role: 'operator', farms: ['*'] }]);

    const hs = ['--backend', 'headscale', '--headscale-url', rt.apiUrlInHsNamespace];
    const env = { HEADSCALE_API_KEY: rt.apiKey };
    const hsDevices = JSON.parse(await cli('hs', ['devices', '--json', ...hs], env)) as { name: string }[];
    expect(hsDevices.map((d) => d.name)).toEqual(
      expect.arrayContaining(['cr', 'farm-1', 'farm-2', 'olga-pc']),
    );
    await cli('hs', ['tag', 'farm-1', FARM_TAG, ...hs], env);
    const key = JSON.parse(
      await cli('hs', ['authkey', '--tag', FARM_TAG, '--expiry', '1h', '--json', ...hs], env),
    ) as {
      key: string;
    };
    expect(key.key).toMatch(/^hskey-auth-/);
    expect(await cli('hs', ['acl', 'get', ...hs], env)).toContain('agromesh.dev/cap/control-room');
  });

  it('onboarding: a single-use tagged key from Headscale brings a fresh gateway onto the map within 2 s', async () => {
    const hs = await rt.tb.agent('hs');
    const minted = await hs.call<{ key: string }>(
      HEADSCALE,
      'mintFarmKey',
      rt.apiUrlInHsNamespace,
      rt.apiKey,
    );
    expect(minted.key).toMatch(/^hskey-auth-/);
    const node = await rt.startDaemon('farm-new');
    const seenFrom = changes.length;
    const appeared = () =>
      changes
        .slice(seenFrom)
        .find(({ change }) =>
          change.type === 'upsert'
            ? change.device.name === 'farm-new'
            : change.type === 'snapshot' && change.devices.some((d) => d.name === 'farm-new'),
        )?.at;
    const launchedAt = Date.now();
    const gateway = rt.tb.spawn(
      'farm-new',
      [
        process.execPath,
        join(ROOT, 'bin/agromesh.js'),
        'gateway',
        '--simulate',
        '--farm-id',
        'farm-new',
        '--data-dir',
        join(rt.dir, 'gw-farm-new'),
        '--local-api-socket',
        node.socket,
        '--tailscale-bin',
        rt.bins.tailscale,
        '--login-server',
        rt.loginServer,
        '--log-level',
        'info',
      ],
      { env: { ...process.env, TS_AUTHKEY: minted.key } },
    );
    let log = '';
    gateway.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    gateway.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    const runningAt = await waitFor(
      async () => {
        if (gateway.exitCode !== null) throw new Error(`gateway exited: ${log.slice(-2000)}`);
        const st = await rt.tailscale('farm-new', ['status', '--json', '--peers=false'], 5_000);
        return st.stdout.includes('"BackendState": "Running"') ? Date.now() : undefined;
      },
      60_000,
      'the new farm node to be Running',
      100,
    );
    const appearedAt = await waitFor(appeared, 10_000, 'the control room to see farm-new');
    const visibleMs = Math.max(0, appearedAt - runningAt);
    report.notes.push(
      `onboarding: gateway started with a fresh key → farm in the control room's watch in ${appearedAt - launchedAt} ms; ` +
        (visibleMs === 0
          ? 'it was there before the node itself reported Running (status polled every 100 ms)'
          : `${visibleMs} ms after the node reported Running`),
    );
    expect(visibleMs).toBeLessThan(2_000);
    const listed = await crManager.listDevices({ tag: FARM_TAG });
    expect(listed.map((d) => d.name)).toContain('farm-new');
    gateway.kill('SIGTERM');
    // Single use: the same key cannot bring a second node.
    const dup = await rt.startDaemon('farm-dup');
    const keyFile = join(dup.stateDir, 'reused-key');
    writeFileSync(keyFile, minted.key, { mode: 0o600 });
    const again = await rt.tailscale('farm-dup', [
      'up',
      `--login-server=${rt.loginServer}`,
      `--auth-key=file:${keyFile}`,
      '--timeout=20s',
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr + again.stdout).toMatch(/used|expired|invalid/i);
  });

  it('the path shows direct or relayed (DERP) as tailscaled reports it', async () => {
    const farmIp = rt.node('farm-1').ipv4;
    const path = async () =>
      (await crManager.listDevices({ tag: FARM_TAG })).find((d) => d.name === 'farm-1')!.connection;
    const ping = () => rt.tailscale('cr', ['ping', '--c', '3', '--timeout', '2s', farmIp], 20_000);
    expect((await ping()).stdout).toMatch(/via 10\.231\.0\.\d+:41641/);
    expect(await path()).toEqual({
      kind: 'direct',
      endpoint: expect.stringMatching(/^10\.231\.0\.\d+:41641$/),
    });
    // Cut the direct underlay path both ways; DERP (on Headscale's address) still works.
    const cut = [
      ['cr', rt.tb.host('farm-1').underlay],
      ['farm-1', rt.tb.host('cr').underlay],
    ] as const;
    for (const [host, addr] of cut) await rt.tb.exec(host, ['ip', 'route', 'add', 'blackhole', `${addr}/32`]);
    try {
      const relayed = await waitFor(
        async () => {
          await rt.tailscale(
            'cr',
            ['ping', '--c', '1', '--until-direct=false', '--timeout', '2s', farmIp],
            10_000,
          );
          const p = await path();
          return p.kind === 'relay' ? p : undefined;
        },
        60_000,
        'the path to fall back to DERP',
        500,
      );
      expect(relayed).toEqual({ kind: 'relay', region: 'testbed' });
      const viaDerp = await rt.tailscale('cr', ['ping', '--c', '1', '--until-direct=false', farmIp], 10_000);
      expect(viaDerp.stdout).toMatch(/via DERP\(testbed\)/);
    } finally {
      for (const [host, addr] of cut)
        await rt.tb.exec(host, ['ip', 'route', 'del', 'blackhole', `${addr}/32`]);
    }
  });

  it('a node taken down shows offline in the control room, with the last-seen time', async () => {
    const from_ = changes.length;
    const stoppedAt = Date.now();
    await rt.stopDaemon('farm-2');
    const pushed = await waitFor(
      () =>
        changes
          .slice(from_)
          .find(
            ({ change }) =>
              change.type === 'upsert' && change.device.name === 'farm-2' && !change.device.online,
          ),
      60_000,
      'the watch to push farm-2 offline',
    );
    report.notes.push(
      `a stopped farm node showed offline in the control room ${pushed.at - stoppedAt} ms later (Headscale's own detection)`,
    );
    const offline = await waitFor(
      async () => {
        const d = (await crManager.listDevices({ tag: FARM_TAG })).find((x) => x.name === 'farm-2');
        return d && d.online === false ? d : undefined;
      },
      60_000,
      'farm-2 to show offline',
      200,
    );
    expect(offline.lastSeen).not.toBeNull();
  });

  it('nothing tried to leave the testbed (packets towards the outside trap, every namespace)', async () => {
    // The trap works: a connection attempt to an outside address is counted.
    await rt.tb.exec('eve-pc', ['bash', '-c', 'timeout 1 bash -c "echo > /dev/tcp/203.0.113.9/443" || true']);
    const after = await rt.outsidePackets();
    expect(after['eve-pc']! - trapBaseline['eve-pc']!).toBeGreaterThan(0);
    const leaks = Object.fromEntries(Object.entries(after).filter(([h]) => h !== 'eve-pc'));
    expect(leaks).toEqual(Object.fromEntries(Object.keys(leaks).map((h) => [h, 0])));
    report.notes.push(
      `outside trap: 0 packets from ${Object.keys(leaks).length} namespaces during the suite`,
    );
  });
});
