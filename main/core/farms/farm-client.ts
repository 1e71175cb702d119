/**
 * HTTP half of a farm link: one keep-alive undici Pool per farm, every socket opened by the tailnet
 * dialer. Responses are size-limited and validated; a 3xx is refused (redirects are never followed);
 * transport failures are classified so the command ledger knows whether a request may have been sent.
 */
import { Pool } from 'undici';
import type { z } from 'zod';
import { AgromeshError, fromErrorBody } from '../../../protocol/errors.ts';
import {
  CommandRecord,
  type CommandRequestInput,
  CurrentData,
  FARM_STREAM_PATH,
  FarmInfo,
  Health,
  HistoryResponse,
  Limits,
} from '../../../protocol/farm-api.ts';
import type { TailnetDialer } from './dialer.ts';

export const FarmPaths = {
  info: '/api/info',
  health: '/api/health',
  current: '/api/data/current',
  history: '/api/data/history',
  commands: '/api/commands',
  command: (id: string) => `/api/commands/${encodeURIComponent(id)}`,
  stream: FARM_STREAM_PATH,
} as const;

export interface FarmClientOptions {
  dialer: TailnetDialer;
  address: string;
  port: number;
  /** Default deadline for one request, headers and body included. */
  requestTimeoutMs?: number;
  connections?: number;
}

export interface HistoryRequest {
  sensor: string;
  from: number;
  to: number;
  maxPoints?: number;
}

export interface FarmClient {
  readonly origin: string;
  info(): Promise<FarmInfo>;
  health(): Promise<Health>;
  current(): Promise<CurrentData>;
  history(query: HistoryRequest, timeoutMs?: number): Promise<HistoryResponse>;
  /** POST a command. Errors carry `details.delivery`: `not-sent` (safe to retry) or `unknown`. */
  postCommand(request: CommandRequestInput, timeoutMs?: number): Promise<CommandRecord>;
  /** The gateway's record of a command, or null when it has never heard of it. */
  getCommand(id: string, timeoutMs?: number): Promise<CommandRecord | null>;
  dispose(): Promise<void>;
}

/** Where a transport failure happened, as far as the client can tell. */
export type Delivery = 'not-sent' | 'unknown';

/** Errors raised before any byte of the request could have left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function deliveryOf(err: unknown): Delivery {
  if (err instanceof AgromeshError) {
    if (err.code === 'DESTINATION_NOT_ALLOWED') return 'not-sent';
    const d = err.details as { delivery?: Delivery; code?: string } | undefined;
    if (d?.delivery) return d.delivery;
    if (d?.code && NOT_SENT_CODES.has(d.code)) return 'not-sent';
    return 'unknown';
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_SENT_CODES.has(code) ? 'not-sent' : 'unknown';
}

function transportError(err: unknown, what: string): AgromeshError {
  if (err instanceof AgromeshError && err.code !== 'FARM_UNREACHABLE') return err;
  const delivery = deliveryOf(err);
  const code =
    (err as { code?: unknown } | null)?.code ??
    (err as { details?: { code?: string } }).details?.code ??
    undefined;
  const name = (err as { name?: unknown } | null)?.name;
  const timedOut =
    name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return new AgromeshError(
    timedOut ? 'TIMEOUT' : 'FARM_UNREACHABLE',
    `${what}: ${timedOut ? 'no answer in time' : 'the farm gateway is not answering'}${
      typeof code === 'string' ? ` (${code})` : ''
    }.`,
    { cause: err, details: { delivery, ...(typeof code === 'string' ? { code } : {}) } },
  );
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      throw new AgromeshError('FARM_BAD_RESPONSE', `The gateway answer exceeds ${limit} bytes.`, {
        details: { delivery: 'unknown' },
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const HISTORY_BODY_LIMIT = 4 * 1024 * 1024;
/** A farm's HTTP pool is closed after this long without requests. */
const POOL_IDLE_MS = 10_000;
const SMALL_BODY_LIMIT = 1024 * 1024;

export function createFarmClient(options: FarmClientOptions): FarmClient {
  const { dialer, address, port } = options;
  dialer.check(address, port);
  const origin = dialer.origin(address, port);
  const defaultTimeout = options.requestTimeoutMs ?? 10_000;
  // The pool exists only while requests are being made: a thousand mostly-idle farms would otherwise
  // hold a thousand pools (each with its request queue) for the occasional history or command.
  let pool: Pool | undefined;
  let inFlight = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let disposed = false;
  const acquire = (): Pool => {
    if (disposed)
      throw new AgromeshError('UNAVAILABLE', 'This farm link is closed.', {
        details: { delivery: 'not-sent' },
      });
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    inFlight++;
    pool ??= new Pool(origin, {
      connect: dialer.connector,
      connections: options.connections ?? 4,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      maxHeaderSize: Limits.headerBytes,
    });
    return pool;
  };
  const release = () => {
    inFlight--;
    if (inFlight > 0 || disposed || !pool) return;
    idleTimer = setTimeout(() => {
      const idle = pool;
      pool = undefined;
      idleTimer = undefined;
      void idle?.close().catch(() => {});
    }, POOL_IDLE_MS);
    idleTimer.unref();
  };

  async function call<T extends z.ZodType>(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    schema: T,
    opts: { body?: unknown; timeoutMs?: number; limit?: number; allow404?: boolean; requestId?: string },
  ): Promise<z.output<T> | null> {
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    const p = acquire();
    try {
      return await exchange(p);
    } finally {
      release();
    }

    async function exchange(pool: Pool): Promise<z.output<T> | null> {
      let res;
      try {
        res = await pool.request({
          path,
          method,
          headers: {
            accept: 'application/json',
            ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
            // The gateway logs it with the request: the command's id on both sides of the tunnel.
            ...(opts.requestId === undefined ? {} : { 'x-request-id': opts.requestId }),
          },
          ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (err) {
        throw transportError(err, what);
      }
      const { statusCode } = res;
      if (statusCode >= 300 && statusCode < 400) {
        await res.body.dump({ limit: 64 * 1024 }).catch(() => {});
        throw new AgromeshError(
          'DESTINATION_NOT_ALLOWED',
          `${what}: the gateway answered with a redirect (${statusCode}); redirects are never followed.`,
          { details: { delivery: 'unknown', status: statusCode } },
        );
      }
      let text: string;
      try {
        text = await readLimited(res.body, opts.limit ?? SMALL_BODY_LIMIT);
      } catch (err) {
        res.body.on('error', () => {}).destroy();
        throw err instanceof AgromeshError ? err : transportError(err, what);
      }
      if (statusCode === 404 && opts.allow404) return null;
      let json: unknown;
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        throw new AgromeshError(
          'FARM_BAD_RESPONSE',
          `${what}: the gateway sent invalid JSON (HTTP ${statusCode}).`,
          {
            details: { delivery: statusCode >= 500 ? 'unknown' : 'not-sent', status: statusCode },
          },
        );
      }
      if (statusCode >= 400) {
        const e = fromErrorBody(json, statusCode >= 500 ? 'FARM_UNREACHABLE' : 'FARM_BAD_RESPONSE');
        throw new AgromeshError(e.code, e.message, { details: { status: statusCode, gateway: e.details } });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new AgromeshError(
          'FARM_BAD_RESPONSE',
          `${what}: the gateway answer does not match Farm API v1.`,
          {
            details: {
              delivery: 'unknown',
              issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')),
            },
          },
        );
      }
      return parsed.data;
    }
  }

  const must = <T>(value: T | null): T => {
    if (value === null) throw new AgromeshError('FARM_BAD_RESPONSE', 'Unexpected empty answer.');
    return value;
  };

  return {
    origin,
    info: async () => must(await call('farm info', 'GET', FarmPaths.info, FarmInfo, {})),
    health: async () => must(await call('farm health', 'GET', FarmPaths.health, Health, {})),
    current: async () => must(await call('current data', 'GET', FarmPaths.current, CurrentData, {})),
    history: async (q, timeoutMs) => {
      const params = new URLSearchParams({ sensor: q.sensor, from: String(q.from), to: String(q.to) });
      if (q.maxPoints !== undefined) params.set('maxPoints', String(q.maxPoints));
      return must(
        await call('history', 'GET', `${FarmPaths.history}?${params.toString()}`, HistoryResponse, {
          limit: HISTORY_BODY_LIMIT,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        }),
      );
    },
    postCommand: async (request, timeoutMs) =>
      must(
        await call('send command', 'POST', FarmPaths.commands, CommandRecord, {
          body: request,
          requestId: request.id,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        }),
      ),
    getCommand: (id, timeoutMs) =>
      call('command status', 'GET', FarmPaths.command(id), CommandRecord, {
        allow404: true,
        requestId: id,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      }),
    dispose: async () => {
      disposed = true;
      if (idleTimer) clearTimeout(idleTimer);
      await pool?.destroy().catch(() => {});
      pool = undefined;
    },
  };
}
