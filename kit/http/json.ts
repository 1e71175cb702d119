/**
 * Small HTTP helpers shared by the gateway, the registry and the browser host: bounded JSON bodies,
 * JSON error replies with stable codes, and servers with header limits.
 */
import { hostPort } from '../../protocol/host-port.ts';
import { NUL_MESSAGE, nulPath } from '../../protocol/text.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AgromeshError, toAgromeshError } from '../../protocol/errors.ts';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';

/** The request's path, or 400 when the request target cannot be parsed (e.g. `http://[::1`). */
export function requestPath(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    throw new AgromeshError('BAD_REQUEST', 'The request target could not be parsed.');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = toAgromeshError(err);
  sendJson(res, e.status, e.toBody());
}

/** Read a JSON body, refusing anything over `limit` bytes (413) or not JSON (400/415). */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new AgromeshError('UNSUPPORTED_MEDIA_TYPE');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new AgromeshError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AgromeshError('BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new AgromeshError('BAD_JSON', 'The body is not valid JSON.');
  }
  const nul = nulPath(body);
  if (nul)
    throw new AgromeshError('VALIDATION', NUL_MESSAGE(nul), {
      details: [{ path: nul, message: 'NUL character' }],
    });
  return body;
}

/** Parse with a schema; a mismatch is a 422 that names the fields. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what = 'request'): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AgromeshError('VALIDATION', `Invalid ${what}: ${z.prettifyError(parsed.error)}`, {
      details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

// A caller's own id is kept (the control room sends the command id, so both sides' logs line up).
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,80}$/;
const requestIds = new WeakMap<IncomingMessage, string>();

/** The id of this request, as logged and sent back in `x-request-id`. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return requestIds.get(req);
}

function logWhenDone(log: Logger, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const started = performance.now();
  // Read now: once the response is finished the socket may already be detached (req.socket is null).
  const from = req.socket?.remoteAddress;
  const method = req.method;
  const path = (req.url ?? '/').split('?')[0]!.slice(0, 200);
  res.once('finish', () => {
    const status = res.statusCode;
    const fields = { requestId, method, path, status, ms: Math.round(performance.now() - started), from };
    if (status >= 500) log.error('request failed', fields);
    else if (status >= 400) log.info('request refused', fields);
    else log.debug('request', fields);
  });
}

export interface HttpServerOptions {
  maxHeaderSize: number;
  /** One line per refused or failed request (4xx info, 5xx error; others at debug), with its request id. */
  log?: Logger | undefined;
  /** Request timeout for the whole request (slowloris guard). */
  requestTimeoutMs?: number;
  /** How often Node checks for timed-out requests (its default: 30 s). */
  timeoutCheckMs?: number;
}

/**
 * A node:http server whose handler errors become JSON replies; oversized headers get 431 from Node itself.
 * The handler must reply; anything it throws is turned into the matching status.
 */
export function createJsonServer(
  options: HttpServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Server {
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderSize,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      ...(options.timeoutCheckMs === undefined
        ? {}
        : { connectionsCheckingInterval: options.timeoutCheckMs }),
    },
    (req, res) => {
      const given = req.headers['x-request-id'];
      const requestId = typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
      requestIds.set(req, requestId);
      res.setHeader('x-request-id', requestId);
      if (options.log) logWhenDone(options.log, req, res, requestId);
      handler(req, res).catch((err: unknown) => {
        sendError(res, err);
        // Drain what is left of a refused body so keep-alive connections stay usable.
        if (!req.complete) req.resume();
      });
    },
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, reason] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ([431, 'HEADERS_TOO_LARGE', 'Request Header Fields Too Large'] as const)
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ([408, 'REQUEST_TIMEOUT', 'Request Timeout'] as const)
          : ([400, 'BAD_REQUEST', 'Bad Request'] as const);
    const body = JSON.stringify(new AgromeshError(code).toBody());
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = hostPort(host, port);
      if (err.code === 'EADDRINUSE') {
        reject(
          new AgromeshError(
            'UNAVAILABLE',
            `${where} is already in use; stop what listens there or choose another port.`,
            { cause: err },
          ),
        );
      } else if (err.code === 'EADDRNOTAVAIL') {
        reject(
          new AgromeshError('UNAVAILABLE', `${host} is not an address of this computer (is Tailscale up?).`, {
            cause: err,
          }),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new AgromeshError('FORBIDDEN', `Not allowed to listen on ${where}; choose a port above 1023.`, {
            cause: err,
          }),
        );
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
