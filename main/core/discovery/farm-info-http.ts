/**
 * A plain `fetchFarmInfo` for headless use (`agromesh farms`): GET http://ADDR:PORT/api/info with a timeout.
 * The app passes its own, routed through the tailnet-only dialer.
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import { FarmInfo } from '../../../protocol/farm-api.ts';
import { isTailnetAddress } from '../../../protocol/tailnet-address.ts';
import { hostPort } from '../../../protocol/host-port.ts';
import type { FetchLike } from './registry-client.ts';

export type FetchFarmInfo = (address: string, port: number, signal?: AbortSignal) => Promise<FarmInfo>;

export function createHttpFarmInfoFetcher(
  options: { fetch?: FetchLike; timeoutMs?: number } = {},
): FetchFarmInfo {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 5_000;
  return async (address, port, signal) => {
    // SSRF guard for the default fetcher: only tailnet destinations (an injected fetch may map them).
    if (!isTailnetAddress(address) && options.fetch === undefined) {
      throw new AgromeshError(
        'DESTINATION_NOT_ALLOWED',
        `Refusing to dial ${address}: not a tailnet address.`,
      );
    }
    const url = `http://${hostPort(address, port)}/api/info`;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let res: Response;
    try {
      res = await doFetch(url, { redirect: 'manual', signal: AbortSignal.any(signals) });
    } catch (err) {
      const why =
        err instanceof Error && err.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : 'connection failed';
      throw new AgromeshError('FARM_UNREACHABLE', `${url}: ${why}`, { cause: err });
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new AgromeshError('FARM_BAD_RESPONSE', `${url} answered HTTP ${res.status}`);
    }
    const parsed = FarmInfo.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success)
      throw new AgromeshError('FARM_BAD_RESPONSE', `${url} sent farm info that could not be understood`);
    return parsed.data;
  };
}
