/** The discovery service's options with their defaults filled in (see types.ts), and the gateway re-check schedule they set. */
import { FARM_HTTP_PORT } from '../../../protocol/farm-api.ts';
import { backoffDelay } from '../../../protocol/backoff.ts';
import type { FarmDiscoveryOptions } from './types.ts';

export type ResolvedDiscoveryOptions = Required<Omit<FarmDiscoveryOptions, 'registry' | 'logger' | 'now'>>;

export function resolveDiscoveryOptions(options: FarmDiscoveryOptions): ResolvedDiscoveryOptions {
  return {
    tailnet: options.tailnet,
    fetchFarmInfo: options.fetchFarmInfo,
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    infoRefreshMs: options.infoRefreshMs ?? 60_000,
    infoTimeoutMs: options.infoTimeoutMs ?? 5_000,
    staleAfterMs: options.staleAfterMs ?? 5 * 60_000,
    offlineAfterMs: options.offlineAfterMs ?? 90_000,
    tickMs: options.tickMs ?? 5_000,
    farmPort: options.farmPort ?? FARM_HTTP_PORT,
  };
}

/** When to re-read a gateway's /api/info: healthy, at the refresh interval; failing, sooner, doubling up to it. */
export function recheckDelay(failures: number, infoRefreshMs: number): number {
  return failures === 0
    ? infoRefreshMs
    : backoffDelay(
        {
          baseMs: 1_000,
          factor: 2,
          capMs: Math.min(infoRefreshMs, 64_000),
          jitter: 'none',
        },
        failures - 1,
      );
}
