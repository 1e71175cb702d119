/**
 * The real-network testbed: one Linux network namespace per host (control room, registry, farms),
 * joined by veth links to a bridge namespace (the underlay, 10.231.0.0/24), with a userspace WireGuard
 * interface per host (wireguard-go) carrying tailnet-style addresses (100.64.x.y/32, fd7a:115c:a1e0::/128)
 * in a full mesh. Faults: link down (partition), loss/delay/jitter and silent black holes (the underlay
 * relay, see underlay-relay.ts). Every name carries a per-run prefix so concurrent runs never clash, and
 * everything is removed on dispose, on process exit, by the next run (stale prefixes whose owner died),
 * or by `scripts/netbed/netbed.sh down`.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentCall, AgentReply } from './ns-agent.ts';
import type { Impairment, RelayCommand, RelayConfig, RelayReply, RelayStats } from './underlay-relay.ts';

export type { Impairment, RelayStats } from './underlay-relay.ts';

export const STATE_DIR = '/run/agromesh-netbed';
export const UNDERLAY_PREFIX = '10.231.0';
const RELAY_IP = `${UNDERLAY_PREFIX}.254`;
const RELAY_BASE_PORT = 40_000;
const WG_PORT = 51_820;
const PREFIX_RE = /^agm[0-9a-f]{4}$/;
const HOST_NAME_RE = /^[a-z][a-z0-9-]{0,15}$/;

export interface TestbedHostSpec {
  /** Short name (`cr`, `registry`, `farm-1`); the namespace is `<prefix>-<name>`. */
  name: string;
  /** Tunnel IPv4 addresses (100.64.0.0/10); the first is the host's own. Several let one namespace carry several farms. */
  ipv4?: string[];
  /** Tunnel IPv6 addresses (fd7a:115c:a1e0::/48). */
  ipv6?: string[];
}

export interface TestbedHost {
  name: string;
  index: number;
  ns: string;
  /** WireGuard interface name (globally unique: wireguard-go's UAPI socket path is not per-namespace). */
  wgIf: string;
  underlay: string;
  ipv4: string[];
  ipv6: string[];
  publicKey: string;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Agent {
  readonly host: string;
  readonly pid: number;
  /** Call an exported function of a module inside the namespace; arguments and result cross as JSON. */
  call<T = unknown>(moduleUrl: string, fn: string, ...args: unknown[]): Promise<T>;
  /** Kill the agent process (e.g. to crash a gateway mid-command); resolves when it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

export interface Testbed {
  readonly prefix: string;
  readonly hosts: readonly TestbedHost[];
  host(name: string): TestbedHost;
  /** Run a command inside a host's namespace. Never throws on a non-zero exit. */
  exec(
    host: string,
    argv: string[],
    options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv },
  ): Promise<ExecResult>;
  /** Start a long-running process inside a namespace; it is killed on dispose. */
  spawn(host: string, argv: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): ChildProcess;
  /** A Node process in the namespace that runs exported functions (one per host and key). */
  agent(host: string, key?: string): Promise<Agent>;
  /** Loss, delay, jitter or a black hole on everything to and from the host. `{}` clears. */
  impair(host: string, impairment: Impairment): Promise<void>;
  blackhole(host: string): Promise<void>;
  /** Partition: the host's underlay link goes down (at the bridge), nothing passes either way. */
  linkDown(host: string): Promise<void>;
  linkUp(host: string): Promise<void>;
  /** Undo every fault on the host. */
  heal(host: string): Promise<void>;
  relayStats(): Promise<RelayStats>;
  /** Packets the host sent towards anything outside the testbed (needs `trapOutside`). */
  outsidePackets(host: string): Promise<number>;
  /** Remove everything this run created. Idempotent. */
  dispose(): Promise<void>;
}

// ---- prerequisites ----------------------------------------------------------------------------------

function onPath(bin: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(delimiter)
    .concat(['/usr/sbin', '/sbin'])) {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

/** Why the testbed cannot run here, or undefined when it can (root, ip, wg, wireguard-go, /dev/net/tun). */
export function testbedUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the netbed needs Linux network namespaces';
  if (process.getuid?.() !== 0)
    return 'the netbed needs root (network namespaces, veth, TUN); run as root or in CI';
  const missing = ['ip', 'wg', 'wireguard-go'].filter((b) => !onPath(b));
  if (missing.length > 0) {
    return `missing ${missing.join(', ')}: apt-get install -y wireguard-go wireguard-tools iproute2`;
  }
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun: wireguard-go cannot create its interface';
  return undefined;
}

// ---- small process helpers --------------------------------------------------------------------------

function run(
  argv: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const child = execFile(
      cmd!,
      args,
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 << 20,
        env: options.env ?? process.env,
        killSignal: 'SIGKILL',
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) || (err && code !== 0 ? err.message : ''),
        });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

async function must(
  argv: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const r = await run(argv, options);
  if (r.code !== 0) throw new Error(`netbed: \`${argv.join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A veth pair created straight into two namespaces (nothing left in the root namespace). */
function vethPair(name: string, ns: string, peer: string, peerNs: string): Promise<string> {
  return must([
    'ip',
    'link',
    'add',
    name,
    'netns',
    ns,
    'type',
    'veth',
    'peer',
    'name',
    peer,
    'netns',
    peerNs,
  ]);
}

function wgKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const d = privateKey.export({ format: 'jwk' }).d!;
  const x = publicKey.export({ format: 'jwk' }).x!;
  return {
    privateKey: Buffer.from(d, 'base64url').toString('base64'),
    publicKey: Buffer.from(x, 'base64url').toString('base64'),
  };
}

// ---- leftovers ----------------------------------------------------------------------------------------

interface StateFile {
  prefix: string;
  pid: number;
  startedAt: string;
  /** Made by `netbed.sh up`: lives until `down`, never swept as stale. */
  persistent?: boolean;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listNamespaces(): string[] {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter((n) => n !== '');
  } catch {
    return [];
  }
}

/** Every testbed prefix with something left on this machine (namespaces or state files). */
export function leftoverPrefixes(): string[] {
  const found = new Set<string>();
  for (const ns of listNamespaces()) {
    const p = ns.split('-')[0] ?? '';
    if (PREFIX_RE.test(p)) found.add(p);
  }
  if (existsSync(STATE_DIR))
    for (const f of readdirSync(STATE_DIR))
      if (PREFIX_RE.test(f.replace(/\.json$/, ''))) found.add(f.replace(/\.json$/, ''));
  return [...found].sort();
}

/** Is the run that owns `prefix` still alive? (No state file = unknown owner = not alive.) */
export function prefixOwnerAlive(prefix: string): boolean {
  try {
    const state = JSON.parse(readFileSync(join(STATE_DIR, `${prefix}.json`), 'utf8')) as StateFile;
    return state.persistent === true || state.pid === process.pid || pidAlive(state.pid);
  } catch {
    return false;
  }
}

/**
 * Remove everything a run with this prefix left: processes inside its namespaces (wireguard-go, agents,
 * relay), the namespaces (their veths and TUN devices go with them), UAPI sockets, the state file.
 * Synchronous so it also works from an `exit` handler.
 */
export function destroyPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) throw new Error(`not a netbed prefix: ${prefix}`);
  const namespaces = listNamespaces().filter((n) => n.startsWith(`${prefix}-`));
  for (const ns of namespaces) {
    let pids: number[] = [];
    try {
      pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
        .split('\n')
        .map(Number)
        .filter((p) => p > 0 && p !== process.pid);
    } catch {
      // namespace already half gone
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of namespaces) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  // A veth created but not yet moved into a namespace would sit in the root namespace.
  try {
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    for (const m of links.matchAll(/^\d+: ([^:@\s]+)/gm)) {
      if (m[1]!.startsWith(prefix)) execFileSync('ip', ['link', 'del', m[1]!], { stdio: 'ignore' });
    }
  } catch {
    // nothing to do
  }
  const uapi = '/var/run/wireguard';
  if (existsSync(uapi))
    for (const f of readdirSync(uapi)) if (f.startsWith(prefix)) rmSync(join(uapi, f), { force: true });
  for (const ns of namespaces) rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  rmSync(join(STATE_DIR, `${prefix}.json`), { force: true });
}

/** Remove leftovers of runs whose owner process is dead (a crashed or killed earlier run). */
export function sweepStale(): string[] {
  const removed: string[] = [];
  for (const p of leftoverPrefixes()) {
    if (!prefixOwnerAlive(p)) {
      destroyPrefix(p);
      removed.push(p);
    }
  }
  return removed;
}

// ---- the testbed ----------------------------------------------------------------------------------------

const NODE = process.execPath;
const RELAY_SCRIPT = fileURLToPath(new URL('./underlay-relay.ts', import.meta.url));
const AGENT_SCRIPT = fileURLToPath(new URL('./ns-agent.ts', import.meta.url));
// No LOG_LEVEL: with it set, the daemonized wireguard-go keeps our stdout pipe open and exec never returns.
const WG_ENV = { ...process.env, WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1', LOG_LEVEL: '' };

interface IpcChild {
  child: ChildProcess;
  request<T>(msg: Record<string, unknown>): Promise<T>;
  ready: Promise<void>;
}

function ipcChild(child: ChildProcess, what: string): IpcChild {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('message', (raw: AgentReply | RelayReply) => {
    if (raw.id === 0) return readyResolve();
    const p = pending.get(raw.id);
    if (!p) return;
    pending.delete(raw.id);
    if (raw.ok) p.resolve(raw.value);
    else {
      const e = raw.error;
      const err = new Error(typeof e === 'string' ? e : e.message) as Error & {
        code?: string;
        status?: number;
        remoteStack?: string;
      };
      if (typeof e === 'object') {
        if (e.code) err.code = e.code;
        if (e.status) err.status = e.status;
        if (e.name) err.name = e.name;
        if (e.stack) err.remoteStack = `${what}: ${e.stack}`;
      }
      p.reject(err);
    }
  });
  child.on('exit', (code, signal) => {
    const err = new Error(`${what} exited (${signal ?? code})${stderr ? `: ${stderr.trim()}` : ''}`);
    readyReject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    request: <T>(msg: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null)
          return reject(new Error(`${what} is not running`));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...msg, id });
      }),
  };
}

async function waitExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export interface CreateTestbedOptions {
  hosts: TestbedHostSpec[];
  /** Defaults to a fresh random `agmXXXX`. */
  prefix?: string;
  /** Keep running after this process exits (the `netbed.sh up` case): no exit hook, detached relay. */
  persistent?: boolean;
  /**
   * `wireguard` (default): the testbed's own userspace WireGuard mesh carries the tunnel addresses.
   * `none`: underlay only — real tailscaled brings its own tunnel (test/realnet).
   */
  overlay?: 'wireguard' | 'none';
  /**
   * Give every host a default route (IPv4 and IPv6) into a dummy `trap0` device and a resolver address
   * behind it, so anything that tries to leave the testbed is counted (`outsidePackets`) instead of
   * failing unseen with "network unreachable".
   */
  trapOutside?: boolean;
}

/** Where trapped hosts send DNS: a TEST-NET-1 address routed into trap0. */
export const TRAP_RESOLVER = '192.0.2.53';

export async function createTestbed(options: CreateTestbedOptions): Promise<Testbed> {
  const unavailable = testbedUnavailableReason();
  if (unavailable) throw new Error(`netbed unavailable: ${unavailable}`);
  if (options.hosts.length === 0 || options.hosts.length > 250)
    throw new Error('netbed: between 1 and 250 hosts');
  const names = new Set<string>();
  for (const h of options.hosts) {
    if (!HOST_NAME_RE.test(h.name)) throw new Error(`netbed: bad host name "${h.name}"`);
    if (names.has(h.name)) throw new Error(`netbed: duplicate host "${h.name}"`);
    names.add(h.name);
  }
  sweepStale();
  const prefix = options.prefix ?? `agm${randomBytes(2).toString('hex')}`;
  if (!PREFIX_RE.test(prefix)) throw new Error(`netbed: prefix must look like agm1a2b, got ${prefix}`);
  if (listNamespaces().some((n) => n.startsWith(`${prefix}-`)))
    throw new Error(`netbed: prefix ${prefix} is in use`);
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(
    join(STATE_DIR, `${prefix}.json`),
    JSON.stringify({
      prefix,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ...(options.persistent ? { persistent: true } : {}),
    } satisfies StateFile),
  );
  const work = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const exitHook = () => {
    try {
      destroyPrefix(prefix);
      rmSync(work, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  };
  if (!options.persistent) process.once('exit', exitHook);

  const brNs = `${prefix}-br`;
  const outNs = `${prefix}-out`;
  const hosts: TestbedHost[] = [];
  const keys = new Map<string, string>();
  const children = new Set<ChildProcess>();
  const agents = new Map<string, Promise<Agent>>();
  let relay: IpcChild | undefined;
  let disposed = false;

  const hostByName = (name: string): TestbedHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`netbed: no host "${name}"`);
    return h;
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    process.off('exit', exitHook);
    for (const c of children) c.kill('SIGTERM');
    await Promise.all([...children].map((c) => waitExit(c, 2_000)));
    if (relay) {
      relay.child.disconnect?.();
      await waitExit(relay.child, 2_000);
    }
    destroyPrefix(prefix);
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await must(['ip', 'netns', 'add', brNs]);
    await must(['ip', '-n', brNs, 'link', 'set', 'lo', 'up']);
    await must(['ip', '-n', brNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await must(['ip', '-n', brNs, 'addr', 'add', `${RELAY_IP}/24`, 'dev', 'br0']);
    await must(['ip', '-n', brNs, 'link', 'set', 'br0', 'up']);
    if (options.trapOutside) await must(['ip', 'netns', 'add', outNs]);

    options.hosts.forEach((spec, i) => {
      const index = i + 1;
      const pair = wgKeyPair();
      keys.set(spec.name, pair.privateKey);
      hosts.push({
        name: spec.name,
        index,
        ns: `${prefix}-${spec.name}`,
        wgIf: `${prefix}w${index}`,
        underlay: `${UNDERLAY_PREFIX}.${index}`,
        ipv4: spec.ipv4 ?? [`100.64.100.${index}`],
        ipv6: spec.ipv6 ?? [`fd7a:115c:a1e0::100:${index.toString(16)}`],
        publicKey: pair.publicKey,
      });
    });

    // Namespaces and underlay links (in small parallel batches: 2 cores).
    const setupHost = async (h: TestbedHost) => {
      const veth = `${prefix}u${h.index}`;
      const brPort = `${prefix}b${h.index}`;
      await must(['ip', 'netns', 'add', h.ns]);
      await vethPair(veth, h.ns, brPort, brNs);
      await must(['ip', '-n', brNs, 'link', 'set', brPort, 'master', 'br0', 'up']);
      await must(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
      await must(['ip', '-n', h.ns, 'addr', 'add', `${h.underlay}/24`, 'dev', veth]);
      await must(['ip', '-n', h.ns, 'link', 'set', veth, 'up']);
      if (options.trapOutside) {
        // A veth whose far end sits in a sink namespace: the kernel must send at least an ARP/ND packet
        // for any destination it routes there, and the host-side counter sees it.
        const trap = `${prefix}t${h.index}`;
        await vethPair(trap, h.ns, `${prefix}o${h.index}`, outNs);
        await must(['ip', '-n', h.ns, 'link', 'set', trap, 'name', 'trap0', 'addrgenmode', 'none']);
        await must(['ip', '-n', outNs, 'link', 'set', `${prefix}o${h.index}`, 'addrgenmode', 'none', 'up']);
        await must(['ip', '-n', h.ns, 'link', 'set', 'trap0', 'up']);
        await must(['ip', '-n', h.ns, 'route', 'add', 'default', 'dev', 'trap0']);
        await must(['ip', '-n', h.ns, '-6', 'route', 'add', 'default', 'dev', 'trap0']);
        // Tailnet ranges are the testbed's own: a tunnel peer the node does not know fails at once
        // (tailscaled's own table, looked up first, holds the known ones) instead of reaching the trap.
        await must(['ip', '-n', h.ns, 'route', 'add', 'unreachable', '100.64.0.0/10']);
        await must(['ip', '-n', h.ns, '-6', 'route', 'add', 'unreachable', 'fd7a:115c:a1e0::/48']);
        // `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf over the host's.
        mkdirSync(`/etc/netns/${h.ns}`, { recursive: true });
        writeFileSync(`/etc/netns/${h.ns}/resolv.conf`, `nameserver ${TRAP_RESOLVER}\n`);
      }
      if (options.overlay === 'none') return;
      // Userspace WireGuard: wireguard-go daemonizes once the TUN device exists.
      await must(['ip', 'netns', 'exec', h.ns, 'wireguard-go', h.wgIf], { env: WG_ENV });
      const conf = [
        '[Interface]',
        `PrivateKey = ${keys.get(h.name)}`,
        `ListenPort = ${WG_PORT}`,
        ...hosts
          .filter((p) => p !== h)
          .flatMap((p) => [
            '',
            '[Peer]',
            `PublicKey = ${p.publicKey}`,
            `AllowedIPs = ${[...p.ipv4.map((a) => `${a}/32`), ...p.ipv6.map((a) => `${a}/128`)].join(', ')}`,
            `Endpoint = ${RELAY_IP}:${RELAY_BASE_PORT + p.index}`,
          ]),
      ].join('\n');
      const confFile = join(work, `${h.wgIf}.conf`);
      writeFileSync(confFile, conf + '\n', { mode: 0o600 });
      await must(['ip', 'netns', 'exec', h.ns, 'wg', 'setconf', h.wgIf, confFile]);
      rmSync(confFile, { force: true });
      for (const a of h.ipv4) await must(['ip', '-n', h.ns, 'addr', 'add', `${a}/32`, 'dev', h.wgIf]);
      for (const a of h.ipv6)
        await must(['ip', '-n', h.ns, '-6', 'addr', 'add', `${a}/128`, 'dev', h.wgIf, 'nodad']);
      await must(['ip', '-n', h.ns, 'link', 'set', h.wgIf, 'up']);
      await must(['ip', '-n', h.ns, 'route', 'add', '100.64.0.0/10', 'dev', h.wgIf, 'src', h.ipv4[0]!]);
      if (h.ipv6[0])
        await must([
          'ip',
          '-n',
          h.ns,
          '-6',
          'route',
          'add',
          'fd7a:115c:a1e0::/48',
          'dev',
          h.wgIf,
          'src',
          h.ipv6[0],
        ]);
    };
    for (let i = 0; i < hosts.length; i += 4) await Promise.all(hosts.slice(i, i + 4).map(setupHost));

    const relayConfig: RelayConfig = {
      bind: RELAY_IP,
      basePort: RELAY_BASE_PORT,
      hosts: hosts.map((h) => ({ index: h.index, addr: h.underlay, port: WG_PORT })),
      ...(options.persistent ? { persistent: true } : {}),
    };
    const relayChild = spawn('ip', ['netns', 'exec', brNs, NODE, RELAY_SCRIPT, JSON.stringify(relayConfig)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: options.persistent === true,
    });
    relay = ipcChild(relayChild, 'underlay relay');
    await relay.ready;
    if (options.persistent) {
      relayChild.disconnect();
      relayChild.unref();
    }
  } catch (err) {
    await dispose();
    throw err;
  }

  const relayRequest = <T>(msg: RelayCommand): Promise<T> => {
    if (!relay) throw new Error('netbed: no relay');
    return relay.request<T>(msg);
  };

  const startAgent = async (hostName: string, key: string): Promise<Agent> => {
    const h = hostByName(hostName);
    const child = spawn('ip', ['netns', 'exec', h.ns, NODE, AGENT_SCRIPT], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, AGROMESH_NETBED_HOST: h.name, AGROMESH_NETBED_AGENT: key },
    });
    children.add(child);
    child.once('exit', () => {
      children.delete(child);
      agents.delete(`${hostName}/${key}`);
    });
    const ipc = ipcChild(child, `agent ${hostName}/${key}`);
    await ipc.ready;
    return {
      host: hostName,
      pid: child.pid ?? -1,
      call: <T>(moduleUrl: string, fn: string, ...args: unknown[]) =>
        ipc.request<T>({ module: moduleUrl, fn, args } satisfies Omit<AgentCall, 'id'>),
      kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
        child.kill(signal);
        await waitExit(child, 5_000);
      },
      get exited() {
        return child.exitCode !== null || child.signalCode !== null;
      },
    };
  };

  return {
    prefix,
    hosts,
    host: hostByName,
    exec: (host, argv, opts = {}) => run(['ip', 'netns', 'exec', hostByName(host).ns, ...argv], opts),
    spawn: (host, argv, opts = {}) => {
      const child = spawn('ip', ['netns', 'exec', hostByName(host).ns, ...argv], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: opts.env ?? process.env,
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    agent: (host, key = 'default') => {
      const id = `${host}/${key}`;
      let a = agents.get(id);
      if (!a) {
        a = startAgent(host, key);
        agents.set(id, a);
        a.catch(() => agents.delete(id));
      }
      return a;
    },
    impair: async (host, impairment) => {
      await relayRequest({ op: 'impair', host: hostByName(host).index, impairment });
    },
    blackhole: async (host) => {
      await relayRequest({ op: 'impair', host: hostByName(host).index, impairment: { blackhole: true } });
    },
    linkDown: async (host) => {
      await must(['ip', '-n', brNs, 'link', 'set', `${prefix}b${hostByName(host).index}`, 'down']);
    },
    linkUp: async (host) => {
      await must(['ip', '-n', brNs, 'link', 'set', `${prefix}b${hostByName(host).index}`, 'up']);
    },
    heal: async (host) => {
      await relayRequest({ op: 'impair', host: hostByName(host).index, impairment: {} });
      await must(['ip', '-n', brNs, 'link', 'set', `${prefix}b${hostByName(host).index}`, 'up']);
    },
    relayStats: () => relayRequest<RelayStats>({ op: 'stats' }),
    outsidePackets: async (host) => {
      const out = await must(['ip', '-n', hostByName(host).ns, '-s', '-j', 'link', 'show', 'trap0']);
      const [link] = JSON.parse(out) as { stats64?: { tx?: { packets?: number } } }[];
      return link?.stats64?.tx?.packets ?? 0;
    },
    dispose,
  };
}
