/**
 * DNS-rebinding and cross-site guards, one rule for every server of ours (farm gateway, registry,
 * browser host). A page that rebinds its own name to our address still sends its own name in `Host`,
 * so only the names and addresses a server really answers to are accepted; and since browsers send
 * `Origin` on cross-site requests and WebSocket upgrades, a program-facing API refuses any request that
 * carries one (our own clients send none), while the browser host accepts only its own origins.
 */
import type { IncomingMessage } from 'node:http';
import { AgromeshError } from '../../protocol/errors.ts';

export interface HostGuard {
  /**
   * Names and addresses the server answers to, without port (IPv6 without brackets). The port is not
   * compared: a rebinding page differs in the name, and proxies or port forwards legitimately change it.
   */
  names: () => Iterable<string>;
  /**
   * Origins (`http://host:port`) allowed to call. Absent: any request with an `Origin` header is refused.
   */
  origins?: () => Iterable<string>;
}

/** `Host` split into name and port (`[v6]:port`, `name:port`, `name`); undefined when malformed. */
export function parseHostHeader(value: string): { name: string; port: number | null } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, '');
  const port = m[3] === undefined ? null : Number(m[3]);
  if (name === '' || (port !== null && port > 65_535)) return undefined;
  return { name, port };
}

const normalize = (name: string) =>
  name
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/** Why the request must be refused (Host not ours, or an Origin we do not accept), or undefined. */
export function refusal(req: IncomingMessage, guard: HostGuard): AgromeshError | undefined {
  const raw = req.headers.host;
  const host = raw === undefined ? undefined : parseHostHeader(raw);
  const names = new Set([...guard.names()].map(normalize));
  if (!host || !names.has(host.name)) {
    return new AgromeshError(
      'HOST_NOT_ALLOWED',
      `This server does not answer to the host name ${JSON.stringify(raw ?? '')}.`,
    );
  }
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (!guard.origins) {
    return new AgromeshError('ORIGIN_NOT_ALLOWED', 'Requests from web pages are refused here.');
  }
  const allowed = new Set([...guard.origins()].map((o) => o.toLowerCase()));
  return allowed.has(origin.toLowerCase())
    ? undefined
    : new AgromeshError('ORIGIN_NOT_ALLOWED', `Requests from ${origin} are refused here.`);
}

/** Loopback names a development server on loopback answers to. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'] as const;
