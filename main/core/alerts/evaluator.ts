/**
 * Evaluates the rules against what the app sees: readings from the live stream, farm health changes,
 * command transitions and tailnet devices, plus `tick()` for conditions that become true by time alone.
 * Each kind of rule has its own file: value-rules.ts (threshold, setpoint, range), offline-stale.ts,
 * command-rules.ts, key-expiry.ts; farm-state.ts holds what is remembered per farm.
 * Out-of-order or replayed readings (older than the newest seen) are ignored.
 */
import type { FarmSummary, LedgerCommand, AlertRule } from '../../../protocol/app/index.ts';
import type { FarmInfo, Reading } from '../../../protocol/farm-api.ts';
import { type AlertBook, SYSTEM } from './book.ts';
import { CommandRules } from './command-rules.ts';
import {
  type DeviceKeyInfo,
  type FarmState,
  LAYERS,
  matchesSensorKind,
  newFarmState,
  ONE_KIND,
  type RuleContext,
} from './farm-state.ts';
import { checkKeyExpiry } from './key-expiry.ts';
import { fireOffline, fireStale } from './offline-stale.ts';
import type { RuleIndex } from './rules.ts';
import type { AlertClock } from './time.ts';
import { ValueRules } from './value-rules.ts';

export { type DeviceKeyInfo, LAYERS } from './farm-state.ts';

export class Evaluator {
  readonly #book: AlertBook;
  readonly #rules: RuleIndex;
  readonly #ctx: RuleContext;
  readonly #clock: AlertClock;
  readonly #farms = new Map<string, FarmState>();
  readonly #values: ValueRules;
  readonly #commands: CommandRules;

  constructor(book: AlertBook, rules: RuleIndex, clock: AlertClock) {
    this.#book = book;
    this.#rules = rules;
    this.#ctx = { book, rules };
    this.#clock = clock;
    this.#values = new ValueRules(this.#ctx);
    this.#commands = new CommandRules(this.#ctx);
  }

  #farm(farmId: string): FarmState {
    let f = this.#farms.get(farmId);
    if (!f) {
      f = newFarmState(farmId);
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
      for (const rule of this.#values.for(f, r.sensorId))
        this.#values.step(rule, f, r.sensorId, r.ts, r.value);
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
    fireOffline(this.#ctx, f, now);
  }

  // ---- commands -----------------------------------------------------------------------------------

  command(cmd: LedgerCommand): void {
    const f = this.#farm(cmd.farmId);
    if (cmd.farmName && f.name === f.farmId) f.name = cmd.farmName;
    this.#commands.command(f, cmd, this.#clock.now());
  }

  // ---- tailnet key ----------------------------------------------------------------------------------

  device(farmId: string, device: DeviceKeyInfo | null): void {
    const f = this.#farm(farmId);
    f.device = device;
    checkKeyExpiry(this.#ctx, f, this.#clock.now());
  }

  // ---- time ---------------------------------------------------------------------------------------

  tick(): void {
    const now = this.#clock.now();
    this.#values.tick(now, this.#farms);
    for (const f of this.#farms.values()) {
      fireOffline(this.#ctx, f, now);
      fireStale(this.#ctx, f, now);
      if (f.device) checkKeyExpiry(this.#ctx, f, now);
    }
    this.#commands.tick(now, this.#farms);
  }

  /** Pending breaches of a rule are forgotten when it changes (its levels may be different now). */
  forgetRule(ruleId: string): void {
    this.#values.forgetRule(ruleId);
  }

  forgetFarm(farmId: string): void {
    this.#farms.delete(farmId);
    this.#values.forgetFarm(farmId);
    this.#commands.forgetFarm(farmId);
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
