/**
 * The browser host: the same Node core served over HTTP with a WebSocket bridge that implements exactly
 * the preload contract, so the renderer runs in a plain browser (wall displays, machines without
 * Electron, end-to-end tests). Loopback by default; another address needs `allowRemote`.
 *
 * Who may drive the core: only a page of ours, opened with the per-launch token. The token travels in
 * the URL fragment (`#token=…`, never sent in a request line, so never in proxy logs), the page trades
 * it once at `POST /session` for an HttpOnly SameSite=Strict cookie and drops it from its address bar.
 * Every bridge connection — loopback included — needs that cookie; Host must be a name we listen
 * under and Origin our own (DNS rebinding: a rebound page keeps its own name in both).
 */
import { wsText } from '../../../kit/ws-text.ts';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { AgromeshError } from '../../../protocol/errors.ts';
import { isLoopbackAddress } from '../../../protocol/tailnet-address.ts';
import type { Logger } from '../../../kit/log.ts';
import { type HostGuard, LOOPBACK_NAMES, refusal } from '../../../kit/http/host-guard.ts';
import {
  closeServer,
  createJsonServer,
  listen,
  parseInput,
  readJsonBody,
  requestPath,
  sendJson,
} from '../../../kit/http/json.ts';
import type { AppCore } from '../app-core.ts';
import { dispatch } from '../rpc/dispatch.ts';
import { securityHeaders } from './csp.ts';
import { serveStatic } from './static-files.ts';

export const BRIDGE_PATH = '/bridge';
export const SESSION_PATH = '/session';
export const BRIDGE_LIMITS = {
  frameBytes: 256 * 1024,
  headerBytes: 16 * 1024,
  inFlightPerSocket: 64,
  /** Open bridge connections at once (a few windows per person is plenty). */
  connections: 32,
  /** A client that stops reading is dropped once this much is queued for it. */
  bufferedBytes: 8 * 1024 * 1024,
  /** Signed-in browser sessions kept (oldest forgotten first). */
  sessions: 64,
} as const;

const BridgeRequest = z.object({
  id: z.number().int().nonnegative(),
  op: z.string().max(100),
  input: z.unknown().optional(),
});

export interface BrowserHostOptions {
  core: AppCore;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Required to listen on anything but loopback. */
  allowRemote?: boolean;
  /** Per-launch access token (generated when absent); every client needs it, loopback included. */
  token?: string;
  /** Override limits (tests use small ones). */
  limits?: Partial<Record<keyof typeof BRIDGE_LIMITS, number>>;
  log: Logger;
}

export interface BrowserHost {
  /** Base URL (no secret in it). */
  url: string;
  /** The URL to open: the base with the token in the fragment (`#token=…`). Show it, never log it. */
  openUrl: string;
  port: number;
  dispose(): Promise<void>;
}

/** Backpressure: a client that stops reading is dropped instead of growing our memory. */
export function sendOrDrop(
  ws: {
    readyState: number;
    readonly OPEN: number;
    bufferedAmount: number;
    send(text: string): void;
    terminate(): void;
  },
  text: string,
  limit: number,
): 'sent' | 'dropped' | 'closed' {
  if (ws.readyState !== ws.OPEN) return 'closed';
  if (ws.bufferedAmount > limit) {
    ws.terminate();
    return 'dropped';
  }
  ws.send(text);
  return 'sent';
}

const SessionRequest = z.object({ token: z.string().min(1).max(200) });

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = isLoopbackAddress(host) || host === 'localhost';
  if (!loopbackOnly && !options.allowRemote) {
    throw new AgromeshError(
      'VALIDATION',
      `Refusing to serve the control room on ${host}: pass --allow-remote (with an access token) to serve beyond this computer.`,
    );
  }
  const token = options.token ?? randomBytes(18).toString('base64url');
  const { core, log } = options;
  const limits = { ...BRIDGE_LIMITS, ...options.limits };

  let port = options.port ?? 0;
  const cookieName = () => `agromesh_session_${port}`;
  const sessions = new Set<string>();
  const names = (): string[] => {
    const own = [host, ...(loopbackOnly ? LOOPBACK_NAMES : [])];
    if (host === '0.0.0.0' || host === '::') {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) own.push(a.address);
      own.push(...LOOPBACK_NAMES);
    }
    return own;
  };
  const guard: HostGuard = {
    names,
    origins: () => names().map((n) => `http://${n.includes(':') ? `[${n}]` : n}:${port}`),
  };
  const sessionOf = (req: IncomingMessage): string | undefined => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, v] = part.trim().split('=');
      if (k === cookieName() && v && sessions.has(v)) return v;
    }
    return undefined;
  };

  const server: Server = createJsonServer({ maxHeaderSize: BRIDGE_LIMITS.headerBytes }, async (req, res) => {
    const refused = refusal(req, guard);
    if (refused) throw refused;
    const path = requestPath(req);
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === SESSION_PATH) {
      if (req.method !== 'POST') throw new AgromeshError('METHOD_NOT_ALLOWED');
      const { token: given } = parseInput(SessionRequest, await readJsonBody(req, 1024), 'session');
      if (!tokenMatches(token, given))
        throw new AgromeshError('FORBIDDEN', 'That access token is not valid.');
      const id = randomBytes(24).toString('base64url');
      sessions.add(id);
      if (sessions.size > limits.sessions) sessions.delete(sessions.values().next().value!);
      return sendJson(
        res,
        200,
        { ok: true },
        {
          'set-cookie': `${cookieName()}=${id}; HttpOnly; SameSite=Strict; Path=/`,
        },
      );
    }
    const { map } = await core.handlers.getSettings();
    await serveStatic(options.rendererDir, req, res, securityHeaders(map.tileUrl));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_LIMITS.frameBytes });
  const sockets = new Set<WebSocket>();

  /** Browsers always send Origin on WebSocket upgrades: only our own page, signed in, may open the bridge. */
  const allowedUpgrade = (req: IncomingMessage): string | undefined => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return 'malformed request target';
    }
    if (url.pathname !== BRIDGE_PATH) return 'not found';
    const refused = refusal(req, guard);
    if (refused) return refused.message;
    if (!sessionOf(req)) return 'sign in first: open the address the host printed (with its #token=…)';
    if (sockets.size >= limits.connections) return 'too many open connections';
    return undefined;
  };

  server.on('upgrade', (req, socket, head) => {
    const refusal = allowedUpgrade(req);
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    let inFlight = 0;
    const send = (text: string) => sendOrDrop(ws, text, limits.bufferedBytes);
    const unsubscribe = core.events.subscribe((event, payload) => send(JSON.stringify({ event, payload })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let parsed: z.infer<typeof BridgeRequest>;
      try {
        parsed = BridgeRequest.parse(JSON.parse(wsText(data)));
      } catch {
        return ws.close(1007, 'malformed request');
      }
      if (inFlight >= BRIDGE_LIMITS.inFlightPerSocket) {
        const error = new AgromeshError('UNAVAILABLE', 'Too many requests at once.').toBody().error;
        return send(JSON.stringify({ id: parsed.id, ok: false, error }));
      }
      inFlight++;
      void dispatch(core.handlers, parsed.op, parsed.input, log).then((envelope) => {
        inFlight--;
        send(JSON.stringify({ id: parsed.id, ...envelope }));
      });
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  const address = await listen(server, options.port ?? 0, host);
  port = address.port;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  log.info('browser host listening', { url, remote: !loopbackOnly });
  return {
    url,
    openUrl: `${url}#token=${token}`,
    port: address.port,
    dispose: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}
