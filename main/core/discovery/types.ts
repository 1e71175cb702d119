/** Options, events and views of the FarmDiscoveryService (service.ts). */
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { FarmRecord } from '../../../protocol/discovery-api.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { FarmInfo, Location } from '../../../protocol/farm-api.ts';
import type { Logger } from '../../../kit/log.ts';
import type { TailscaleManager } from '../tailnet/manager.ts';
import type { FetchFarmInfo } from './farm-info-http.ts';
import type { FetchLike } from './registry-client.ts';

export interface FarmDiscoveryOptions {
  tailnet: TailscaleManager;
  /** GET /api/info of a gateway; the app routes it through its tailnet-only dialer. */
  fetchFarmInfo: FetchFarmInfo;
  /** `false` for no registry at all. */
  registry?:
    | false
    | {
        /** Use this registry instead of looking for a `tag:registry` peer on port 8090. */
        url?: string;
        fetch?: FetchLike;
        pollIntervalMs?: number;
      };
  /** Tailnet polling interval when the backend cannot watch (default 60 s: ≤ 60 API calls an hour). */
  pollIntervalMs?: number;
  /** How often a healthy gateway's /api/info is re-read (default 60 s). Failures retry sooner, backing off. */
  infoRefreshMs?: number;
  infoTimeoutMs?: number;
  staleAfterMs?: number;
  offlineAfterMs?: number;
  /** Re-evaluation period for time-driven changes (a reading turning stale). Default 5 s. */
  tickMs?: number;
  farmPort?: number;
  now?: () => number;
  logger?: Logger;
}

export type FarmEvent =
  | { type: 'joined'; farm: FarmSummary }
  /** `previousFarmId` is set when the farm's id changed (e.g. its gateway answered for the first time). */
  | { type: 'changed'; farm: FarmSummary; previousFarmId?: string }
  | { type: 'left'; farm: FarmSummary };

export interface FarmDetailView {
  summary: FarmSummary;
  info: FarmInfo | null;
  device: TailnetDevice;
  record: FarmRecord | null;
}

export interface RegistryStatus {
  url: string | null;
  state: 'ok' | 'down' | 'none';
  at: string | null;
  detail: string;
}

export interface MetadataPatch {
  displayName?: string | null;
  notes?: string;
  region?: string;
  crop?: string;
  owner?: string;
  location?: Location | null;
  ifVersion?: number;
}
