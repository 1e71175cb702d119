/**
 * The `GET /api/farms` body as bytes: serialised once into a Buffer (and gzipped once, on first ask),
 * rebuilt at most once per `minRebuildMs` however often heartbeats change the store, with an ETag so
 * pollers that already hold the list get a 304 of a few bytes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ListFilter, RegistryStore } from './store.ts';

export interface ListBody {
  body: Buffer;
  etag: string;
  /** Gzipped body, computed on first request and kept with this entry. */
  gzipped(): Buffer;
}

interface Entry extends ListBody {
  builtAt: number;
  json: string;
}

export class ListBodyCache {
  readonly #store: RegistryStore;
  readonly #now: () => number;
  readonly #minRebuildMs: number;
  readonly #entries = new Map<string, Entry>();
  /** How many times a body was serialised to bytes (tests and benchmarks watch this). */
  rebuilds = 0;

  constructor(store: RegistryStore, now: () => number, minRebuildMs = 1_000) {
    this.#store = store;
    this.#now = now;
    this.#minRebuildMs = minRebuildMs;
  }

  /** A person's edit must show in their next GET at once; only heartbeat churn may lag (≤ minRebuildMs). */
  invalidate(): void {
    this.#entries.clear();
  }

  get(filter: ListFilter = {}): ListBody {
    const cacheKey = `${filter.tag ?? ''}\u0000${filter.status ?? ''}`;
    const now = this.#now();
    const hit = this.#entries.get(cacheKey);
    if (hit && now - hit.builtAt < this.#minRebuildMs) return hit;
    const { json } = this.#store.list(filter);
    if (hit?.json === json) {
      hit.builtAt = now;
      return hit;
    }
    this.rebuilds++;
    const body = Buffer.from(json);
    let gz: Buffer | undefined;
    const entry: Entry = {
      builtAt: now,
      json,
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      gzipped: () => (gz ??= gzipSync(body, { level: 6 })),
    };
    if (this.#entries.size > 64) this.#entries.clear();
    this.#entries.set(cacheKey, entry);
    return entry;
  }
}

const caches = new WeakMap<RegistryStore, ListBodyCache>();

/** The one cache per store (so the route needs no new context field). */
export function listBodyCache(store: RegistryStore, now: () => number): ListBodyCache {
  let c = caches.get(store);
  if (!c) caches.set(store, (c = new ListBodyCache(store, now)));
  return c;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Sends the list: 304 on a matching If-None-Match, gzip when Accept-Encoding asks, else the plain Buffer. */
export function sendListBody(req: IncomingMessage, res: ServerResponse, list: ListBody): void {
  const common = {
    etag: list.etag,
    vary: 'Accept-Encoding',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (matches(req.headers['if-none-match'], list.etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  const body = gzip ? list.gzipped() : list.body;
  res.writeHead(200, {
    ...common,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(body);
}
