/**
 * Synthetic control-room data for renderer tests and benchmarks. Everything is built through the contract's
 * zod schemas (parse), so a fixture that drifts from the real wire format fails loudly.
 */
import { Alert, FarmDetail, FarmSummary, LedgerCommand, Me } from '../../protocol/app/index.ts';
import type { HealthLayer } from '../../protocol/app/index.ts';
import { TailnetDevice } from '../../protocol/device.ts';
import { FarmInfo, HistoryResponse } from '../../protocol/farm-api.ts';
import { minMaxDownsample } from '../../renderer/src/lib/downsample.ts';

export const NOW = Date.parse('2026-05-20T09:30:00Z');

const HEALTHS = ['ok', 'ok', 'ok', 'degraded', 'stale', 'offline'] as const;
const REASONS: Record<(typeof HEALTHS)[number], string> = {
  ok: 'all layers answer; data is fresh',
  degraded: 'the gateway is not answering; the node is online',
  stale: 'no reading for 14 minutes',
  offline: 'the node has been offline for 3 hours',
};
const REASON_CODES = (
  health: (typeof HEALTHS)[number],
  ageMs: number,
): Pick<FarmSummary['health'], 'reasonCode' | 'reasonParams'> =>
  health === 'ok'
    ? { reasonCode: 'ok', reasonParams: { ageMs, relayed: 0 } }
    : health === 'degraded'
      ? { reasonCode: 'gateway-down', reasonParams: {} }
      : health === 'stale'
        ? { reasonCode: 'data-stale', reasonParams: { ageMs } }
        : { reasonCode: 'tailnet-offline', reasonParams: { seenAgoMs: 3 * 3_600_000 } };
const NAMES = ['North Field', 'Rivermead', 'Orchard Hill', 'Steppe Farm', 'Greenhouse 7', 'Vineyard East'];

/** Deterministic pseudo-random numbers so screenshots and benchmarks are repeatable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface FarmOptions {
  now?: number;
  location?: { lat: number; lon: number } | null;
  health?: (typeof HEALTHS)[number];
  readingAgeS?: number;
}

/** The three sensors every fixture farm has (its FarmInfo and its summary agree). */
const FIXTURE_SENSORS: FarmInfo['sensors'] = [
  {
    id: 'air-temp',
    kind: 'air_temperature',
    label: 'Air temperature',
    labels: { ru: 'Температура воздуха' },
    unit: '°C',
    expectedRange: { min: -10, max: 40 },
    intervalMs: 60_000,
  },
  {
    id: 'soil-moisture',
    kind: 'soil_moisture',
    label: 'Soil moisture',
    labels: { ru: 'Влажность почвы' },
    unit: '%',
    expectedRange: { min: 15, max: 45 },
    intervalMs: 60_000,
  },
  {
    id: 'tank-level',
    kind: 'tank_level',
    label: 'Tank level',
    labels: { ru: 'Уровень в баке' },
    unit: '%',
    expectedRange: { min: 10, max: 100 },
    intervalMs: 60_000,
  },
];

export function makeFarm(i: number, opts: FarmOptions = {}): FarmSummary {
  const rand = rng(i + 1);
  const now = opts.now ?? NOW;
  const health = opts.health ?? HEALTHS[i % HEALTHS.length]!;
  const ts = now - (opts.readingAgeS ?? (health === 'stale' ? 14 * 60 : 30)) * 1000;
  const location =
    opts.location === undefined ? { lat: 44 + rand() * 12, lon: 30 + rand() * 20 } : opts.location;
  const layer = (
    state: 'ok' | 'degraded' | 'down' | 'unknown',
    detail: string,
    detailCode: HealthLayer['detailCode'],
    detailParams: Record<string, string | number>,
  ) => ({ state, at: new Date(now - 20_000).toISOString(), detail, detailCode, detailParams });
  const readingAgeMs = now - ts;
  return FarmSummary.parse({
    farmId: `farm-${String(i).padStart(4, '0')}`,
    address: `100.64.${Math.floor(i / 250)}.${(i % 250) + 2}`,
    dnsName: `farm-${i}.tail1234.ts.net`,
    displayName: i < NAMES.length ? NAMES[i] : `Farm ${i}`,
    location,
    timeZone: 'Europe/Moscow',
    tags: i % 4 === 0 ? ['tag:farm', 'tag:north'] : ['tag:farm'],
    notes: '',
    health: {
      overall: health,
      reason: REASONS[health],
      // What the core sends beside its English words, so the Russian UI can say it (main/core/discovery/health.ts).
      ...REASON_CODES(health, readingAgeMs),
      tailnet:
        health === 'offline'
          ? layer('down', 'node offline', 'tailnet-offline', { seenAgoMs: 3 * 3_600_000 })
          : layer('ok', 'direct connection', 'tailnet-direct', { endpoint: '203.0.113.7:41641' }),
      gateway:
        health === 'degraded' || health === 'offline'
          ? layer('down', 'gateway /api/health', 'gateway-down', { okAgoMs: 600_000 })
          : layer('ok', 'gateway /api/health', 'gateway-answering', { okAgoMs: 20_000 }),
      data:
        health === 'stale'
          ? layer('degraded', 'readings are old', 'data-stale', {
              ageMs: readingAgeMs,
              staleAfterMs: 600_000,
            })
          : layer(health === 'ok' ? 'ok' : 'degraded', 'readings flowing', 'data-fresh', {
              ageMs: readingAgeMs,
            }),
    },
    latest: [
      { sensorId: 'air-temp', ts, value: Math.round((12 + rand() * 15) * 10) / 10, quality: 'ok' },
      { sensorId: 'soil-moisture', ts, value: Math.round((20 + rand() * 25) * 10) / 10, quality: 'ok' },
      {
        sensorId: 'tank-level',
        ts,
        value: Math.round(rand() * 100),
        quality: health === 'degraded' ? 'fault' : 'ok',
      },
    ],
    lastReadingAt: ts,
    sensors: FIXTURE_SENSORS.map(({ id, label, labels, unit, kind }) => ({ id, label, labels, unit, kind })),
  });
}

export function makeFarms(
  count: number,
  opts: Omit<FarmOptions, 'location'> & { unlocatedEvery?: number } = {},
): FarmSummary[] {
  return Array.from({ length: count }, (_, i) =>
    makeFarm(i, {
      ...opts,
      ...(opts.unlocatedEvery && i % opts.unlocatedEvery === opts.unlocatedEvery - 1
        ? { location: null }
        : {}),
    }),
  );
}

export function makeFarmInfo(farm: FarmSummary): FarmInfo {
  return FarmInfo.parse({
    apiVersion: 1,
    farmId: farm.farmId,
    name: farm.displayName,
    location: farm.location,
    timeZone: farm.timeZone,
    sensors: FIXTURE_SENSORS,
    actuators: [
      {
        id: 'valve-1',
        kind: 'valve',
        label: 'Irrigation valve 1',
        labels: { ru: 'Клапан полива 1' },
        commands: [
          {
            action: 'open',
            label: 'Open for a while',
            labels: { ru: 'Открыть на время' },
            params: {
              type: 'object',
              properties: {
                durationMin: {
                  type: 'integer',
                  title: 'Duration',
                  titles: { ru: 'Длительность' },
                  unit: 'min',
                  minimum: 1,
                  maximum: 120,
                  default: 10,
                },
                flowLpm: {
                  type: 'number',
                  title: 'Flow',
                  titles: { ru: 'Расход' },
                  unit: 'L/min',
                  minimum: 0.5,
                  maximum: 20,
                },
              },
              required: ['durationMin'],
            },
            confirmedBy: 'soil-moisture',
          },
          {
            action: 'close',
            label: 'Close',
            labels: { ru: 'Закрыть' },
            params: { type: 'object', properties: {} },
          },
        ],
      },
      {
        id: 'pump-1',
        kind: 'pump',
        label: 'Main pump',
        labels: { ru: 'Главный насос' },
        commands: [
          {
            action: 'set-mode',
            label: 'Set mode',
            labels: { ru: 'Задать режим' },
            params: {
              type: 'object',
              properties: {
                mode: {
                  type: 'string',
                  title: 'Mode',
                  titles: { ru: 'Режим' },
                  enum: ['off', 'eco', 'full'],
                },
                boost: { type: 'boolean', title: 'Boost', titles: { ru: 'Усиление' } },
              },
              required: ['mode'],
            },
          },
        ],
      },
    ],
    gatewayVersion: '0.1.0',
    capabilities: ['history', 'commands'],
  });
}

export function makeDevice(
  i: number,
  opts: { now?: number; tags?: string[]; online?: boolean; keyDays?: number | null } = {},
): TailnetDevice {
  const now = opts.now ?? NOW;
  return TailnetDevice.parse({
    id: `n${1000 + i}CNTRL`,
    name: i === 0 ? 'control-room' : `farm-${i}`,
    dnsName: `farm-${i}.tail1234.ts.net`,
    hostname: `farm-${i}`,
    ipv4: [`100.64.0.${i + 2}`],
    ipv6: [`fd7a:115c:a1e0::${i + 2}`],
    tags: opts.tags ?? (i === 0 ? [] : ['tag:farm']),
    os: i === 0 ? 'linux' : 'linux',
    online: opts.online ?? i % 3 !== 2,
    lastSeen: (opts.online ?? i % 3 !== 2) ? null : new Date(now - 3 * 3600_000).toISOString(),
    keyExpiry: opts.keyDays === null ? null : new Date(now + (opts.keyDays ?? 90) * 86_400_000).toISOString(),
    keyExpiryDisabled: opts.keyDays === null,
    clientVersion: '1.90.1',
    updateAvailable: i % 5 === 4,
    authorized: true,
    owner: i === 0 ? 'alice@example.com' : 'tagged-devices',
    connection:
      i % 2 === 0
        ? { kind: 'direct', endpoint: `203.0.113.${i + 1}:41641` }
        : { kind: 'relay', region: 'fra' },
    source: 'localapi',
  });
}

export function makeDetail(farm: FarmSummary, device: TailnetDevice | null): FarmDetail {
  return FarmDetail.parse({ summary: farm, info: makeFarmInfo(farm), device });
}

export function makeCommand(
  i: number,
  farm: FarmSummary,
  state: LedgerCommand['state'] = 'succeeded',
  now = NOW,
): LedgerCommand {
  const created = new Date(now - (i + 1) * 3600_000).toISOString();
  return LedgerCommand.parse({
    id: `cmd-${i}`,
    farmId: farm.farmId,
    farmName: farm.displayName,
    action: 'open',
    target: 'valve-1',
    params: { durationMin: 10 + i },
    requestedBy: i % 2 ? 'bob@example.com' : 'alice@example.com',
    createdAt: created,
    updatedAt: created,
    state,
    reason: state === 'failed' ? 'valve did not respond' : null,
    history: [
      { state: 'queued', at: created },
      { state, at: created },
    ],
  });
}

export const ROLES = {
  operator: Me.parse({
    user: 'olga@example.com',
    displayName: 'Olga Operator',
    nodeName: 'olga-laptop',
    roles: ['operator'],
    canCommand: true,
    commandFarms: '*',
    canEditTags: false,
    canOnboard: false,
    canEditFarmMetadata: true,
    explanation: 'The tailnet policy grants you the operator role on every farm.',
  }),
  agronomist: Me.parse({
    user: 'anna@example.com',
    displayName: 'Anna Agronomist',
    nodeName: 'anna-laptop',
    roles: ['agronomist'],
    canCommand: false,
    commandFarms: [],
    canEditTags: false,
    canOnboard: false,
    canEditFarmMetadata: false,
    explanation: 'The tailnet policy grants you the agronomist role (read only).',
  }),
  support: Me.parse({
    user: 'sam@example.com',
    displayName: 'Sam Support',
    nodeName: 'sam-desktop',
    roles: ['support'],
    canCommand: false,
    commandFarms: [],
    canEditTags: true,
    canOnboard: true,
    canEditFarmMetadata: true,
    explanation: 'The tailnet policy grants you the support role.',
  }),
} as const;

/** A smooth daily curve at `stepMs`, with a gap (nulls) between 40 % and 45 % of the range. */
export function makeSeries(from: number, to: number, stepMs: number, seed = 1): [number, number | null][] {
  const rand = rng(seed);
  const points: [number, number | null][] = [];
  const gapFrom = from + (to - from) * 0.4;
  const gapTo = from + (to - from) * 0.45;
  for (let ts = Math.ceil(from / stepMs) * stepMs; ts <= to; ts += stepMs) {
    const v = 18 + 8 * Math.sin((ts / 86_400_000) * 2 * Math.PI) + rand() * 0.8;
    points.push([ts, ts >= gapFrom && ts < gapTo ? null : Math.round(v * 100) / 100]);
  }
  return points;
}

/** What a core answers to getHistory: one-minute data, downsampled to maxPoints. */
export function makeHistory(
  farmId: string,
  sensorIds: string[],
  from: number,
  to: number,
  maxPoints: number,
): { series: HistoryResponse[]; fromCache: boolean } {
  return {
    fromCache: false,
    series: sensorIds.map((sensorId, i) => {
      const raw = makeSeries(from, to, 60_000, i + 1);
      const points = minMaxDownsample(raw, maxPoints);
      return HistoryResponse.parse({
        farmId,
        sensorId,
        from,
        to,
        method: points.length < raw.length ? 'minmax' : 'raw',
        resolutionMs: points.length > 1 ? (to - from) / points.length : 60_000,
        sourcePoints: raw.length,
        points,
      });
    }),
  };
}

/** A firing sensor alert: `value` below (or above) the sensor's expected range. */
export function makeSensorAlert(
  farm: FarmSummary,
  sensorId: string,
  over: Partial<Alert> & { value: number; limit: number; direction: 'below' | 'above' },
): Alert {
  const { value, limit, direction, ...rest } = over;
  const sensor = FIXTURE_SENSORS.find((s) => s.id === sensorId);
  const at = new Date().toISOString();
  return Alert.parse({
    id: `alert-${farm.farmId}-${sensorId}`,
    ruleId: 'rule-range',
    ruleName: 'Outside the expected range',
    kind: 'range',
    severity: 'warning',
    farmId: farm.farmId,
    farmName: farm.displayName,
    sensorId,
    subject: sensorId,
    state: 'firing',
    title: `${sensor?.label ?? sensorId} ${direction} ${limit}`,
    facts: {
      value,
      limit,
      direction,
      unit: sensor?.unit,
      sensorLabel: sensor?.label,
      sensorLabels: sensor?.labels,
    },
    peak: value,
    startedAt: at,
    firedAt: at,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...rest,
  });
}
