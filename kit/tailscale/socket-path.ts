/**
 * Where the local tailscaled's LocalAPI listens, per platform (tailscale paths/paths.go and
 * safesocket_darwin.go): unix sockets on Linux/NAS/macOS-open-source, loopback TCP + token for the macOS
 * GUI apps, a named pipe on Windows. Detection returns what it tried so errors can say so.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';

export type LocalApiEndpoint =
  /** A unix socket path, or a Windows named pipe path (Node dials both via `socketPath`). */
  | { kind: 'socket'; path: string }
  /** macOS GUI variants: loopback TCP with the sameuserproof token as the Basic password. */
  | { kind: 'tcp'; port: number; token: string; source: string };

export const LINUX_SOCKET_PATHS = [
  '/var/run/tailscale/tailscaled.sock', // standard
  '/run/tailscale/tailscaled.sock', // where /var/run is not a symlink to /run
  '/var/packages/Tailscale/var/tailscaled.sock', // Synology DSM 7
  '/var/packages/Tailscale/etc/tailscaled.sock', // Synology DSM 6
  '/tmp/tailscale/tailscaled.sock', // QNAP
  '/perm/tailscaled/tailscaled.sock', // gokrazy
] as const;
export const MACOS_SOCKET_PATH = '/var/run/tailscaled.socket';
export const MACOS_IPNPORT_LINK = '/Library/Tailscale/ipnport';
export const WINDOWS_PIPE_PATH = '\\\\.\\pipe\\ProtectedPrefix\\Administrators\\Tailscale\\tailscaled';

export function describeEndpoint(endpoint: LocalApiEndpoint): string {
  return endpoint.kind === 'socket' ? endpoint.path : `127.0.0.1:${endpoint.port} (${endpoint.source})`;
}

export interface DetectOptions {
  platform?: NodeJS.Platform;
  exists?: (path: string) => boolean;
  readlink?: (path: string) => string;
  readFile?: (path: string) => string;
  /** Lists files the current user has open in IPNExtension (`lsof -F` output); '' when unavailable. */
  lsof?: () => Promise<string>;
  /** Whether something accepts TCP on 127.0.0.1:port (the GUI's files can be stale). */
  probeTcp?: (port: number) => Promise<boolean>;
}

export interface DetectResult {
  endpoint: LocalApiEndpoint | null;
  /** Human-readable list of what was looked at, in order. */
  tried: string[];
}

function defaultLsof(): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  return new Promise((resolve) => {
    execFile('lsof', ['-n', '-a', `-u${uid}`, '-c', 'IPNExtension', '-F'], { timeout: 3000 }, (err, stdout) =>
      resolve(err ? '' : stdout),
    );
  });
}

function defaultProbe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** `.tailscale.ipn.macos/sameuserproof-<PORT>-<TOKEN>` in lsof output (App Store variant). */
export function parseSameUserProof(lsofOutput: string): { port: number; token: string } | null {
  const m = /\.tailscale\.ipn\.macos\/sameuserproof-(\d+)-([0-9a-f]+)/i.exec(lsofOutput);
  if (!m) return null;
  const port = Number(m[1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? { port, token: m[2]! } : null;
}

/** Find the local tailscaled's LocalAPI the way the Go client does on this platform. */
export async function detectLocalApiEndpoint(options: DetectOptions = {}): Promise<DetectResult> {
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? existsSync;
  const tried: string[] = [];
  if (platform === 'win32') {
    tried.push(WINDOWS_PIPE_PATH);
    return { endpoint: { kind: 'socket', path: WINDOWS_PIPE_PATH }, tried };
  }
  if (platform === 'darwin') {
    const probe = options.probeTcp ?? defaultProbe;
    tried.push('macOS App Store app (IPNExtension sameuserproof via lsof)');
    const appStore = parseSameUserProof(await (options.lsof ?? defaultLsof)());
    if (appStore && (await probe(appStore.port))) {
      return { endpoint: { kind: 'tcp', ...appStore, source: 'App Store app' }, tried };
    }
    tried.push(MACOS_IPNPORT_LINK);
    try {
      const port = Number((options.readlink ?? readlinkSync)(MACOS_IPNPORT_LINK).trim());
      if (Number.isInteger(port) && port > 0 && port < 65536) {
        const proofPath = `/Library/Tailscale/sameuserproof-${port}`;
        tried.push(proofPath);
        const token = (options.readFile ?? ((p) => readFileSync(p, 'utf8')))(proofPath).trim();
        if (token !== '' && (await probe(port))) {
          return { endpoint: { kind: 'tcp', port, token, source: 'standalone app' }, tried };
        }
      }
    } catch {
      // not installed, or the token file is not readable (it is root:admin 0640)
    }
    tried.push(MACOS_SOCKET_PATH);
    if (exists(MACOS_SOCKET_PATH)) return { endpoint: { kind: 'socket', path: MACOS_SOCKET_PATH }, tried };
    return { endpoint: null, tried };
  }
  for (const path of LINUX_SOCKET_PATHS) {
    tried.push(path);
    if (exists(path)) return { endpoint: { kind: 'socket', path }, tried };
  }
  return { endpoint: null, tried };
}
