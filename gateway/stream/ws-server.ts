/**
 * WebSocket endpoint of the live stream on the API's own port. Callers are identified like any other
 * request; `?since=<seq>` replays from the hub's buffer or sends a `gap`; pings find half-open
 * connections; frames over the limit close with 1009 (ws `maxPayload`); slow readers are cut off so one
 * stuck client cannot hold the gateway's memory.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { FARM_STREAM_PATH, Limits } from '../../protocol/farm-api.ts';
import { AgromeshError, toAgromeshError } from '../../protocol/errors.ts';
import type { Logger } from '../../kit/log.ts';
import { parseStreamSince } from '../http/parsers.ts';
import type { StreamHub } from './hub.ts';

export interface StreamServerOptions {
  server: Server;
  hub: StreamHub;
  /** Throws an AgromeshError (401/403/503) when the caller may not read. */
  authorize: (req: IncomingMessage) => Promise<unknown>;
  log: Logger;
  pingIntervalMs?: number;
  maxClients?: number;
  /** Bytes queued for one client before it is dropped as too slow. */
  maxBufferedBytes?: number;
}

export interface StreamServer {
  clientCount(): number;
  dispose(): Promise<void>;
}

const HTTP_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, err: unknown): void {
  const e = toAgromeshError(err);
  const body = JSON.stringify(e.toBody());
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${e.status} ${HTTP_TEXT[e.status] ?? 'Error'}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

export function attachStreamServer(options: StreamServerOptions): StreamServer {
  const { server, hub, log } = options;
  const maxClients = options.maxClients ?? 200;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Limits.wsFrameBytes,
    perMessageDeflate: false,
  });
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      let since: number | undefined;
      try {
        const url = new URL(req.url ?? '/', 'http://gateway');
        if (url.pathname !== FARM_STREAM_PATH)
          throw new AgromeshError('NOT_FOUND', `No stream at ${url.pathname}.`);
        since = parseStreamSince(url.searchParams);
        await options.authorize(req);
        if (wss.clients.size >= maxClients)
          throw new AgromeshError('UNAVAILABLE', 'Too many stream clients.');
      } catch (err) {
        refuse(socket, err instanceof TypeError ? new AgromeshError('BAD_REQUEST') : err);
        return;
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, since));
    })();
  };
  server.on('upgrade', onUpgrade);

  function onConnection(ws: WebSocket, since: number | undefined): void {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    // Clients have nothing to say; anything they send is ignored (oversized frames close with 1009).
    ws.on('message', () => {});
    ws.on('error', (err) => log.debug('stream client error', { err }));
    const send = (text: string) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        log.warn('stream client too slow; dropping it');
        ws.terminate();
        return;
      }
      ws.send(text);
    };
    // Replay and subscription happen in the same tick, so nothing is missed or sent twice.
    const plan = hub.replay(since);
    send(JSON.stringify(plan.hello));
    if (plan.gap) send(JSON.stringify(plan.gap));
    for (const m of plan.messages) send(m.text);
    const unsubscribe = hub.subscribe((m) => send(m.text));
    ws.on('close', unsubscribe);
  }

  const pingTimer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  pingTimer.unref();

  return {
    clientCount: () => wss.clients.size,
    async dispose() {
      clearInterval(pingTimer);
      server.off('upgrade', onUpgrade);
      // Say goodbye properly; whoever has not closed within a second is cut off.
      const closing = [...wss.clients].map(
        (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
      );
      for (const ws of wss.clients) ws.close(1001, 'gateway stopping');
      const timer = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 1_000);
      await Promise.all(closing);
      clearTimeout(timer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
