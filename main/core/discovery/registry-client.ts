/**
 * The app's client for a discovery registry. Requests go through an injected fetch so the app can route
 * them through its tailnet-only dialer; answers are validated, errors keep the registry's codes.
 */
import { FarmList, FarmRecord, type FarmMetadataUpdate } from '../../../protocol/discovery-api.ts';
import { AgromeshError, fromErrorBody } from '../../../protocol/errors.ts';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface RegistryClientOptions {
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Aborts every request when the owner is disposed. */
  signal?: AbortSignal;
}

export interface RegistryClient {
  listFarms(baseUrl: string): Promise<FarmRecord[]>;
  getFarm(baseUrl: string, address: string): Promise<FarmRecord | null>;
  updateFarm(baseUrl: string, address: string, patch: FarmMetadataUpdate): Promise<FarmRecord>;
}

const MAX_LIST_BYTES = 32 * 1024 * 1024;

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 5_000;

  // The last list and its ETag, so a poll of an unchanged list costs a 304 of a few bytes (one registry at a time).
  let lastList: { baseUrl: string; etag: string; farms: FarmRecord[] } | null = null;

  async function send(
    url: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: unknown; etag: string | null }> {
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    let res: Response;
    try {
      res = await doFetch(url, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) });
    } catch (err) {
      if (err instanceof AgromeshError) throw err;
      throw new AgromeshError('UNAVAILABLE', `The discovery registry at ${url} is not reachable.`, {
        cause: err,
      });
    }
    const text = await res.text();
    if (text.length > MAX_LIST_BYTES)
      throw new AgromeshError('UNAVAILABLE', 'The registry answer is too large.');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new AgromeshError(
        'UNAVAILABLE',
        `The registry at ${url} answered ${res.status} with something that is not JSON.`,
      );
    }
    return { status: res.status, body, etag: res.headers.get('etag') };
  }

  const fail = (status: number, body: unknown) =>
    fromErrorBody(body, status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST');

  return {
    async listFarms(baseUrl) {
      const held = lastList?.baseUrl === baseUrl ? lastList : null;
      const { status, body, etag } = await send(
        `${baseUrl}/api/farms`,
        held ? { headers: { 'if-none-match': held.etag } } : {},
      );
      if (status === 304 && held) return [...held.farms];
      if (status !== 200) throw fail(status, body);
      const parsed = FarmList.safeParse(body);
      if (!parsed.success)
        throw new AgromeshError('UNAVAILABLE', 'The registry sent a farm list that could not be understood.');
      lastList = etag ? { baseUrl, etag, farms: parsed.data.farms } : null;
      return parsed.data.farms;
    },
    async getFarm(baseUrl, address) {
      const { status, body } = await send(`${baseUrl}/api/farms/${encodeURIComponent(address)}`);
      if (status === 404) return null;
      if (status !== 200) throw fail(status, body);
      return FarmRecord.parse(body);
    },
    async updateFarm(baseUrl, address, patch) {
      const { status, body } = await send(`${baseUrl}/api/farms/${encodeURIComponent(address)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      if (status !== 200) throw fail(status, body);
      return FarmRecord.parse(body);
    },
  };
}
