/**
 * A real tailnet on the network testbed: real Headscale (with its embedded DERP, over plain HTTP on the
 * underlay) in one namespace, and one real tailscaled per node in its own namespace on a TUN device, so
 * callers have real 100.x source addresses and who-is, status and watch-ipn-bus come from the real daemon.
 * Nothing can leave: every namespace routes "outside" into a counting trap (testbed `trapOutside`),
 * tailscaled runs with logs, port mapping and captive-portal probes off, Headscale with no update check
 * and no DERP map fetch. Unix sockets are files, so this process reaches every LocalAPI and Headscale's
 * CLI socket without entering a namespace.
 */
import { type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExecResult, type Testbed, createTestbed, testbedUnavailableReason } from '../netbed/testbed.ts';
import { type TailnetBinaries, tailnetBinaries } from './binaries.ts';
import { waitFor } from '../support/wait-for.ts';

export const HEADSCALE_PORT = 8080;
export const STUN_PORT = 3478;
const HS_HOST = 'hs';

export interface RealNodeSpec {
  /** Testbed host name, also the tailnet hostname. */
  name: string;
  /** Tags for a tags-only pre-auth key (the node is owned by "tagged-devices"). */
  tags?: string[];
  /** Or a user that owns the node (created on demand). */
  user?: string;
  /** Start tailscaled and join at set-up (default true). `false`: the namespace only (onboarding tests). */
  join?: boolean;
}

export interface RealNode {
  name: string;
  ns: string;
  socket: string;
  stateDir: string;
  /** The node's 100.x address once joined. */
  ipv4: string;
  ipv6: string;
}

export interface RealTailnet {
  tb: Testbed;
  bins: TailnetBinaries;
  /** Control URL as nodes see it (underlay, plain HTTP on a private address). */
  loginServer: string;
  /** Headscale's REST API from inside its own namespace (loopback), for the app's Headscale backend. */
  apiUrlInHsNamespace: string;
  apiKey: string;
  dir: string;
  node(name: string): RealNode;
  nodes(): RealNode[];
  /** `headscale … -o json` over its unix socket; parsed JSON. */
  headscale<T = unknown>(args: string[]): Promise<T>;
  /** Set the policy (HuJSON/JSON text) through the CLI (database mode, the same store the API writes). */
  setPolicy(policy: unknown): Promise<void>;
  /** Create a pre-auth key. */
  authKey(opts: { tags?: string[]; user?: string; reusable?: boolean }): Promise<string>;
  /** Start tailscaled for a node (if not running) without joining. */
  startDaemon(name: string): Promise<RealNode>;
  /** `tailscale <args>` on a node (its own socket). */
  tailscale(name: string, args: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Stop a node's tailscaled (SIGTERM) and wait for it to exit. */
  stopDaemon(name: string): Promise<void>;
  /** Packets every namespace sent towards anything outside the testbed. */
  outsidePackets(): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/** Why the real tailnet cannot run here (root, netns, built binaries), or undefined when it can. */
export function realTailnetUnavailableReason(): string | undefined {
  const tb = testbedUnavailableReason();
  if (tb) return tb;
  const bins = tailnetBinaries();
  return 'reason' in bins ? bins.reason : undefined;
}

function tailscaledEnv(logsDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: logsDir,
    TS_NO_LOGS_NO_SUPPORT: 'true',
    TS_LOGS_DIR: logsDir,
    // Headscale's embedded DERP speaks plain HTTP on the control port.
    TS_DEBUG_USE_DERP_HTTP: '1',
    TS_DISABLE_PORTMAPPER: '1',
    // A tripwire: the daemon panics rather than contact Tailscale's own control plane.
    TS_PANIC_IF_HIT_MAIN_CONTROL: '1',
  };
}

function headscaleConfig(dir: string, underlay: string): string {
  return JSON.stringify(
    {
      server_url: `http://${underlay}:${HEADSCALE_PORT}`,
      // Both the underlay (nodes) and loopback (the API backend inside this namespace).
      listen_addr: `0.0.0.0:${HEADSCALE_PORT}`,
      metrics_listen_addr: '',
      grpc_listen_addr: '127.0.0.1:50443',
      grpc_allow_insecure: false,
      noise: { private_key_path: join(dir, 'noise_private.key') },
      prefixes: { v4: '100.64.0.0/10', v6: 'fd7a:115c:a1e0::/48', allocation: 'sequential' },
      derp: {
        server: {
          enabled: true,
          region_id: 999,
          region_code: 'testbed',
          region_name: 'Testbed embedded DERP',
          verify_clients: true,
          stun_listen_addr: `${underlay}:${STUN_PORT}`,
          private_key_path: join(dir, 'derp_server_private.key'),
          automatically_add_embedded_derp_region: true,
          ipv4: underlay,
          ipv6: '',
        },
        urls: [],
        paths: [],
        auto_update_enabled: false,
      },
      disable_check_updates: true,
      node: { expiry: 0, ephemeral: { inactivity_timeout: '30m' } },
      database: { type: 'sqlite', sqlite: { path: join(dir, 'db.sqlite'), write_ahead_log: true } },
      tls_letsencrypt_hostname: '',
      tls_cert_path: '',
      tls_key_path: '',
      log: { level: 'warn', format: 'text' },
      policy: { mode: 'database' },
      dns: {
        magic_dns: true,
        base_domain: 'farms.test',
        override_local_dns: false,
        nameservers: { global: [], split: {} },
        search_domains: [],
        extra_records: [],
      },
      unix_socket: join(dir, 'headscale.sock'),
      unix_socket_permission: '0770',
      logtail: { enabled: false },
      taildrop: { enabled: false },
    },
    null,
    2,
  );
}

/** waitFor that also retries a probe that throws (a daemon not up yet), and names its last error. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  let last: unknown;
  const probe = async () => {
    try {
      return await fn();
    } catch (err) {
      last = err;
      return undefined;
    }
  };
  try {
    return await waitFor(probe, timeoutMs, what, 200);
  } catch {
    const why = last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : '';
    throw new Error(`realnet: ${what} did not happen within ${timeoutMs} ms${why}`);
  }
}

export async function createRealTailnet(options: {
  nodes: RealNodeSpec[];
  policy: unknown;
  /** Users to create before the policy is set (those the policy names). */
  users?: string[];
}): Promise<RealTailnet> {
  const bins = tailnetBinaries();
  if ('reason' in bins) throw new Error(`realnet unavailable: ${bins.reason}`);
  const tb = await createTestbed({
    hosts: [{ name: HS_HOST }, ...options.nodes.map((n) => ({ name: n.name }))],
    overlay: 'none',
    trapOutside: true,
  });
  const dir = mkdtempSync(join(tmpdir(), `${tb.prefix}-realnet-`));
  chmodSync(dir, 0o700);
  const hsDir = join(dir, 'headscale');
  mkdirSync(hsDir, { mode: 0o700 });
  const hsUnderlay = tb.host(HS_HOST).underlay;
  const configPath = join(hsDir, 'config.json');
  writeFileSync(configPath, headscaleConfig(hsDir, hsUnderlay), { mode: 0o600 });
  const daemons = new Map<string, ChildProcess>();
  const nodes = new Map<string, RealNode>();
  let headscaleProc: ChildProcess | undefined;
  let hsLog = '';

  const headscaleRaw = (args: string[]) =>
    tb.exec(HS_HOST, [bins.headscale, '-c', configPath, ...args], { timeoutMs: 30_000 });
  const headscale = async <T>(args: string[]): Promise<T> => {
    const r = await headscaleRaw([...args, '-o', 'json']);
    if (r.code !== 0) throw new Error(`headscale ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return JSON.parse(r.stdout) as T;
  };
  const userIds = new Map<string, string>();
  const ensureUser = async (name: string): Promise<string> => {
    const known = userIds.get(name);
    if (known) return known;
    const users = await headscale<{ id: string | number; name: string }[]>(['users', 'list']);
    let user = (users ?? []).find((u) => u.name === name);
    if (!user) user = await headscale<{ id: string | number; name: string }>(['users', 'create', name]);
    userIds.set(name, String(user.id));
    return String(user.id);
  };

  const dispose = async () => {
    for (const [, p] of daemons) p.kill('SIGTERM');
    headscaleProc?.kill('SIGTERM');
    await tb.dispose();
    rmSync(dir, { recursive: true, force: true });
  };

  const nodeSpec = (name: string) => {
    const spec = options.nodes.find((n) => n.name === name);
    if (!spec) throw new Error(`realnet: no node "${name}"`);
    return spec;
  };

  const tailscale = (name: string, args: string[], timeoutMs = 60_000) => {
    const n = nodes.get(name) ?? startedNode(name);
    return tb.exec(name, [bins.tailscale, `--socket=${n.socket}`, ...args], {
      timeoutMs,
      env: tailscaledEnv(n.stateDir),
    });
  };

  function startedNode(name: string): RealNode {
    nodeSpec(name);
    const stateDir = join(dir, name);
    return {
      name,
      ns: tb.host(name).ns,
      socket: join(stateDir, 'tailscaled.sock'),
      stateDir,
      ipv4: '',
      ipv6: '',
    };
  }

  const startDaemon = async (name: string): Promise<RealNode> => {
    const node = nodes.get(name) ?? startedNode(name);
    nodes.set(name, node);
    if (daemons.get(name)?.exitCode === null) return node;
    mkdirSync(node.stateDir, { recursive: true, mode: 0o700 });
    const child = tb.spawn(
      name,
      [
        bins.tailscaled,
        '--no-logs-no-support',
        `--statedir=${node.stateDir}`,
        `--socket=${node.socket}`,
        '--tun=tailscale0',
        '--port=41641',
      ],
      { env: tailscaledEnv(node.stateDir) },
    );
    let log = '';
    child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
    daemons.set(name, child);
    await until(
      `tailscaled on ${name} answering`,
      async () => {
        if (child.exitCode !== null) throw new Error(`tailscaled on ${name} exited: ${log.slice(-1500)}`);
        const r = await tb.exec(name, [bins.tailscale, `--socket=${node.socket}`, 'status', '--json'], {
          timeoutMs: 5_000,
        });
        return r.stdout.includes('BackendState') ? true : undefined;
      },
      30_000,
    );
    return node;
  };

  const authKey = async (opts: { tags?: string[]; user?: string; reusable?: boolean }) => {
    const args = ['preauthkeys', 'create', '--expiration', '1h'];
    if (opts.user) args.push('--user', await ensureUser(opts.user));
    if (opts.tags?.length) args.push('--tags', opts.tags.join(','));
    if (opts.reusable) args.push('--reusable');
    const key = await headscale<{ key: string }>(args);
    return key.key;
  };

  const join_ = async (spec: RealNodeSpec) => {
    const node = await startDaemon(spec.name);
    const key = await authKey({
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(spec.user ? { user: spec.user } : {}),
    });
    const keyFile = join(node.stateDir, 'authkey');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const r = await tailscale(spec.name, [
      'up',
      `--login-server=http://${hsUnderlay}:${HEADSCALE_PORT}`,
      `--auth-key=file:${keyFile}`,
      `--hostname=${spec.name}`,
      '--accept-dns=false',
      '--netfilter-mode=off',
      '--timeout=60s',
      // No --advertise-tags: Headscale refuses it with a tags-only key (the key's tags apply).
    ]);
    rmSync(keyFile, { force: true });
    if (r.code !== 0) throw new Error(`tailscale up on ${spec.name} failed: ${r.stderr || r.stdout}`);
    const ips = (await tailscale(spec.name, ['ip'])).stdout.trim().split('\n');
    node.ipv4 = ips.find((a) => a.includes('.')) ?? '';
    node.ipv6 = ips.find((a) => a.includes(':')) ?? '';
  };

  try {
    headscaleProc = tb.spawn(HS_HOST, [bins.headscale, '-c', configPath, 'serve']);
    headscaleProc.stdout?.on('data', (d: Buffer) => (hsLog = (hsLog + d.toString()).slice(-8000)));
    headscaleProc.stderr?.on('data', (d: Buffer) => (hsLog = (hsLog + d.toString()).slice(-8000)));
    await until(
      'headscale answering on its socket',
      async () => {
        if (headscaleProc!.exitCode !== null) throw new Error(`headscale exited: ${hsLog.slice(-1500)}`);
        const r = await headscaleRaw(['users', 'list', '-o', 'json']);
        return r.code === 0 ? true : undefined;
      },
      30_000,
    );
    const policyFile = join(hsDir, 'policy.json');
    const setPolicy = async (policy: unknown) => {
      writeFileSync(policyFile, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
      const r = await headscaleRaw(['policy', 'set', '-f', policyFile]);
      if (r.code !== 0) throw new Error(`headscale policy set failed: ${r.stderr || r.stdout}`);
    };
    // Users named in the policy must exist before it is accepted.
    for (const u of new Set([
      ...(options.users ?? []),
      ...options.nodes.flatMap((n) => (n.user ? [n.user] : [])),
    ]))
      await ensureUser(u);
    await setPolicy(options.policy);
    const apiKeyOut = await headscaleRaw(['apikeys', 'create', '--expiration', '1h']);
    if (apiKeyOut.code !== 0) throw new Error(`headscale apikeys create failed: ${apiKeyOut.stderr}`);
    const apiKey = apiKeyOut.stdout.trim().split('\n').pop()!.trim();

    // Join in small batches (2 cores): each join is a handshake with control and DERP.
    const joining = options.nodes.filter((n) => n.join !== false);
    for (let i = 0; i < joining.length; i += 3) await Promise.all(joining.slice(i, i + 3).map(join_));

    return {
      tb,
      bins,
      loginServer: `http://${hsUnderlay}:${HEADSCALE_PORT}`,
      apiUrlInHsNamespace: `http://127.0.0.1:${HEADSCALE_PORT}`,
      apiKey,
      dir,
      node: (name) => {
        const n = nodes.get(name);
        if (!n) throw new Error(`realnet: node "${name}" has not started`);
        return n;
      },
      nodes: () => [...nodes.values()],
      headscale,
      setPolicy,
      authKey,
      startDaemon,
      tailscale,
      stopDaemon: async (name) => {
        const child = daemons.get(name);
        if (!child || child.exitCode !== null) return;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      },
      outsidePackets: async () => {
        const out: Record<string, number> = {};
        for (const h of tb.hosts) out[h.name] = await tb.outsidePackets(h.name);
        return out;
      },
      dispose,
    };
  } catch (err) {
    const detail = existsSync(configPath) ? `\nheadscale log:\n${hsLog.slice(-2000)}` : '';
    await dispose();
    throw new Error(`${(err as Error).message}${detail}`, { cause: err });
  }
}
