/**
 * Keeps each farm's tailnet posture attributes (custom:agromesh_region / _crop / _owner) in step with the
 * region, crop and owner people keep in the registry, so the company's tailnet policy can match on them.
 * Writes after a save, when the registry's values change (any control room's edit), and reconciles (drift:
 * someone removed or changed one in the admin console) every farm on start and periodically, and the farms
 * whose devices a tailnet refresh changed (a full pass per poll would cost a call per farm per minute). Failed farms are retried with the shared backoff rule, a bounded number of times.
 * Backends without posture attributes (Headscale, the local daemon alone) are reported, never called.
 */
import type { FarmRecord } from '../../../protocol/discovery-api.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { type BackoffRule, backoffDelay } from '../../../protocol/backoff.ts';
import {
  FARM_POLICY_FIELDS,
  type FarmPolicyAttributes,
  type FarmPolicyText,
  planPosture,
  postureChanges,
} from '../../../protocol/app/farm-policy.ts';
import { toAgromeshError } from '../../../protocol/errors.ts';
import type { Logger } from '../../../kit/log.ts';
import type { TailscaleManager } from '../tailnet/manager.ts';
import { unsupported } from '../tailnet/unsupported.ts';

export interface PostureFarms {
  listFarms(): { farmId: string }[];
  getFarmDetail(farmId: string): { device: TailnetDevice; record: FarmRecord | null } | undefined;
}

export interface PostureSyncOptions {
  manager: TailscaleManager;
  farms: PostureFarms;
  log: Logger;
  /** Farms synced at once during a reconcile (default 4): a big fleet must not flood the API. */
  concurrency?: number;
  /** Wait before retrying a farm whose sync failed. */
  retry?: BackoffRule;
  /** Retries of one failed farm before waiting for the next reconcile (default 5). */
  maxRetries?: number;
  /** Full reconcile period in ms (default 15 min); 0 = only on start and tailnet refreshes. */
  reconcileEveryMs?: number;
  /** A tailnet refresh reconciles after this quiet time (default 2 s), once for a burst. */
  settleMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface ReconcileReport {
  farms: number;
  written: number;
  deleted: number;
  failed: number;
}

export interface PostureSync {
  /** What the farm's device carries now against the registry (reads the device). */
  status(farmId: string): Promise<FarmPolicyAttributes>;
  /** Writes and deletes what differs; returns the state after. Never throws: failures are in `error`. */
  syncFarm(farmId: string): Promise<FarmPolicyAttributes>;
  /** Every farm (or those given), `concurrency` at a time. */
  reconcile(farmIds?: readonly string[]): Promise<ReconcileReport>;
  /** The tailnet refresh changed these devices: reconcile their farms once the burst settles. */
  noteTailnetRefresh(deviceIds: readonly string[]): void;
  /** A farm's summary changed: sync it if its region, crop or owner differ from what was last synced. */
  noteFarm(farmId: string, text: FarmPolicyText): void;
  /** Farms waiting for a retry after a failed sync (diagnostics, tests). */
  pendingRetries(): number;
  dispose(): void;
}

const DEFAULT_RETRY: BackoffRule = { baseMs: 2_000, capMs: 5 * 60_000, factor: 3, jitter: 'equal' };

const textOf = (record: FarmRecord | null): FarmPolicyText => ({
  region: record?.region ?? '',
  crop: record?.crop ?? '',
  owner: record?.owner ?? '',
});
const signature = (t: FarmPolicyText) => FARM_POLICY_FIELDS.map((f) => (t[f] ?? '').trim()).join('\u0001');

export function createPostureSync(o: PostureSyncOptions): PostureSync {
  const { manager, farms, log } = o;
  const now = o.now ?? Date.now;
  const supported = manager.capabilities.has('posture');
  const reason = supported
    ? null
    : `${unsupported(manager.kind, 'posture').message} The registry alone holds the region, crop and owner.`;
  const synced = new Map<string, string>(); // farmId → signature of the text last brought in step
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Map<string, Promise<FarmPolicyAttributes>>();
  let disposed = false;
  let settleTimer: NodeJS.Timeout | undefined;
  const changedDevices = new Set<string>();

  const later = (ms: number, fn: () => void) => {
    if (disposed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    timers.add(t);
  };

  const result = (
    farmId: string,
    text: FarmPolicyText,
    current: Record<string, unknown> | null,
    checked: boolean,
    error: string | null,
  ): FarmPolicyAttributes => ({
    farmId,
    backend: manager.kind,
    supported,
    unsupportedReason: reason,
    attributes: planPosture(text, supported ? (current ?? {}) : null),
    checkedAt: checked ? new Date(now()).toISOString() : null,
    error,
  });

  const lookup = (farmId: string) => {
    const detail = farms.getFarmDetail(farmId);
    return detail ? { deviceId: detail.device.id, text: textOf(detail.record) } : undefined;
  };

  const status = async (farmId: string): Promise<FarmPolicyAttributes> => {
    const farm = lookup(farmId);
    if (!farm) return result(farmId, {}, null, false, `No farm "${farmId}" on this tailnet.`);
    if (!supported) return result(farmId, farm.text, null, false, null);
    try {
      return result(farmId, farm.text, await manager.getPosture(farm.deviceId), true, null);
    } catch (err) {
      return result(farmId, farm.text, null, false, toAgromeshError(err).message);
    }
  };

  const attempt = async (farmId: string): Promise<FarmPolicyAttributes> => {
    const farm = lookup(farmId);
    if (!farm || !supported) return status(farmId);
    try {
      const current = await manager.getPosture(farm.deviceId);
      const { write, remove } = postureChanges(planPosture(farm.text, current));
      for (const { key, value } of write) await manager.setPosture(farm.deviceId, key, value);
      for (const key of remove) await manager.deletePosture(farm.deviceId, key);
      const after = { ...current, ...Object.fromEntries(write.map((w) => [w.key, w.value])) };
      for (const key of remove) delete after[key];
      if (write.length + remove.length > 0) {
        log.info('posture attributes brought in step', {
          farmId,
          written: write.length,
          deleted: remove.length,
        });
      }
      synced.set(farmId, signature(farm.text));
      attempts.delete(farmId);
      return result(farmId, farm.text, after, true, null);
    } catch (err) {
      const message = toAgromeshError(err).message;
      const n = attempts.get(farmId) ?? 0;
      log.warn('could not write posture attributes', { farmId, attempt: n, err: message });
      if (n < (o.maxRetries ?? 5)) {
        attempts.set(farmId, n + 1);
        later(backoffDelay(o.retry ?? DEFAULT_RETRY, n, o.random), () => void syncFarm(farmId));
      } else {
        attempts.delete(farmId); // the next reconcile starts a fresh series
      }
      return result(farmId, farm.text, null, false, message);
    }
  };

  // One sync per farm at a time; a request during one runs after it, on the then-current registry text.
  const syncFarm = (farmId: string): Promise<FarmPolicyAttributes> => {
    const prev = inFlight.get(farmId) ?? Promise.resolve(undefined);
    const next = prev.then(() => attempt(farmId));
    inFlight.set(farmId, next);
    void next.finally(() => {
      if (inFlight.get(farmId) === next) inFlight.delete(farmId);
    });
    return next;
  };

  const reconcile = async (only?: readonly string[]): Promise<ReconcileReport> => {
    const report: ReconcileReport = { farms: 0, written: 0, deleted: 0, failed: 0 };
    if (!supported || disposed) return report;
    const queue = farms
      .listFarms()
      .map((f) => f.farmId)
      .filter((id) => only === undefined || only.includes(id));
    report.farms = queue.length;
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const before = await status(id);
        const { write, remove } = postureChanges(before.attributes);
        if (before.error === null && write.length + remove.length === 0) {
          synced.set(id, signature(Object.fromEntries(before.attributes.map((a) => [a.field, a.text]))));
          continue;
        }
        const after = await syncFarm(id);
        if (after.error !== null) report.failed++;
        else {
          report.written += write.length;
          report.deleted += remove.length;
        }
      }
    };
    const workers = Math.max(1, Math.min(o.concurrency ?? 4, queue.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return report;
  };

  const reconcileQuietly = (only?: readonly string[]) => {
    reconcile(only).catch((err: unknown) => log.warn('posture reconcile failed', { err }));
  };
  const every = o.reconcileEveryMs ?? 15 * 60_000;
  const interval = supported && every > 0 ? setInterval(() => reconcileQuietly(), every) : undefined;
  interval?.unref?.();

  return {
    status,
    syncFarm,
    reconcile,
    noteTailnetRefresh: (deviceIds) => {
      if (!supported || disposed || deviceIds.length === 0) return;
      for (const id of deviceIds) changedDevices.add(id);
      if (settleTimer) clearTimeout(settleTimer);
      settleTimer = setTimeout(() => {
        const ids = new Set(changedDevices);
        changedDevices.clear();
        const affected = farms
          .listFarms()
          .map((f) => f.farmId)
          .filter((farmId) => {
            const d = farms.getFarmDetail(farmId)?.device;
            return d !== undefined && ids.has(d.id);
          });
        if (affected.length > 0) reconcileQuietly(affected);
      }, o.settleMs ?? 2_000);
      settleTimer.unref?.();
    },
    noteFarm: (farmId, text) => {
      if (!supported || disposed) return;
      const known = synced.get(farmId);
      if (known !== undefined && known !== signature(text)) void syncFarm(farmId);
    },
    pendingRetries: () => timers.size,
    dispose: () => {
      disposed = true;
      if (interval) clearInterval(interval);
      if (settleTimer) clearTimeout(settleTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
