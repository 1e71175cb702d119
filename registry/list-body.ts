/**
 * The `GET /api/farms` body as bytes: serialised once into a Buffer (and gzipped or brotli-compressed once,
 * on first ask), rebuilt at most once per `minRebuildMs` however often heartbeats change the store, with a
 * strong ETag per body and encoding so pollers that already hold the list get a 304 of a few bytes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { ListFilter, RegistryStore } from './store.ts';

export type ListEncoding = 'br' | 'gzip' | 'identity';

export interface ListBody {
  body: Buffer;
  /** Strong ETag of the identity body; each encoding's ETag is this with a suffix (see `etagOf`). */
  etag: string;
  /** Gzipped body, computed on first request and kept with this entry. */
  gzipped(): Buffer;
  /** Brotli body, computed on first request and kept with this entry. */
  brotli(): Buffer;
}

/** A strong validator must differ per content-coding (RFC 9110 §8.8.1), so each encoding gets its own. */
export function etagOf(list: ListBody, encoding: ListEncoding): string {
  return encoding === 'identity' ? list.etag : `${list.etag.slice(0, -1)}-${encoding}"`;
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
    let br: Buffer | undefined;
    const entry: Entry = {
      builtAt: now,
      json,
      body,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      gzipped: () => (gz ??= gzipSync(body, { level: 6 })),
      // Quality 5: within a few per cent of 11's size at a small fraction of its time (once per version).
      brotli: () =>
        (br ??= brotliCompressSync(body, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: 5,
            [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
          },
        })),
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

/** Weak comparison, as If-None-Match uses: any encoding's ETag of this body (or `*`) matches. */
function matches(ifNoneMatch: string | undefined, list: ListBody): boolean {
  if (!ifNoneMatch) return false;
  const base = list.etag.slice(0, -1);
  return ifNoneMatch
    .split(',', 64)
    .map((t) => t.trim().replace(/^W\//, ''))
    .some(
      (t) =>
        t === '*' || t === list.etag || (t.startsWith(base) && /^-(gzip|br)"$/.test(t.slice(base.length))),
    );
}

/**
 * The encoding to send for an Accept-Encoding header: the best-q of br and gzip (br on a tie), `*` standing
 * for either; identity when neither is acceptable. Identity is always sent rather than a 406, even when the
 * client says `identity;q=0`: a list the client can read beats an error it cannot.
 */
export function chooseEncoding(acceptEncoding: string | undefined): ListEncoding {
  if (!acceptEncoding) return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',', 32)) {
    const [rawName = '', ...params] = part.split(';');
    const name = rawName.trim().toLowerCase();
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (name) q.set(name, Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*');
  const br = q.get('br') ?? star ?? 0;
  const gzip = q.get('gzip') ?? q.get('x-gzip') ?? star ?? 0;
  if (br <= 0 && gzip <= 0) return 'identity';
  return br >= gzip ? 'br' : 'gzip';
}

/** Sends the list: 304 on a matching If-None-Match, br or gzip when Accept-Encoding asks, else the plain Buffer. */
export function sendListBody(req: IncomingMessage, res: ServerResponse, list: ListBody): void {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  const common = {
    etag: etagOf(list, encoding),
    vary: 'Accept-Encoding',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (matches(req.headers['if-none-match'], list)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const body = encoding === 'br' ? list.brotli() : encoding === 'gzip' ? list.gzipped() : list.body;
  res.writeHead(200, {
    ...common,
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
  });
  res.end(body);
}
