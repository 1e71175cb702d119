/**
 * The renderer's only door to the core. Under Electron the preload exposes `window.agromesh`; in a plain
 * browser the same API is built over the browser host's WebSocket bridge. Both follow protocol/app/index.ts.
 */
import { type BackoffRule, backoffDelay } from '../../../protocol/backoff.ts';
import { fromErrorBody } from '../../../protocol/errors.ts';
import { settle, wrapElectronApi } from './envelope.ts';
import {
  type AgromeshApi,
  type ElectronBridge,
  type EventName,
  type EventPayload,
  operationNames,
} from '../../../protocol/app/index.ts';

/** The page's one socket to a host on this machine: no herd to spread, so no jitter. */
const RECONNECT: BackoffRule = { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'none' };

declare global {
  interface Window {
    agromesh?: ElectronBridge;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type AnyListener = (payload: unknown) => void;

/** Connection state of the bridge, for the UI's "reconnecting…" banner. */
export type BridgeState = 'connecting' | 'open' | 'closed';

export function createWebSocketApi(
  url: string,
  onState?: (s: BridgeState) => void,
  /** Resolves when the first connection may be opened (after sign-in). */
  before: Promise<void> = Promise.resolve(),
): AgromeshApi {
  let ws: WebSocket | undefined;
  let nextId = 1;
  let retries = 0;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<string, Set<AnyListener>>();

  const connect = () => {
    onState?.('connecting');
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      retries = 0;
      onState?.('open');
      for (const msg of queue.splice(0)) socket.send(msg);
    };
    socket.onmessage = (ev: MessageEvent<string>) => {
      const msg = JSON.parse(ev.data) as {
        id?: number;
        ok?: boolean;
        value?: unknown;
        error?: unknown;
        event?: string;
        payload?: unknown;
      };
      if (typeof msg.event === 'string') {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        return;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (!p || msg.id === undefined) return;
      pending.delete(msg.id);
      try {
        p.resolve(settle(msg));
      } catch (err) {
        p.reject(err);
      }
    };
    socket.onclose = () => {
      onState?.('closed');
      for (const [id, p] of pending) {
        p.reject(
          fromErrorBody({ error: { code: 'UNAVAILABLE', message: 'Lost the connection to Agromesh.' } }),
        );
        pending.delete(id);
      }
      setTimeout(connect, backoffDelay(RECONNECT, retries++));
    };
  };
  void before.then(connect);

  const call = (op: string, input: unknown) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const msg = JSON.stringify({ id, op, input });
      if (ws?.readyState === WebSocket.OPEN) ws.send(msg);
      else queue.push(msg);
    });

  const api: Record<string, unknown> = {
    on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void) {
      const set = listeners.get(event) ?? new Set<AnyListener>();
      listeners.set(event, set);
      set.add(listener as AnyListener);
      return () => set.delete(listener as AnyListener);
    },
  };
  for (const name of operationNames) api[name] = (input?: unknown) => call(name, input);
  return api as AgromeshApi;
}

export function bridgeUrl(location: Location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/bridge`;
}

/**
 * The browser host's sign-in: the address it printed carries the token in the fragment (`#token=…`);
 * trade it once for the session cookie, and take it out of the address bar and history.
 */
export async function signIn(location: Location, history: History): Promise<void> {
  const m = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!m) return;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  await fetch('/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: m[1] }),
    credentials: 'same-origin',
  }).catch(() => undefined);
}

export function resolveApi(onState?: (s: BridgeState) => void): AgromeshApi {
  if (window.agromesh) {
    onState?.('open');
    return wrapElectronApi(window.agromesh);
  }
  return createWebSocketApi(bridgeUrl(window.location), onState, signIn(window.location, window.history));
}
