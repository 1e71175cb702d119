/**
 * The demo world: a simulated tailnet with a discovery registry and farm gateways running as real child
 * processes, each on its own node's loopback alias so who-is tells them apart. Used by `agromesh demo`
 * and by the end-to-end tests; never by the app itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AGROMESH_CAPABILITY, type Role } from '../protocol/identity.ts';
import { FARM_HTTP_PORT } from '../protocol/farm-api.ts';
import { REGISTRY_HTTP_PORT } from '../protocol/discovery-api.ts';
import { createLocalApiClient, type LocalApiClient } from '../kit/tailscale/localapi.ts';
import { type Logger, silentLogger } from '../kit/log.ts';
import { startRegistry } from '../registry/server.ts';
import { type LinkSpell, startLinkWeather } from './link-weather.ts';
import {
  type SimLocalApi,
  type SimTailnetHandle,
  simLoopbackFor,
  simTailnetFor,
  startSimLocalApi,
  startSimTailnet,
} from './tailnet/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const AGROMESH_BIN = join(HERE, '..', 'bin', 'agromesh.js');
/** The `tailscale` CLI stand-in a joining farm computer runs (see sim/tailnet/fake-tailscale.ts). */
export const FAKE_TAILSCALE_BIN = join(HERE, 'tailnet', 'fake-tailscale');

/** A farm as its gateway is started; a farm computer onboarded by hand may not know its location. */
export interface FarmSpec {
  id: string;
  name: string;
  lat?: number;
  lon?: number;
  /** This farm's simulator drifts out of range a few minutes in, so an alert fires in the demo. */
  drift?: boolean;
  /** `--command-window`: seconds a command may wait to start (tests use a short one). */
  commandWindowS?: number;
}

export interface DemoFarm extends FarmSpec {
  lat: number;
  lon: number;
}

/** Farms of a Kuban agricultural cooperative, plus two further afield (clustered and spread on the map). */
export const DEMO_FARMS: readonly DemoFarm[] = [
  { id: 'kuban-north', name: 'Kuban North', lat: 45.35, lon: 39.05 },
  { id: 'kuban-south', name: 'Kuban South', lat: 44.92, lon: 39.1, drift: true },
  { id: 'krasnodar-greenhouse', name: 'Krasnodar Greenhouse', lat: 45.04, lon: 38.98 },
  { id: 'dinskaya-orchard', name: 'Dinskaya Orchard', lat: 45.22, lon: 39.23 },
  { id: 'korenovsk-fields', name: 'Korenovsk Fields', lat: 45.47, lon: 39.45 },
  { id: 'timashevsk-rice', name: 'Timashevsk Rice', lat: 45.62, lon: 38.94 },
  { id: 'slavyansk-rice', name: 'Slavyansk Rice', lat: 45.26, lon: 38.12 },
  { id: 'abinsk-vineyard', name: 'Abinsk Vineyard', lat: 44.87, lon: 38.16 },
  { id: 'tikhoretsk-grain', name: 'Tikhoretsk Grain', lat: 45.85, lon: 40.12 },
  { id: 'armavir-sunflower', name: 'Armavir Sunflower', lat: 45.0, lon: 41.12 },
  { id: 'rostov-dairy', name: 'Rostov Dairy', lat: 47.23, lon: 39.72 },
  { id: 'stavropol-seeds', name: 'Stavropol Seeds', lat: 45.04, lon: 41.97 },
];

export interface DemoGateway {
  farm: FarmSpec;
  node: string;
  /** The node's loopback alias the gateway listens on. */
  host: string;
  running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freeze the gateway process (SIGSTOP), as a hung farm computer would be; `thaw` resumes it. */
  freeze(): void;
  thaw(): void;
}

export interface ControlRoomSeat {
  node: string;
  /** The first of `roles` (a seat usually has one). */
  role: Role;
  roles: Role[];
  /** The node's simulated tailscaled socket: give it to the app core. */
  localApiSocket: string;
  /** The node's tailnet IPv4 (the app binds to its loopback alias in simulated mode). */
  tailnetAddress: string;
}

export interface DemoWorld {
  sim: SimTailnetHandle;
  registryUrl: string;
  gateways: Map<string, DemoGateway>;
  /** The simulated Tailscale API v2 and a full-rights key (what an admin would store in Settings → Secrets). */
  api: { url: string; apiKey: string };
  /**
   * A control-room desktop for a person with these roles (one node per set of roles, created on first use),
   * e.g. `seat('agronomist')` or `seat(['operator', 'support'])`.
   */
  seat(roles: Role | readonly Role[]): Promise<ControlRoomSeat>;
  /** Start a gateway for a farm whose node is already on the tailnet (tagged `tags`, default tag:farm). */
  addFarm(farm: DemoFarm, options?: { tags?: string[] }): Promise<DemoGateway>;
  /**
   * Onboarding as on a real farm computer: a logged-out tailscaled, then the gateway started with
   * `--auth-key KEY`, which runs `tailscale up` (the fake CLI) to join. Rejects with the gateway's error
   * output when the key is refused (used, expired, revoked or unknown).
   */
  onboardFarm(farm: FarmSpec, authKey: string, options?: { hostname?: string }): Promise<DemoGateway>;
  dispose(): Promise<void>;
}

export interface DemoWorldOptions {
  dir: string;
  farms?: readonly DemoFarm[];
  /** History to fill at gateway start, in hours. */
  backfillHours?: number;
  /** Minutes until the drifting farm starts to dry out of its range. */
  driftAfterMin?: number;
  /**
   * The drifting farm's simulator runs this many times faster than real time once started (default 60:
   * about 4 % soil moisture a minute, so it leaves its range a couple of minutes after the drift starts).
   */
  driftSpeed?: number;
  heartbeatIntervalS?: number;
  log?: Logger;
  /** Gateway .deb packages the registry serves to farms that join (the onboarding command fetches them). */
  packagesDir?: string | undefined;
  /** Paths that change now and then (sim/link-weather.ts); none by default. */
  linkWeather?: readonly LinkSpell[];
}

function waitForListening(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const onExit = (code: number | null) =>
      reject(new Error(`${what} exited (${String(code)}) before listening:\n${stderr}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (/listening on http/.test(line)) {
        child.off('exit', onExit);
        resolve();
      }
    });
  });
}

export async function startDemoWorld(options: DemoWorldOptions): Promise<DemoWorld> {
  const log = options.log ?? silentLogger;
  mkdirSync(options.dir, { recursive: true });
  const sim = await startSimTailnet({ dir: options.dir, seed: 7 });
  const clients: LocalApiClient[] = [];

  // The registry runs on its own node, tagged as the policy template expects.
  sim.tailnet.addDevice({ name: 'registry', tags: ['tag:registry'], os: 'linux' });
  const registryWhois = createLocalApiClient({ socketPath: sim.localApiSocket });
  clients.push(registryWhois);
  const registry = await startRegistry({
    listen: `${sim.tailnet.loopbackOf('registry')}:${REGISTRY_HTTP_PORT}`,
    hostNames: [sim.tailnet.device('registry')!.ipv4!],
    dbFile: join(options.dir, 'registry.sqlite'),
    resolveIdentity: (address) => registryWhois.whois(address),
    logger: log.child('registry'),
    packagesDir: options.packagesDir,
  });

  const gateways = new Map<string, DemoGateway>();
  const children = new Set<ChildProcess>();

  const launch = (
    farm: FarmSpec,
    host: string,
    joining?: { socket: string; authKey?: string; hostname?: string },
  ): Promise<ChildProcess> => {
    const args = [
      AGROMESH_BIN,
      'gateway',
      '--simulate',
      '--seed',
      String(DEMO_FARMS.findIndex((f) => f.id === farm.id) + 11),
      '--listen',
      `${host}:${FARM_HTTP_PORT}`,
      // Dialled at its tailnet address through the alias: the gateway must answer to that name.
      '--host-name',
      simTailnetFor(host) ?? host,
      '--data-dir',
      join(options.dir, 'gateways', farm.id),
      '--local-api-socket',
      joining?.socket ?? sim.localApiSocket,
      ...(joining?.authKey
        ? ['--hostname', joining.hostname ?? farm.id, '--tailscale-bin', FAKE_TAILSCALE_BIN]
        : []),
      '--discovery-url',
      registry.url,
      '--heartbeat-interval',
      String(options.heartbeatIntervalS ?? 10),
      '--farm-id',
      farm.id,
      '--farm-name',
      farm.name,
      ...(farm.lat !== undefined && farm.lon !== undefined ? ['--location', `${farm.lat},${farm.lon}`] : []),
      '--time-zone',
      'Europe/Moscow',
      '--backfill-hours',
      String(options.backfillHours ?? 48),
      ...(farm.commandWindowS !== undefined ? ['--command-window', String(farm.commandWindowS)] : []),
      ...(farm.drift
        ? [
            '--sim-drive-out-of-range',
            '--sim-drift-after',
            String(options.driftAfterMin ?? 2),
            '--sim-speed',
            String(options.driftSpeed ?? 60),
          ]
        : []),
    ];
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AGROMESH_LOG_LEVEL: 'warn',
        AGROMESH_SIM_NODE: process.execPath,
        // The key travels in the environment, never on the command line.
        ...(joining?.authKey ? { TS_AUTHKEY: joining.authKey } : {}),
      },
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return waitForListening(child, `gateway ${farm.id}`).then(() => child);
  };

  const gatewayHandle = (farm: FarmSpec, node: string, host: string, first: ChildProcess): DemoGateway => {
    let child: ChildProcess | undefined = first;
    const gateway: DemoGateway = {
      farm,
      node,
      host,
      running: true,
      async stop() {
        if (!child) return;
        const c = child;
        child = undefined;
        gateway.running = false;
        await new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          c.kill('SIGCONT'); // a frozen gateway must still get its SIGTERM
        });
      },
      freeze() {
        child?.kill('SIGSTOP');
      },
      thaw() {
        child?.kill('SIGCONT');
      },
      async start() {
        if (child) return;
        // Restarted on a node that has joined: the tailnet is up, so it no longer needs the key.
        const socket = daemonOf.get(node);
        child = await launch(farm, host, socket ? { socket } : undefined);
        gateway.running = true;
      },
    };
    gateways.set(farm.id, gateway);
    log.info('gateway started', { farm: farm.id, host });
    return gateway;
  };

  const addGateway = async (farm: DemoFarm, tags: string[] = ['tag:farm']): Promise<DemoGateway> => {
    const node = `gw-${farm.id}`.slice(0, 63);
    if (!sim.tailnet.device(node)) {
      // Most farms reach the office directly; a couple sit behind NATs that force a DERP relay.
      const relayed = farm.id.startsWith('rostov') || farm.id.startsWith('stavropol');
      const n = gateways.size + 2;
      sim.tailnet.addDevice({
        name: node,
        tags,
        os: 'linux',
        connection: relayed
          ? { kind: 'relay', region: 'waw' }
          : { kind: 'direct', endpoint: `203.0.113.${n}:41641` },
      });
    }
    const host = sim.tailnet.loopbackOf(node);
    return gatewayHandle(farm, node, host, await launch(farm, host));
  };

  // Farm computers that joined with an auth key: each has its own simulated tailscaled.
  const daemons: SimLocalApi[] = [];
  const daemonOf = new Map<string, string>();
  const onboardFarm = async (farm: FarmSpec, authKey: string, opts: { hostname?: string } = {}) => {
    const hostname = opts.hostname ?? farm.id;
    // The machine's address is fixed before it joins: the simulated gateway binds its loopback alias.
    const ipv4 = sim.tailnet.allocateIpv4();
    const socket = join(options.dir, `farm-${farm.id}-${daemons.length}.tailscaled.sock`);
    const daemon = await startSimLocalApi(sim.tailnet, {
      pending: {
        hostname,
        ipv4,
        os: 'linux',
        connection: { kind: 'direct', endpoint: `198.51.100.${daemons.length + 2}:41641` },
      },
      socketPath: socket,
    });
    daemons.push(daemon);
    const host = simLoopbackFor(ipv4);
    const child = await launch(farm, host, { authKey, hostname, socket });
    const node = daemon.self?.name ?? hostname;
    daemonOf.set(node, socket);
    return gatewayHandle(farm, node, host, child);
  };

  // Start gateways three at a time: the machine may have only two cores.
  const farms = [...(options.farms ?? DEMO_FARMS)];
  for (let i = 0; i < farms.length; i += 3) {
    await Promise.all(farms.slice(i, i + 3).map((f) => addGateway(f)));
  }

  // An outage is real for the app too: the farm's gateway is frozen while its node is offline.
  const weather = startLinkWeather(sim.tailnet, options.linkWeather ?? [], {
    onOutage: (node, down) => {
      const gateway = [...gateways.values()].find((g) => g.node === node);
      if (down) gateway?.freeze();
      else gateway?.thaw();
    },
  });

  const seats = new Map<string, ControlRoomSeat>();
  const seatGrants: Record<Role, unknown> = {
    operator: { role: 'operator', farms: ['*'] },
    agronomist: { role: 'agronomist' },
    support: { role: 'support' },
  };

  return {
    sim,
    registryUrl: registry.url,
    gateways,
    api: { url: sim.apiUrl, apiKey: sim.apiKey },
    async seat(wanted) {
      const roles = [...new Set(typeof wanted === 'string' ? [wanted] : wanted)];
      if (roles.length === 0) throw new Error('a seat needs at least one role');
      const id = roles.join('-');
      const existing = seats.get(id);
      if (existing) return existing;
      const node = `${id}-desktop`;
      const login = `${id}@example.com`;
      sim.tailnet.addUser(login, roles.map((r) => r[0]!.toUpperCase() + r.slice(1)).join(' & '));
      const device = sim.tailnet.addDevice({
        name: node,
        os: 'windows',
        user: login,
        capMap: { [AGROMESH_CAPABILITY]: roles.map((r) => seatGrants[r]) },
      });
      const socket = join(options.dir, `${node}.sock`);
      await sim.serveLocalApi(node, socket);
      const seat: ControlRoomSeat = {
        node,
        role: roles[0]!,
        roles,
        localApiSocket: socket,
        tailnetAddress: device.ipv4 ?? '',
      };
      seats.set(id, seat);
      return seat;
    },
    addFarm: (farm, opts) => addGateway(farm, opts?.tags),
    onboardFarm,
    async dispose() {
      weather.dispose();
      await Promise.all([...gateways.values()].map((g) => g.stop()));
      for (const c of children) c.kill('SIGKILL');
      await registry.dispose();
      for (const c of clients) await c.dispose();
      await Promise.allSettled(daemons.map((d) => d.dispose()));
      await sim.dispose();
    },
  };
}
