/**
 * The browser host: the same Node core served over HTTP with a WebSocket bridge that implements exactly
 * the preload contract, so the renderer runs in a plain browser (wall displays, machines without
 * Electron, end-to-end tests). Loopback by default; another address needs `allowRemote` and a token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { AgromeshError } from '../../../protocol/errors.ts';
import { isLoopbackAddress } from '../../../protocol/tailnet-address.ts';
import type { Logger } from '../../../kit/log.ts';
import { closeServer, createJsonServer, listen, requestPath, sendJson } from '../../../kit/http/json.ts';
import type { AppCore } from '../app-core.ts';
import { dispatch } from '../rpc/dispatch.ts';
import { serveStatic } from './static-files.ts';

export const BRIDGE_PATH = '/bridge';
export const BRIDGE_LIMITS = { frameBytes: 256 * 1024, headerBytes: 16 * 1024, inFlightPerSocket: 64 } as const;

const BridgeRequest = z.object({ id: z.number().int().nonnegative(), op: z.string().max(100), input: z.unknown().optional() });

export interface BrowserHostOptions {
  core: AppCore;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Required to listen on anything but loopback. */
  allowRemote?: boolean;
  /** Access token for remote clients (generated when absent). Loopback clients need none. */
  token?: string;
  log: Logger;
}

export interface BrowserHost {
  url: string;
  /** URL including the access token, for non-loopback hosts. */
  shareUrl: string;
  port: number;
  dispose(): Promise<void>;
}

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

  const server: Server = createJsonServer({ maxHeaderSize: BRIDGE_LIMITS.headerBytes }, async (req, res) => {
    const path = requestPath(req);
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    await serveStatic(options.rendererDir, req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_LIMITS.frameBytes });

  /** Browsers always send Origin on WebSocket upgrades: only our own page may open the bridge. */
  const allowedUpgrade = (req: IncomingMessage): string | undefined => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return 'malformed request target';
    }
    if (url.pathname !== BRIDGE_PATH) return 'not found';
    const origin = req.headers.origin;
    const hostHeader = req.headers.host;
    if (origin !== undefined && hostHeader !== undefined && origin !== `http://${hostHeader}`) {
      return 'cross-origin connection refused';
    }
    const remote = req.socket.remoteAddress ?? '';
    if (!isLoopbackAddress(remote) && !tokenMatches(token, url.searchParams.get('token'))) {
      return 'a valid access token is required';
    }
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

  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    let inFlight = 0;
    const unsubscribe = core.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let parsed: z.infer<typeof BridgeRequest>;
      try {
        parsed = BridgeRequest.parse(JSON.parse(String(data)));
      } catch {
        return ws.close(1007, 'malformed request');
      }
      if (inFlight >= BRIDGE_LIMITS.inFlightPerSocket) {
        const error = new AgromeshError('UNAVAILABLE', 'Too many requests at once.').toBody().error;
        return ws.send(JSON.stringify({ id: parsed.id, ok: false, error }));
      }
      inFlight++;
      void dispatch(core.handlers, parsed.op, parsed.input, log).then((envelope) => {
        inFlight--;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: parsed.id, ...envelope }));
      });
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  const address = await listen(server, options.port ?? 0, host);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/`;
  log.info('browser host listening', { url, remote: !loopbackOnly });
  return {
    url,
    shareUrl: loopbackOnly ? url : `${url}?token=${token}`,
    port: address.port,
    dispose: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
}
