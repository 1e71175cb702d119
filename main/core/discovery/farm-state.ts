/**
 * What discovery knows about one farm node, and the pure steps over it: one /api/info read, the merged
 * FarmSummary, and unique farm ids across nodes.
 */
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { FarmRecord } from '../../../protocol/discovery-api.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import { FarmInfo, type Reading } from '../../../protocol/farm-api.ts';
import type { Logger } from '../../../kit/log.ts';
import type { FetchFarmInfo } from './farm-info-http.ts';
import { computeHealth, type HealthThresholds } from './health.ts';
import { mergeFarm, sensorBriefs } from './merge.ts';

export interface FarmState {
  device: TailnetDevice;
  farmId: string;
  joinedAt: number;
  tailnetAt: number | null;
  info: FarmInfo | null;
  gateway: {
    answering: boolean | null;
    okAt: number | null;
    failAt: number | null;
    failDetail: string | null;
    downSince: number | null;
  };
  failures: number;
  lastReadingAt: number | null;
  latest: Map<string, Reading>;
  checking: Promise<void> | undefined;
  abort: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function newFarmState(device: TailnetDevice, now: number): FarmState {
  return {
    device,
    farmId: '',
    joinedAt: now,
    tailnetAt: device.online ? now : null,
    info: null,
    gateway: { answering: null, okAt: null, failAt: null, failDetail: null, downSince: null },
    failures: 0,
    lastReadingAt: null,
    latest: new Map(),
    checking: undefined,
    abort: undefined,
    timer: undefined,
  };
}

/**
 * One read of a gateway's /api/info, bounded by `timeoutMs` even if the injected fetch ignores its signal.
 * Records the outcome on the state (unless the farm was dropped meanwhile).
 */
export async function readGatewayInfo(
  s: FarmState,
  target: { address: string; port: number },
  deps: {
    fetchFarmInfo: FetchFarmInfo;
    timeoutMs: number;
    now: () => number;
    signal: AbortSignal;
    stillWanted: () => boolean;
    log: Logger;
  },
): Promise<void> {
  const controller = new AbortController();
  const timeout = setTimeout(
    () => controller.abort(new AgromeshError('TIMEOUT', `no answer within ${deps.timeoutMs} ms`)),
    deps.timeoutMs,
  );
  const signal = AbortSignal.any([controller.signal, deps.signal]);
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
  aborted.catch(() => {});
  try {
    const raw = await Promise.race([deps.fetchFarmInfo(target.address, target.port, signal), aborted]);
    s.info = FarmInfo.parse(raw);
    s.gateway.okAt = deps.now();
    s.gateway.answering = true;
    s.gateway.downSince = null;
    s.failures = 0;
  } catch (err) {
    if (!deps.stillWanted()) return;
    s.gateway.failAt = deps.now();
    if (s.gateway.answering !== false) s.gateway.downSince = s.gateway.failAt;
    s.gateway.answering = false;
    s.gateway.failDetail = err instanceof Error ? err.message : String(err);
    s.failures++;
    deps.log.debug('gateway check failed', { address: target.address, err });
  } finally {
    clearTimeout(timeout);
  }
}

export interface SummaryContext {
  now: number;
  record: FarmRecord | null;
  farmPort: number;
  thresholds: HealthThresholds;
  /** The device list is a live stream: an online node is confirmed as of now. */
  live: boolean;
}

/** How often new readings alone make a farm's summary "changed" (a farmsChanged push per farm at most). */
export const READINGS_EPOCH_MS = 5_000;

/** The UI's view of one farm, and a signature of what matters for change events (not ages). */
export function summarizeFarm(
  s: FarmState,
  ctx: SummaryContext,
): { summary: FarmSummary; signature: string } {
  const { now, record } = ctx;
  const m = mergeFarm(s.device, s.info, record, ctx.farmPort);
  const heartbeatAt = record?.lastHeartbeatAt ? Date.parse(record.lastHeartbeatAt) : null;
  const live = ctx.live && s.device.online;
  const { health, cause } = computeHealth(
    {
      device: s.device,
      tailnetConfirmedAt: live ? now : s.tailnetAt,
      gateway: s.gateway,
      heartbeatAt,
      lastReadingAt: s.lastReadingAt,
    },
    now,
    ctx.thresholds,
  );
  const summary: FarmSummary = {
    farmId: s.farmId,
    address: m.address,
    dnsName: m.dnsName,
    displayName: m.displayName,
    location: m.location,
    timeZone: m.timeZone,
    tags: m.tags,
    notes: m.notes,
    region: m.region,
    crop: m.crop,
    owner: m.owner,
    health,
    latest: [...s.latest.values()].sort((a, b) => a.sensorId.localeCompare(b.sensorId)),
    lastReadingAt: s.lastReadingAt,
    sensors: sensorBriefs(s.info),
  };
  const signature = JSON.stringify([
    s.farmId,
    m.address,
    m.dnsName,
    m.displayName,
    m.location,
    m.timeZone,
    m.tags,
    m.notes,
    m.region,
    m.crop,
    m.owner,
    health.overall,
    cause,
    health.tailnet.state,
    health.gateway.state,
    health.data.state,
    s.device.connection.kind,
    summary.sensors,
    s.info?.actuators.length,
    // New readings count too (their values are in `latest`), at most once per farm every few seconds.
    s.lastReadingAt === null ? null : Math.floor(s.lastReadingAt / READINGS_EPOCH_MS),
  ]);
  return { summary, signature };
}

/** One farm id per farm: when two nodes claim one, the online one answering most recently keeps it. */
export function assignFarmIds(
  states: Iterable<FarmState>,
  recordFor: (d: TailnetDevice) => FarmRecord | null,
  farmPort: number,
): void {
  const groups = new Map<string, FarmState[]>();
  for (const s of states) {
    const want = mergeFarm(s.device, s.info, recordFor(s.device), farmPort).farmId;
    groups.set(want, [...(groups.get(want) ?? []), s]);
  }
  for (const [want, members] of groups) {
    members.sort(
      (a, b) =>
        Number(b.device.online) - Number(a.device.online) ||
        (b.gateway.okAt ?? 0) - (a.gateway.okAt ?? 0) ||
        a.joinedAt - b.joinedAt ||
        a.device.id.localeCompare(b.device.id),
    );
    members.forEach((s, i) => (s.farmId = i === 0 ? want : `${want}~${s.device.name}`));
  }
}
