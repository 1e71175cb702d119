/**
 * LocalAPI client for the tailscaled on this machine (the API behind `tailscale status --json` and
 * `tailscale whois`). Used by the app core, the farm gateway and the discovery registry to learn who a
 * caller is and which addresses this node has.
 *
 * Framing follows ipn/localapi: Host `local-tailscaled.sock`, never an Origin or Referer header (the
 * daemon answers 403 to those), Basic auth with an empty user only for the macOS GUI's TCP port.
 * Every body goes through a lossless JSON parse so int64 IDs above 2^53 stay exact.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { AgromeshError } from '../../protocol/errors.ts';
import type { CallerIdentity } from '../../protocol/identity.ts';
import type { Resource } from '../resources.ts';
import { type Logger, registerSecret, silentLogger } from '../log.ts';
import { connectionError, parseBody, statusError } from './localapi-errors.ts';
import { Notify, Status, WhoIsResponse } from './localapi-types.ts';
import {
  type DetectResult,
  type LocalApiEndpoint,
  describeEndpoint,
  detectLocalApiEndpoint,
} from './socket-path.ts';
import { callerIdentityFrom, validWhoisAddress } from './whois-identity.ts';

export { callerIdentityFrom, hostOfAddress, shortName } from './whois-identity.ts';

export const LOCALAPI_HOST = 'local-tailscaled.sock';
/** Capability version we speak (what the Go client at the pinned tailscale commit sends). */
export const LOCALAPI_CAP_VERSION = '145';
const MAX_BODY = 64 * 1024 * 1024; // a /status of a very large tailnet
const MAX_LINE = 16 * 1024 * 1024; // one Notify
const DEFAULT_TIMEOUT_MS = 10_000;

export interface LocalApiClientOptions {
  /** Unix socket or Windows named pipe path. */
  socketPath?: string;
  /** macOS GUI variants: loopback TCP port and sameuserproof token. */
  port?: number;
  token?: string;
  timeoutMs?: number;
  logger?: Logger;
  /** Replaces platform detection when neither socketPath nor port is given (tests). */
  detect?: () => Promise<DetectResult>;
}

export interface IpnBusWatch {
  close(): void;
  /** Resolves when the stream ends (closed by us, by the daemon, or on error). */
  readonly closed: Promise<void>;
}

export interface WatchHandlers {
  onError?: (err: AgromeshError) => void;
  /** The stream ended without close() being called (daemon restarted, socket gone). */
  onEnd?: () => void;
}

export interface LocalApiClient extends Resource {
  /** Where this client connects (detected lazily on first use when not given). */
  endpoint(): Promise<LocalApiEndpoint>;
  status(options?: { peers?: boolean }): Promise<Status>;
  /** Raw who-is answer; null when the address is not a known peer (404). */
  whoisRaw(address: string): Promise<WhoIsResponse | null>;
  /** Caller identity for a tailnet address (`ip`, `ip:port`, `[v6]:port` or `nodekey:…`); null when unknown. */
  whois(address: string): Promise<CallerIdentity | null>;
  /** This node's tailnet IPs (IPv4 first as tailscaled lists them). */
  selfAddresses(): Promise<string[]>;
  /** Stream ipn.Notify messages from watch-ipn-bus with the given NotifyMask bits. */
  watch(mask: number, onNotify: (notify: Notify) => void, handlers?: WatchHandlers): IpnBusWatch;
  /** Same as watch (the LocalAPI endpoint's name). */
  watchIpnBus(mask: number, onNotify: (notify: Notify) => void, handlers?: WatchHandlers): IpnBusWatch;
  /** Low-level request for handlers without a typed method. */
  request(method: string, path: string, body?: string): Promise<{ status: number; text: string }>;
}

interface RawResponse {
  status: number;
  text: string;
}

function basicAuth(token: string): string {
  return 'Basic ' + Buffer.from(':' + token).toString('base64');
}

export function createLocalApiClient(options: LocalApiClientOptions = {}): LocalApiClient {
  const log = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 4 });
  const watches = new Set<IpnBusWatch>();
  let disposed = false;
  if (options.token) registerSecret(options.token);

  let resolved: Promise<LocalApiEndpoint> | undefined;
  const endpoint = (): Promise<LocalApiEndpoint> => {
    if (options.socketPath) return Promise.resolve({ kind: 'socket', path: options.socketPath });
    if (options.port !== undefined) {
      return Promise.resolve({
        kind: 'tcp',
        port: options.port,
        token: options.token ?? '',
        source: 'configured port',
      });
    }
    resolved ??= (options.detect ?? detectLocalApiEndpoint)().then((r) => {
      if (r.endpoint === null) {
        resolved = undefined; // tailscaled may be installed later; look again next time
        throw new AgromeshError(
          'LOCALAPI_UNAVAILABLE',
          `No local tailscaled found (looked at: ${r.tried.join(', ')}). Is Tailscale installed and running? ` +
            'Pass --local-api-socket PATH, or use the Tailscale API (TS_API_KEY) or Headscale instead.',
        );
      }
      if (r.endpoint.kind === 'tcp') registerSecret(r.endpoint.token);
      return r.endpoint;
    });
    return resolved;
  };

  const open = async (method: string, path: string, timeout: number | null, body?: string) => {
    if (disposed) throw new AgromeshError('UNAVAILABLE', 'The LocalAPI client was disposed.');
    const ep = await endpoint();
    const headers: Record<string, string> = {
      host: LOCALAPI_HOST,
      'tailscale-cap': LOCALAPI_CAP_VERSION,
    };
    if (ep.kind === 'tcp' && ep.token !== '') headers.authorization = basicAuth(ep.token);
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const where = describeEndpoint(ep);
    const req = httpRequest({
      agent,
      method,
      path,
      headers,
      ...(ep.kind === 'socket' ? { socketPath: ep.path } : { host: '127.0.0.1', port: ep.port }),
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', (err: NodeJS.ErrnoException) =>
        reject(err instanceof AgromeshError ? err : connectionError(err, where)),
      );
    });
    if (timeout !== null) {
      req.setTimeout(timeout, () =>
        req.destroy(
          new AgromeshError('TIMEOUT', `tailscaled at ${where} did not answer ${path} within ${timeout} ms.`),
        ),
      );
    }
    req.end(body);
    return { req, response, where };
  };

  const readAll = async (res: IncomingMessage, what: string): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.destroy();
        throw new AgromeshError(
          'TAILNET_BAD_PAYLOAD',
          `tailscaled's answer to ${what} is larger than ${MAX_BODY} bytes.`,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  const request = async (method: string, path: string, body?: string): Promise<RawResponse> => {
    const { response } = await open(method, path, timeoutMs, body);
    const res = await response;
    const text = await readAll(res, path);
    return { status: res.statusCode ?? 0, text };
  };

  const getJson = async <T extends z.ZodType>(
    path: string,
    schema: T,
    what: string,
  ): Promise<z.output<T>> => {
    const res = await request('GET', path);
    if (res.status !== 200) throw statusError(res.status, res.text, what);
    return parseBody(schema, res.text, what);
  };

  const status = (opts: { peers?: boolean } = {}) =>
    getJson(`/localapi/v0/status${opts.peers === false ? '?peers=false' : ''}`, Status, 'status');

  const whoisRaw = async (address: string): Promise<WhoIsResponse | null> => {
    if (!validWhoisAddress(address)) {
      throw new AgromeshError(
        'VALIDATION',
        `"${address}" is not a tailnet address (ip, ip:port, [v6]:port or nodekey:…).`,
      );
    }
    const res = await request('GET', `/localapi/v0/whois?addr=${encodeURIComponent(address)}`);
    if (res.status === 404) return null;
    if (res.status !== 200) throw statusError(res.status, res.text, `who-is ${address}`);
    return parseBody(WhoIsResponse, res.text, 'who-is answer');
  };

  const watch = (mask: number, onNotify: (n: Notify) => void, handlers: WatchHandlers = {}): IpnBusWatch => {
    let closedByUs = false;
    let destroy: (() => void) | undefined;
    let settle!: () => void;
    const closed = new Promise<void>((resolve) => (settle = resolve));
    const fail = (err: unknown) => {
      if (closedByUs) return;
      closedByUs = true;
      const e = err instanceof AgromeshError ? err : new AgromeshError('LOCALAPI_UNAVAILABLE', String(err));
      log.warn('watch-ipn-bus failed', { err: e });
      handlers.onError?.(e);
    };
    const handle: IpnBusWatch = {
      close: () => {
        closedByUs = true;
        destroy?.();
      },
      closed,
    };
    watches.add(handle);
    void (async () => {
      try {
        const { req, response } = await open('GET', `/localapi/v0/watch-ipn-bus?mask=${mask}`, null);
        destroy = () => req.destroy();
        if (closedByUs) req.destroy();
        const res = await response;
        if (res.statusCode !== 200) {
          throw statusError(res.statusCode ?? 0, await readAll(res, 'watch-ipn-bus'), 'watch-ipn-bus');
        }
        res.setEncoding('utf8');
        let buffer = '';
        for await (const chunk of res as AsyncIterable<string>) {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) !== -1) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line === '') continue;
            const notify = parseBody(Notify, line, 'watch-ipn-bus notification');
            if (!closedByUs) onNotify(notify);
          }
          if (buffer.length > MAX_LINE) {
            throw new AgromeshError(
              'TAILNET_BAD_PAYLOAD',
              `A watch-ipn-bus line is longer than ${MAX_LINE} bytes.`,
            );
          }
        }
        if (!closedByUs) {
          closedByUs = true;
          handlers.onEnd?.();
        }
      } catch (err) {
        fail(err);
      } finally {
        destroy?.();
        watches.delete(handle);
        settle();
      }
    })();
    return handle;
  };

  return {
    endpoint,
    status,
    whoisRaw,
    whois: async (address) => {
      const res = await whoisRaw(address);
      return res === null ? null : callerIdentityFrom(address, res);
    },
    selfAddresses: async () => (await status({ peers: false })).TailscaleIPs,
    watch,
    watchIpnBus: watch,
    request,
    dispose: async () => {
      disposed = true;
      const pending = [...watches];
      for (const w of pending) w.close();
      await Promise.all(pending.map((w) => w.closed));
      agent.destroy();
    },
  };
}
