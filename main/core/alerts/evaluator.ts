/**
 * Evaluates the rules against what the app sees: readings from the live stream, farm health changes,
 * command transitions and tailnet devices, plus `tick()` for conditions that become true by time alone.
 *
 * - Value rules use reading timestamps: a breach must last `forS` across readings; it clears only past the
 *   hysteresis level. Out-of-order or replayed readings (older than the newest seen) are ignored.
 * - Offline rules time a layer from the moment this app saw it go bad. Only the deepest cause alerts:
 *   a node off the tailnet does not also raise "gateway not answering" or "no data", and an offline farm
 *   does not raise one "sensor stopped reporting" per sensor.
 * - Command rules: a failed/rejected/expired command alerts at once; an `unknown` one after `unknownForS`.
 */
import type {
  AlertKind,
  AlertRule,
  FarmSummary,
  HealthLayerName,
  LedgerCommand,
} from '../../../protocol/app/index.ts';
import type { FarmInfo, Reading, Sensor } from '../../../protocol/farm-api.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { type AlertBook, SYSTEM } from './book.ts';
import {
  breachOf,
  clearLevel,
  type Direction,
  isCleared,
  isValueCondition,
  levelsFor,
  worse,
} from './levels.ts';
import type { RuleIndex } from './rules.ts';
import type { AlertClock } from './time.ts';

export const LAYERS: readonly HealthLayerName[] = ['tailnet', 'gateway', 'data'];
// Constant kind lists: the rule index caches its answers per list.
const VALUE_KINDS = ['threshold', 'setpoint', 'range'] as const;
const OFFLINE: readonly ['offline'] = ['offline'];
const STALE: readonly ['stale'] = ['stale'];
const COMMAND: readonly ['command'] = ['command'];
const KEY_EXPIRY: readonly ['keyExpiry'] = ['keyExpiry'];
const ONE_KIND: Record<AlertKind, readonly AlertKind[]> = {
  threshold: ['threshold'],
  setpoint: ['setpoint'],
  range: ['range'],
  offline: OFFLINE,
  stale: STALE,
  command: COMMAND,
  keyExpiry: KEY_EXPIRY,
};
const FAILED_STATES = new Set(['failed', 'interrupted', 'rejected', 'expired']);
const DAY_MS = 86_400_000;
/** A pending breach fires on a tick only while its last reading is this fresh (or 3 sensor intervals). */
const MIN_FRESH_MS = 60_000;
/** Open `unknown` commands remembered at most (oldest dropped). */
const MAX_UNKNOWN = 10_000;

/** Threshold/setpoint rules for "every sensor of a kind" apply only to sensors of that kind. */
function matchesSensorKind(rule: AlertRule, kind: string | undefined, unknownMatches: boolean): boolean {
  const c = rule.condition;
  if (rule.sensorId !== null || (c.kind !== 'threshold' && c.kind !== 'setpoint') || c.sensorKind === null)
    return true;
  return kind === undefined ? unknownMatches : c.sensorKind === kind;
}

export type DeviceKeyInfo = Pick<TailnetDevice, 'keyExpiry' | 'keyExpiryDisabled'>;

interface LayerState {
  /** When this app first saw the layer bad (null: not bad). */
  since: number | null;
  detail: string;
}

interface FarmState {
  farmId: string;
  name: string;
  sensors: Map<string, Sensor>;
  /** When each sensor became known here (the reference for "never reported"). */
  knownAt: Map<string, number>;
  /** Newest reading seen per sensor, from any source (freshness). */
  lastTs: Map<string, number>;
  lastValue: Map<string, number>;
  /** Newest reading the value rules evaluated per sensor (replays and out-of-order readings are skipped). */
  evaluatedTs: Map<string, number>;
  layers: Record<HealthLayerName, LayerState>;
  device: DeviceKeyInfo | null;
  info: FarmInfo | null;
}

interface Pending {
  ruleId: string;
  farmId: string;
  sensorId: string;
  direction: Direction;
  since: number;
  lastTs: number;
  value: number;
  peak: number;
  limit: number;
  clear: number | null;
}

export class Evaluator {
  readonly #book: AlertBook;
  readonly #rules: RuleIndex;
  readonly #clock: AlertClock;
  readonly #farms = new Map<string, FarmState>();
  readonly #pending = new Map<string, Pending>();
  readonly #unknown = new Map<string, { command: LedgerCommand; since: number }>();

  constructor(book: AlertBook, rules: RuleIndex, clock: AlertClock) {
    this.#book = book;
    this.#rules = rules;
    this.#clock = clock;
  }

  #farm(farmId: string): FarmState {
    let f = this.#farms.get(farmId);
    if (!f) {
      const none = (): LayerState => ({ since: null, detail: '' });
      f = {
        farmId,
        name: farmId,
        sensors: new Map(),
        knownAt: new Map(),
        lastTs: new Map(),
        lastValue: new Map(),
        evaluatedTs: new Map(),
        layers: { tailnet: none(), gateway: none(), data: none() },
        device: null,
        info: null,
      };
      this.#farms.set(farmId, f);
    }
    return f;
  }

  #know(f: FarmState, sensorId: string): void {
    if (!f.knownAt.has(sensorId)) f.knownAt.set(sensorId, this.#clock.now());
  }

  setInfo(info: FarmInfo, farmId = info.farmId): void {
    const f = this.#farm(farmId);
    if (f.info === info) return; // the same object arrives with every batch
    f.info = info;
    if (info.name && f.name === f.farmId) f.name = info.name;
    f.sensors = new Map(info.sensors.map((s) => [s.id, s]));
    for (const s of info.sensors) this.#know(f, s.id);
  }

  // ---- readings -----------------------------------------------------------------------------------

  readings(farmId: string, readings: readonly Reading[]): void {
    const f = this.#farm(farmId);
    const ordered = readings.length > 1 ? [...readings].sort((a, b) => a.ts - b.ts) : readings;
    for (const r of ordered) {
      if (r.quality !== 'ok' || r.value === null) continue;
      const prev = f.evaluatedTs.get(r.sensorId);
      if (prev !== undefined && r.ts <= prev) continue;
      f.evaluatedTs.set(r.sensorId, r.ts);
      this.#fresh(f, r.sensorId, r.ts, r.value);
      for (const rule of this.#valueRules(f, r.sensorId)) this.#stepValue(rule, f, r.sensorId, r.ts, r.value);
    }
  }

  /** A sensor reported: remember when (and what), and close its "stopped reporting" alert. */
  #fresh(f: FarmState, sensorId: string, ts: number, value: number): void {
    this.#know(f, sensorId);
    const prev = f.lastTs.get(sensorId);
    if (prev !== undefined && ts <= prev) return;
    f.lastTs.set(sensorId, ts);
    f.lastValue.set(sensorId, value);
    for (const a of this.#book.openFor(f.farmId, sensorId)) {
      if (a.kind === 'stale') this.#book.resolve(a, SYSTEM, 'reporting-again', ts, true);
    }
  }

  #valueRules(f: FarmState, sensorId: string): readonly AlertRule[] {
    const kind = f.sensors.get(sensorId)?.kind;
    const rules = this.#rules.for(f.farmId, sensorId, VALUE_KINDS);
    return rules.every((r) => matchesSensorKind(r, kind, false))
      ? rules
      : rules.filter((r) => matchesSensorKind(r, kind, false));
  }

  #stepValue(rule: AlertRule, f: FarmState, sensorId: string, ts: number, value: number): void {
    const c = rule.condition;
    if (!isValueCondition(c)) return;
    const sensor = f.sensors.get(sensorId);
    const levels = levelsFor(c, sensor, (id) => f.lastValue.get(id) ?? null);
    if (levels === null) return;
    const open = this.#book.open(rule.id, f.farmId, sensorId);
    if (open) {
      const direction = open.facts.direction ?? 'above';
      open.peak = worse(direction, open.peak, value);
      if (isCleared(levels, direction, value)) this.#book.resolve(open, SYSTEM, 'cleared', ts, true);
      return;
    }
    const key = `${rule.id}\u0000${f.farmId}\u0000${sensorId}`;
    const direction = breachOf(levels, value);
    if (direction === null) {
      this.#pending.delete(key);
      return;
    }
    let p = this.#pending.get(key);
    const limit = (direction === 'above' ? levels.above : levels.below)!;
    if (!p || p.direction !== direction) {
      p = {
        ruleId: rule.id,
        farmId: f.farmId,
        sensorId,
        direction,
        since: ts,
        lastTs: ts,
        value,
        peak: value,
        limit,
        clear: null,
      };
      this.#pending.set(key, p);
    }
    p.lastTs = ts;
    p.value = value;
    p.peak = worse(direction, p.peak, value);
    p.limit = limit;
    p.clear = clearLevel(levels, direction);
    if (ts - p.since >= c.forS * 1000) this.#fireValue(rule, f, p, key);
  }

  #fireValue(rule: AlertRule, f: FarmState, p: Pending, key: string): void {
    this.#pending.delete(key);
    const sensor = f.sensors.get(p.sensorId);
    const c = rule.condition;
    this.#book.fire({
      rule,
      farmId: f.farmId,
      farmName: f.name,
      subject: p.sensorId,
      sensorId: p.sensorId,
      startedAt: p.since,
      peak: p.peak,
      facts: {
        value: p.value,
        limit: p.limit,
        ...(p.clear === null ? {} : { clear: p.clear }),
        direction: p.direction,
        sensorLabel: sensor?.label ?? p.sensorId,
        ...(sensor?.labels ? { sensorLabels: sensor.labels } : {}),
        ...(sensor?.unit ? { unit: sensor.unit } : {}),
        forS: 'forS' in c ? c.forS : 0,
      },
    });
  }

  // ---- health -------------------------------------------------------------------------------------

  health(summary: FarmSummary): void {
    const f = this.#farm(summary.farmId);
    if (summary.displayName) f.name = summary.displayName;
    const now = this.#clock.now();
    // The summary's latest readings tell freshness even when the stream is not wired for this farm.
    for (const r of summary.latest) {
      if (r.quality === 'ok' && r.value !== null) this.#fresh(f, r.sensorId, r.ts, r.value);
    }
    for (const layer of LAYERS) {
      const h = summary.health[layer];
      const bad = layer === 'data' ? h.state === 'degraded' || h.state === 'down' : h.state === 'down';
      const st = f.layers[layer];
      if (bad) {
        st.since ??= now;
        st.detail = h.detail;
      } else if (h.state === 'ok') {
        st.since = null;
        st.detail = h.detail;
        for (const a of this.#book.openFor(f.farmId, layer)) {
          if (a.kind === 'offline') this.#book.resolve(a, SYSTEM, 'back-online', now, true);
        }
      }
      // unknown: neither proof of failure nor of recovery; keep what we had.
    }
    this.#offline(f, now);
  }

  #offline(f: FarmState, now: number): void {
    const tailnetBad = f.layers.tailnet.since !== null;
    const gatewayBad = f.layers.gateway.since !== null;
    const rules = this.#rules.for(f.farmId, null, OFFLINE);
    if (rules.length === 0) return;
    for (const layer of LAYERS) {
      const st = f.layers[layer];
      if (st.since === null) continue;
      if ((layer === 'gateway' && tailnetBad) || (layer === 'data' && (tailnetBad || gatewayBad))) continue;
      for (const rule of rules) {
        const c = rule.condition;
        if (c.kind !== 'offline' || c.layer !== layer || now - st.since < c.forS * 1000) continue;
        this.#book.fire({
          rule,
          farmId: f.farmId,
          farmName: f.name,
          subject: layer,
          sensorId: null,
          startedAt: st.since,
          peak: null,
          facts: { layer, layerDetail: st.detail, forS: c.forS },
        });
      }
    }
  }

  // ---- stale sensors ------------------------------------------------------------------------------

  #stale(f: FarmState, now: number): void {
    // A farm that is down already has its one offline alert; its sensors are not each stale on top.
    if (LAYERS.some((l) => f.layers[l].since !== null)) return;
    for (const [sensorId, knownAt] of f.knownAt) {
      const rules = this.#rules.for(f.farmId, sensorId, STALE);
      if (rules.length === 0) continue;
      const sensor = f.sensors.get(sensorId);
      const last = f.lastTs.get(sensorId) ?? null;
      const ref = last ?? knownAt;
      for (const rule of rules) {
        const c = rule.condition;
        if (c.kind !== 'stale') continue;
        const limit = Math.max(c.forS * 1000, 3 * (sensor?.intervalMs ?? 0));
        if (now - ref < limit) continue;
        this.#book.fire({
          rule,
          farmId: f.farmId,
          farmName: f.name,
          subject: sensorId,
          sensorId,
          startedAt: ref,
          peak: null,
          facts: {
            sensorLabel: sensor?.label ?? sensorId,
            ...(sensor?.labels ? { sensorLabels: sensor.labels } : {}),
            forS: Math.round(limit / 1000),
            lastTs: last,
          },
        });
      }
    }
  }

  // ---- commands -----------------------------------------------------------------------------------

  command(cmd: LedgerCommand): void {
    const f = this.#farm(cmd.farmId);
    if (cmd.farmName && f.name === f.farmId) f.name = cmd.farmName;
    const now = this.#clock.now();
    if (cmd.state === 'unknown') {
      if (!this.#unknown.has(cmd.id)) {
        if (this.#unknown.size >= MAX_UNKNOWN) this.#unknown.delete(this.#unknown.keys().next().value!);
        this.#unknown.set(cmd.id, { command: cmd, since: now });
      }
      this.#commandRules(f, cmd, now);
      return;
    }
    this.#unknown.delete(cmd.id);
    if (FAILED_STATES.has(cmd.state)) {
      const at = Date.parse(cmd.updatedAt);
      for (const rule of this.#rules.for(f.farmId, cmd.target, COMMAND)) {
        const c = rule.condition;
        // An interrupted command is a failure to the rules (its reason says to check the device).
        const state = cmd.state === 'interrupted' ? 'failed' : cmd.state;
        if (c.kind !== 'command' || !(c.states as readonly string[]).includes(state)) continue;
        this.#fireCommand(rule, f, cmd, Number.isFinite(at) ? at : now);
      }
      return;
    }
    // queued / running / succeeded / sending: the outcome is known (or moving) again.
    for (const a of this.#book.openFor(f.farmId, cmd.id)) {
      if (a.kind !== 'command') continue;
      if (cmd.state === 'succeeded') this.#book.resolve(a, SYSTEM, 'command-succeeded', now, true);
      else if (a.facts.commandState === 'unknown')
        this.#book.resolve(a, SYSTEM, 'command-reported', now, true);
    }
  }

  #commandRules(f: FarmState, cmd: LedgerCommand, now: number): void {
    const since = this.#unknown.get(cmd.id)?.since ?? now;
    for (const rule of this.#rules.for(f.farmId, cmd.target, COMMAND)) {
      const c = rule.condition;
      if (c.kind !== 'command' || !c.states.includes('unknown') || now - since < c.unknownForS * 1000)
        continue;
      this.#fireCommand(rule, f, cmd, since);
    }
  }

  #fireCommand(rule: AlertRule, f: FarmState, cmd: LedgerCommand, startedAt: number): void {
    this.#book.fire({
      rule,
      farmId: f.farmId,
      farmName: f.name,
      subject: cmd.id,
      sensorId: null,
      startedAt,
      peak: null,
      facts: {
        commandId: cmd.id,
        action: cmd.action,
        target: cmd.target,
        commandState: cmd.state,
        ...(cmd.reason ? { reason: cmd.reason } : {}),
      },
    });
  }

  // ---- tailnet key ----------------------------------------------------------------------------------

  device(farmId: string, device: DeviceKeyInfo | null): void {
    const f = this.#farm(farmId);
    f.device = device;
    this.#keyExpiry(f, this.#clock.now());
  }

  #keyExpiry(f: FarmState, now: number): void {
    const d = f.device;
    const expiry = d && !d.keyExpiryDisabled && d.keyExpiry ? Date.parse(d.keyExpiry) : NaN;
    const expiring = Number.isFinite(expiry);
    const rules = this.#rules.for(f.farmId, null, KEY_EXPIRY);
    for (const a of this.#book.openFor(f.farmId, 'key')) {
      if (a.kind !== 'keyExpiry') continue;
      const rule = rules.find((r) => r.id === a.ruleId);
      const within = rule?.condition.kind === 'keyExpiry' ? rule.condition.withinDays : 0;
      if (!expiring || expiry - now > within * DAY_MS) {
        this.#book.resolve(a, SYSTEM, expiring ? 'key-renewed' : 'key-expiry-off', now, true);
      }
    }
    if (!expiring) return;
    for (const rule of rules) {
      const c = rule.condition;
      if (c.kind !== 'keyExpiry' || expiry - now > c.withinDays * DAY_MS) continue;
      this.#book.fire({
        rule,
        farmId: f.farmId,
        farmName: f.name,
        subject: 'key',
        sensorId: null,
        startedAt: now,
        peak: null,
        facts: { keyExpiry: new Date(expiry).toISOString() },
      });
    }
  }

  // ---- time ---------------------------------------------------------------------------------------

  tick(): void {
    const now = this.#clock.now();
    for (const [key, p] of this.#pending) {
      const rule = this.#rules.get(p.ruleId);
      const f = this.#farms.get(p.farmId);
      if (!rule?.enabled || !f || !isValueCondition(rule.condition)) {
        this.#pending.delete(key);
        continue;
      }
      const fresh = Math.max(MIN_FRESH_MS, 3 * (f.sensors.get(p.sensorId)?.intervalMs ?? 0));
      const forMs = rule.condition.forS * 1000;
      if (now - p.since >= forMs && now - p.lastTs <= fresh) this.#fireValue(rule, f, p, key);
    }
    for (const f of this.#farms.values()) {
      this.#offline(f, now);
      this.#stale(f, now);
      if (f.device) this.#keyExpiry(f, now);
    }
    for (const { command } of this.#unknown.values()) {
      const f = this.#farms.get(command.farmId);
      if (f) this.#commandRules(f, command, now);
    }
  }

  /** Pending breaches of a rule are forgotten when it changes (its levels may be different now). */
  forgetRule(ruleId: string): void {
    for (const [key, p] of this.#pending) if (p.ruleId === ruleId) this.#pending.delete(key);
  }

  forgetFarm(farmId: string): void {
    this.#farms.delete(farmId);
    for (const [key, p] of this.#pending) if (p.farmId === farmId) this.#pending.delete(key);
    for (const [id, u] of this.#unknown) if (u.command.farmId === farmId) this.#unknown.delete(id);
  }

  /** Whether its rule still governs the subject of an open alert (after rules changed). */
  stillApplies(alert: {
    ruleId: string;
    farmId: string;
    kind: AlertRule['condition']['kind'];
    sensorId: string | null;
    facts: { target?: string };
  }): boolean {
    const scopeSubject = alert.kind === 'command' ? (alert.facts.target ?? null) : alert.sensorId;
    const rule = this.#rules
      .for(alert.farmId, scopeSubject, ONE_KIND[alert.kind])
      .find((r) => r.id === alert.ruleId);
    if (!rule) return false;
    const kind =
      alert.sensorId === null ? undefined : this.#farms.get(alert.farmId)?.sensors.get(alert.sensorId)?.kind;
    return matchesSensorKind(rule, kind, true);
  }

  farmName(farmId: string): string | undefined {
    return this.#farms.get(farmId)?.name;
  }
}
