/**
 * The only way the app core opens a socket to a farm. It dials tailnet addresses (100.64.0.0/10,
 * fd7a:115c:a1e0::/48) and MagicDNS names whose answer is a tailnet address, nothing else: a refused
 * destination throws DESTINATION_NOT_ALLOWED before any socket exists (SSRF guard). Redirects are never
 * followed (the HTTP client treats any 3xx as a refusal).
 *
 * Simulated mode (demo and tests) also allows loopback, maps a tailnet IPv4 100.A.B.C to its loopback alias
 * 127.A.B.C and binds outgoing sockets to the control room's own alias so the simulator's who-is can tell
 * who is calling.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, type Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { AgromeshError } from '../../../protocol/errors.ts';
import {
  ipVersion,
  isLoopbackAddress,
  isMagicDnsName,
  isTailnetAddress,
  isTailnetIPv4,
} from '../../../protocol/tailnet-address.ts';

export type DialMode = 'tailnet' | 'simulated';

export interface TailnetDialerOptions {
  mode: DialMode;
  /** Simulated mode: this control room's tailnet IPv4; outgoing sockets bind to its loopback alias. */
  selfAddress?: string;
  /** Explicit local address to bind (overrides the alias derived from `selfAddress`). */
  localAddress?: string;
  /** MagicDNS resolver; defaults to the system resolver (which tailscaled answers for MagicDNS names). */
  resolveName?: (name: string) => Promise<string>;
  connectTimeoutMs?: number;
}

/** A validated destination: what was asked for and what the socket really connects to. */
export interface Route {
  host: string;
  port: number;
  connectHost: string;
  localAddress: string | undefined;
}

export interface TailnetDialer {
  readonly mode: DialMode;
  /** Throws DESTINATION_NOT_ALLOWED for a host that can never be dialled (no I/O). */
  check(host: string, port: number): void;
  /** Resolves names, re-validates the answer, applies the simulated mapping. */
  route(host: string, port: number): Promise<Route>;
  /** Opens a TCP socket to an already validated route. */
  open(route: Route): Socket;
  /** An undici connector that routes every connection through this dialer. */
  readonly connector: buildConnector.connector;
  /** `http://host:port` with IPv6 brackets. */
  origin(host: string, port: number): string;
}

function refuse(host: string, why: string): AgromeshError {
  return new AgromeshError('DESTINATION_NOT_ALLOWED', `Refusing to dial ${host}: ${why}.`, {
    details: { host },
  });
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** 100.A.B.C → 127.A.B.C: the simulator gives every node such a loopback alias. */
export function loopbackAliasOf(tailnetIPv4: string): string {
  if (!isTailnetIPv4(tailnetIPv4)) throw refuse(tailnetIPv4, 'not a tailnet IPv4 address');
  return `127.${tailnetIPv4.split('.').slice(1).join('.')}`;
}

export function createTailnetDialer(options: TailnetDialerOptions): TailnetDialer {
  const simulated = options.mode === 'simulated';
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const localAddress =
    options.localAddress ??
    (simulated && options.selfAddress ? loopbackAliasOf(options.selfAddress) : undefined);
  if (localAddress !== undefined && !simulated && !isTailnetAddress(localAddress)) {
    throw refuse(localAddress, 'a tailnet dialer binds only to a tailnet address');
  }
  const resolveName =
    options.resolveName ??
    (async (name: string) => {
      if (simulated) throw refuse(name, 'the simulated tailnet has no resolver configured');
      return (await lookup(name, { verbatim: true })).address;
    });

  /** Addresses (not names) that may be dialled. */
  const checkIp = (ip: string, asked: string): void => {
    if (isTailnetAddress(ip)) {
      if (simulated && ipVersion(ip) === 6 && !/^::ffff:/i.test(ip)) {
        throw refuse(asked, 'the simulated tailnet maps IPv4 tailnet addresses only');
      }
      return;
    }
    if (isLoopbackAddress(ip)) {
      if (simulated) return;
      throw refuse(asked, 'loopback is not a tailnet address');
    }
    throw refuse(asked, 'not a tailnet address (100.64.0.0/10 or fd7a:115c:a1e0::/48)');
  };

  const check = (rawHost: string, port: number): void => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw refuse(`${rawHost}:${port}`, 'invalid port');
    const host = unbracket(rawHost);
    if (ipVersion(host) !== 0) return checkIp(host, rawHost);
    if (host.toLowerCase() === 'localhost' || host.toLowerCase().startsWith('localhost.')) {
      throw refuse(rawHost, 'loopback names are never dialled');
    }
    if (!isMagicDnsName(host)) throw refuse(rawHost, 'not a tailnet address or MagicDNS name');
  };

  const mapped = (ip: string): string => {
    if (!simulated) return ip;
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
    return isTailnetIPv4(v4) ? loopbackAliasOf(v4) : v4;
  };

  const route = async (rawHost: string, port: number): Promise<Route> => {
    check(rawHost, port);
    const host = unbracket(rawHost);
    let ip = host;
    if (ipVersion(host) === 0) {
      ip = await resolveName(host);
      // DNS rebinding guard: the answer must itself be dialable.
      checkIp(ip, `${rawHost} (resolved to ${ip})`);
    }
    return { host, port, connectHost: mapped(ip), localAddress };
  };

  const open = (r: Route): Socket => {
    const socket = netConnect({
      host: r.connectHost,
      port: r.port,
      ...(r.localAddress === undefined ? {} : { localAddress: r.localAddress }),
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
    });
    return socket;
  };

  const connector: buildConnector.connector = (opts, callback) => {
    if (opts.protocol !== 'http:') {
      callback(refuse(opts.hostname, 'only http over the tailnet is dialled'), null);
      return;
    }
    route(opts.hostname, Number(opts.port || 80)).then(
      (r) => {
        const socket = open(r);
        let settled = false;
        const timer = setTimeout(() => {
          finish(
            new AgromeshError('FARM_UNREACHABLE', `Connecting to ${r.host}:${r.port} timed out.`, {
              details: { code: 'UND_ERR_CONNECT_TIMEOUT' },
            }),
          );
          socket.destroy();
        }, connectTimeoutMs);
        const finish = (err: Error | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.off('connect', onConnect);
          socket.off('error', finish);
          if (err) callback(err, null);
          else callback(null, socket);
        };
        const onConnect = () => finish(null);
        socket.once('connect', onConnect);
        socket.once('error', finish);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
    );
  };

  return {
    mode: options.mode,
    check,
    route,
    open,
    connector,
    origin: (host, port) =>
      `http://${ipVersion(unbracket(host)) === 6 ? `[${unbracket(host)}]` : host}:${port}`,
  };
}
