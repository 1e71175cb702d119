/**
 * WebSocket half of a farm link: the live stream (`/api/stream?since=SEQ`) with heartbeats and
 * reconnection. Every socket is opened by the tailnet dialer; redirects are refused; frames are capped.
 *
 * Heartbeat: anything received (a frame or a pong) proves the path works. When the stream has been quiet
 * for a quarter of `heartbeatMs` a ping goes out; when nothing at all arrived for `heartbeatMs` the link is
 * declared stale (half-open: traffic silently dropped), terminated and redialled at once.
 * Reconnection: exponential backoff with full jitter; the attempt counter resets only after the link stayed
 * up for `minUptimeMs`.
 */
import { wsText } from '../../../kit/ws-text.ts';
import WebSocket from 'ws';
import { AgromeshError } from '../../../protocol/errors.ts';
import { backoffDelay } from '../../../protocol/backoff.ts';
import { Limits, StreamMessage } from '../../../protocol/farm-api.ts';
import type { Logger } from '../../../kit/log.ts';
import type { TailnetDialer } from './dialer.ts';
import { FarmPaths } from './farm-client.ts';
import { asReadingsFrame } from './stream-guard.ts';
import type { BackoffPolicy, LinkState } from './types.ts';

/** Frames handled per farm per event-loop turn before its socket is paused until the next turn. */
const MAX_BURST = 32;

export interface FarmStreamOptions {
  farmId: string;
  dialer: TailnetDialer;
  address: string;
  port: number;
  log: Logger;
  heartbeatMs: number;
  handshakeTimeoutMs: number;
  backoff: BackoffPolicy;
  random?: () => number;
  /** Read at every (re)connect: the last sequence number fully processed, or null for "live only". */
  resumeFrom: () => number | null;
  onMessage: (message: StreamMessage) => void;
  onState: (state: LinkState, detail: string, attempt: number) => void;
}

export interface FarmStream {
  start(): void;
  /** Drop the current socket and dial again: at once, or after the usual backoff. */
  redial(reason: string, immediately: boolean): void;
  stop(): Promise<void>;
  readonly state: LinkState;
  /** Number of dial attempts made (for tests and diagnostics). */
  readonly dials: number;
}

export function createFarmStream(options: FarmStreamOptions): FarmStream {
  const { log, dialer } = options;
  const random = options.random ?? Math.random;
  let state: LinkState = 'down';
  let ws: WebSocket | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let beatTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let dials = 0;
  let stopped = true;
  let openedAt = 0;
  let lastHeard = 0;
  let lastPing = 0;
  let redialNow = false;
  let dropReason: string | undefined;
  let closed: Promise<void> = Promise.resolve();

  const setState = (next: LinkState, detail: string) => {
    state = next;
    options.onState(next, detail, attempt);
  };

  const clearBeat = () => {
    if (beatTimer) clearInterval(beatTimer);
    beatTimer = undefined;
  };

  const scheduleRetry = (detail: string) => {
    if (stopped) return;
    if (openedAt > 0 && performance.now() - openedAt >= options.backoff.minUptimeMs) attempt = 0;
    openedAt = 0;
    const delay = redialNow ? 0 : backoffDelay(options.backoff, attempt, random);
    redialNow = false;
    attempt++;
    setState('down', `${detail}; retrying in ${(delay / 1000).toFixed(1)} s`);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void dial();
    }, delay);
  };

  const heartbeat = (socket: WebSocket) => {
    const now = performance.now();
    if (now - lastHeard > options.heartbeatMs) {
      // No immediate redial: links that went quiet together (the office's uplink dropped) would all
      // redial in the same instant. The first retry is jittered like every other.
      dropReason = `no answer for ${Math.round(now - lastHeard)} ms`;
      setState('stale', `${dropReason}; reconnecting`);
      socket.terminate();
      return;
    }
    if (now - lastHeard >= options.heartbeatMs / 4 && now - lastPing >= options.heartbeatMs / 4) {
      lastPing = now;
      socket.ping();
    }
  };

  const dial = async () => {
    if (stopped) return;
    dials++;
    setState('connecting', attempt === 0 ? 'connecting' : `reconnecting (attempt ${attempt + 1})`);
    let route;
    try {
      route = await dialer.route(options.address, options.port);
    } catch (err) {
      if (err instanceof AgromeshError && err.code === 'DESTINATION_NOT_ALLOWED') {
        // A destination that is not allowed will not become allowed by retrying.
        log.error('farm address refused', { farmId: options.farmId, err });
        setState('down', err.message);
        return;
      }
      scheduleRetry(err instanceof Error ? err.message : String(err));
      return;
    }
    if (stopped) return;
    const since = options.resumeFrom();
    const url = new URL(
      `${dialer.origin(options.address, options.port).replace(/^http/, 'ws')}${FarmPaths.stream}`,
    );
    if (since !== null) url.searchParams.set('since', String(since));
    const socket = new WebSocket(url, {
      createConnection: () => dialer.open(route),
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: Limits.wsFrameBytes,
      perMessageDeflate: false,
      followRedirects: false,
      autoPong: true,
    });
    ws = socket;
    let failure: string | undefined;
    // ws's own handshakeTimeout does not apply to sockets from createConnection: keep our own deadline.
    const handshakeTimer = setTimeout(() => {
      failure ??= `the gateway did not complete the stream handshake in ${options.handshakeTimeoutMs} ms`;
      socket.terminate();
    }, options.handshakeTimeoutMs);
    let done!: () => void;
    closed = new Promise((resolve) => (done = resolve));

    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      failure =
        status >= 300 && status < 400
          ? `the gateway answered with a redirect (${status}); redirects are never followed`
          : `the gateway refused the stream (HTTP ${status})`;
      res.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      clearTimeout(handshakeTimer);
      openedAt = performance.now();
      lastHeard = openedAt;
      lastPing = openedAt;
      setState('live', 'stream open');
      beatTimer = setInterval(() => heartbeat(socket), Math.max(10, Math.floor(options.heartbeatMs / 4)));
      beatTimer.unref();
    });
    socket.on('pong', () => {
      lastHeard = performance.now();
    });
    socket.on('ping', () => {
      lastHeard = performance.now();
    });
    // Fairness: after `maxBurst` frames in one turn of the event loop the socket is paused until the next
    // turn, so a flooding farm cannot starve timers (heartbeats, hub batches) or the other farms.
    let burst = 0;
    const endBurst = () => {
      burst = 0;
      if (socket.isPaused && socket.readyState === WebSocket.OPEN) socket.resume();
    };
    socket.on('message', (data, isBinary) => {
      if (++burst === 1) setImmediate(endBurst);
      else if (burst === MAX_BURST) socket.pause();
      lastHeard = performance.now();
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(wsText(data));
      } catch {
        log.warn('stream frame is not JSON', { farmId: options.farmId });
        return;
      }
      let message: StreamMessage | undefined = asReadingsFrame(parsed);
      if (!message) {
        const msg = StreamMessage.safeParse(parsed);
        if (!msg.success) {
          log.warn('stream frame does not match Farm API v1', { farmId: options.farmId });
          return;
        }
        message = msg.data;
      }
      try {
        options.onMessage(message);
      } catch (err) {
        log.error('stream message handler failed', { farmId: options.farmId, err });
      }
    });
    socket.on('error', (err) => {
      failure ??= err.message;
    });
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      clearBeat();
      if (ws === socket) ws = undefined;
      done();
      if (stopped) return;
      const reason = dropReason ?? failure ?? 'connection closed';
      dropReason = undefined;
      scheduleRetry(reason);
    });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      void dial();
    },
    redial(reason, immediately) {
      if (stopped || !ws) return;
      redialNow = immediately;
      dropReason = reason;
      log.info('redialling farm stream', { farmId: options.farmId, reason });
      ws.terminate();
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      clearBeat();
      ws?.terminate();
      await closed;
      state = 'closed';
    },
    get state() {
      return state;
    },
    get dials() {
      return dials;
    },
  };
}
