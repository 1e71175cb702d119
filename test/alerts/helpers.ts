/** Shared fixtures for the alert tests: a manual clock with timers, farms, health summaries, a recorder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AlertNotice,
  EventPayload,
  FarmSummary,
  HealthLayer,
  LedgerCommand,
} from '../../protocol/app/index.ts';
import type { FarmInfo, Reading, Sensor } from '../../protocol/farm-api.ts';
import type { Notifier } from '../../main/core/alerts/notifier.ts';
import {
  type AlertService,
  type AlertServiceOptions,
  createAlertService,
} from '../../main/core/alerts/service.ts';
import type { Timers } from '../../main/core/alerts/time.ts';

type AlertsChangedPayload = EventPayload<'alertsChanged'>;

export const T0 = Date.parse('2025-06-01T10:42:00Z');
export const MIN = 60_000;

/** A clock that only moves when told, with timers that fire as it passes them. */
export function manualTime(start = T0) {
  let now = start;
  let nextId = 1;
  const queue = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const id = nextId++;
      queue.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle) => {
      queue.delete(handle as number);
    },
  };
  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of queue) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      queue.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].fn();
    }
    now = end;
  };
  return {
    clock: { now: () => now },
    timers,
    advance,
    get now() {
      return now;
    },
  };
}

export function sensor(id: string, over: Partial<Sensor> = {}): Sensor {
  return {
    id,
    kind: 'air_temperature',
    label: `Sensor ${id}`,
    unit: '°C',
    expectedRange: { min: 0, max: 40 },
    intervalMs: 60_000,
    ...over,
  };
}

export function farmInfo(farmId: string, sensors: Sensor[] = [sensor('t1')]): FarmInfo {
  return {
    apiVersion: 1,
    farmId,
    name: `Farm ${farmId}`,
    location: null,
    timeZone: 'UTC',
    sensors,
    actuators: [],
    gatewayVersion: 'test',
    capabilities: [],
  };
}

export function reading(sensorId: string, ts: number, value: number): Reading {
  return { sensorId, ts, value, quality: 'ok' };
}

const layer = (state: HealthLayer['state']): HealthLayer => ({ state, at: null, detail: state });

export function summary(
  farmId: string,
  states: {
    tailnet?: HealthLayer['state'];
    gateway?: HealthLayer['state'];
    data?: HealthLayer['state'];
  } = {},
  latest: Reading[] = [],
): FarmSummary {
  const tailnet = states.tailnet ?? 'ok';
  const gateway = states.gateway ?? 'ok';
  const data = states.data ?? 'ok';
  const down = tailnet === 'down' || gateway === 'down';
  return {
    farmId,
    address: '100.64.0.10',
    dnsName: `${farmId}.example.ts.net`,
    displayName: `Farm ${farmId}`,
    location: null,
    timeZone: 'UTC',
    tags: ['tag:farm'],
    notes: '',
    health: {
      overall: down ? 'offline' : data === 'degraded' ? 'stale' : 'ok',
      reason: 'test',
      tailnet: layer(tailnet),
      gateway: layer(gateway),
      data: layer(data),
    },
    latest,
    lastReadingAt: latest.length ? Math.max(...latest.map((r) => r.ts)) : null,
    sensors: [],
  };
}

export function command(
  farmId: string,
  id: string,
  state: LedgerCommand['state'],
  at: number,
  reason?: string,
): LedgerCommand {
  const iso = new Date(at).toISOString();
  return {
    id,
    farmId,
    farmName: `Farm ${farmId}`,
    action: 'open',
    target: 'valve-1',
    params: {},
    requestedBy: 'alice@example.com',
    createdAt: iso,
    updatedAt: iso,
    state,
    reason: reason ?? null,
    history: [{ state, at: iso }],
  };
}

export function recorder(): Notifier & { notices: AlertNotice[] } {
  const notices: AlertNotice[] = [];
  return { notices, notify: (n) => void notices.push(n) };
}

export interface Harness {
  alerts: AlertService;
  time: ReturnType<typeof manualTime>;
  desktop: ReturnType<typeof recorder>;
  events: AlertsChangedPayload[];
  dir: string;
  /** Advances time, ticks the service and flushes notices. */
  walk(ms: number, stepMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export async function harness(
  options: Partial<AlertServiceOptions> & { dir?: string } = {},
): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'agromesh-alerts-'));
  const time = manualTime();
  const desktop = recorder();
  const alerts = createAlertService({
    dataDir: dir,
    clock: time.clock,
    timers: time.timers,
    notifier: desktop,
    tickMs: 0,
    timeZone: 'UTC',
    ...options,
  });
  const events: AlertsChangedPayload[] = [];
  alerts.onChanged((e) => events.push(e));
  return {
    alerts,
    time,
    desktop,
    events,
    dir,
    async walk(ms, stepMs = 30_000) {
      for (let left = ms; left > 0; left -= stepMs) {
        time.advance(Math.min(stepMs, left));
        alerts.tick();
      }
      await alerts.flushNotifications();
    },
    async dispose() {
      await alerts.dispose();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
