/**
 * Link quality as one service of a tailnet session: the sampler (main/core/link-quality/sampler.ts) on this
 * machine's tailscaled, its samples beside the reading cache in `farms.sqlite`, and the `getFarmLink`
 * answer (samples, summary, whether sampling works here).
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { type FarmLink, summarizeLink } from '../../../protocol/app/index.ts';
import type { Resource } from '../../../kit/resources.ts';
import type { Logger } from '../../../kit/log.ts';
import { openDatabase } from '../../../kit/sqlite.ts';
import { createLocalApiClient, type LocalApiClient } from '../../../kit/tailscale/localapi.ts';
import { createLinkSampler, type LinkSampler, type LinkSamplerTuning, type SampledFarm } from './sampler.ts';
import { createLinkStore, type LinkStore, type LinkStoreOptions } from './store.ts';

export {
  createLinkSampler,
  defaultSamplerTuning,
  type LinkSampler,
  type LinkSamplerTuning,
  type SampledFarm,
} from './sampler.ts';
export { createLinkStore, type LinkStore } from './store.ts';

export interface LinkQualityOptions {
  dataDir: string;
  /** This machine's tailscaled (default: detect it, as the LocalAPI backend does). */
  localApiSocket?: string | undefined;
  /** A client to use instead of opening one (tests); not disposed. */
  localApi?: Pick<LocalApiClient, 'status' | 'request'>;
  farms: () => SampledFarm[];
  log: Logger;
  now?: () => number;
  tuning?: Partial<LinkSamplerTuning>;
  retention?: Pick<LinkStoreOptions, 'retentionMs' | 'maxRowsPerFarm'>;
}

export interface LinkQuality extends Resource {
  readonly sampler: LinkSampler;
  readonly store: LinkStore;
  farmLink(input: { farmId: string; from: number; to: number }): FarmLink;
}

export function createLinkQuality(options: LinkQualityOptions): LinkQuality {
  const now = options.now ?? Date.now;
  // A connection of its own to the cache's file (WAL: the reading cache keeps writing meanwhile).
  const db: DatabaseSync = openDatabase({ file: join(options.dataDir, 'farms.sqlite'), migrations: [] });
  const store = createLinkStore({ db, now, ...options.retention });
  const own = options.localApi
    ? undefined
    : createLocalApiClient({
        ...(options.localApiSocket ? { socketPath: options.localApiSocket } : {}),
        logger: options.log.child('localapi'),
      });
  const sampler = createLinkSampler({
    localApi: options.localApi ?? own!,
    farms: options.farms,
    store,
    now,
    log: options.log,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  return {
    sampler,
    store,
    farmLink({ farmId, from, to }) {
      const samples = store.query(farmId, from, to);
      // The sample before the window still holds at its start.
      const before = store.before(farmId, from - 1);
      const covering =
        before && before.at >= from - sampler.intervalMs * 1.5 ? [before, ...samples] : samples;
      return {
        farmId,
        intervalMs: sampler.intervalMs,
        samples: covering,
        summary: summarizeLink(covering, from, to, sampler.intervalMs),
        source: sampler.source(),
      };
    },
    async dispose() {
      await sampler.dispose();
      await own?.dispose();
      db.close();
    },
  };
}
