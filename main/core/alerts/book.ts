/**
 * The open alerts (firing or acknowledged), in memory and on disk. An episode is identified by
 * (rule, farm, subject): while one is open the same condition cannot fire again, so every episode fires
 * exactly once; it is kept in history after it resolves. Every state change is written before it is
 * announced, and collected for the next `alertsChanged` event.
 */
import { randomUUID } from 'node:crypto';
import type { AlertCounts, AlertFacts, AlertResolution, AlertRule } from '../../../protocol/app/index.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import type { Logger } from '../../../kit/log.ts';
import { alertTitle } from './messages.ts';
import type { AlertStore, StoredAlert } from './store.ts';
import type { AlertClock } from './time.ts';

export interface FireInput {
  rule: AlertRule;
  farmId: string;
  farmName: string;
  subject: string;
  sensorId: string | null;
  startedAt: number;
  facts: AlertFacts;
  peak: number | null;
}

export interface BookListener {
  fired(alert: StoredAlert, rule: AlertRule): void;
  /** `announce`: the condition cleared by itself (a "back to normal" notice may go out). */
  resolved(alert: StoredAlert, announce: boolean): void;
}

/** Who closes an alert that cleared by itself. */
export const SYSTEM = 'system';

const NONE: readonly StoredAlert[] = [];
const episodeKey = (ruleId: string, farmId: string, subject: string) =>
  `${ruleId}\u0000${farmId}\u0000${subject}`;
const subjectKey = (farmId: string, subject: string) => `${farmId}\u0000${subject}`;

export class AlertBook {
  readonly #store: AlertStore;
  readonly #clock: AlertClock;
  readonly #log: Logger;
  readonly #listener: BookListener;
  readonly #byKey = new Map<string, StoredAlert>();
  readonly #byId = new Map<string, StoredAlert>();
  readonly #bySubject = new Map<string, Set<StoredAlert>>();
  readonly #changed = new Map<string, StoredAlert>();

  constructor(store: AlertStore, clock: AlertClock, log: Logger, listener: BookListener) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
    this.#listener = listener;
    for (const a of store.openAlerts()) this.#index(a);
  }

  #index(a: StoredAlert): void {
    this.#byKey.set(episodeKey(a.ruleId, a.farmId, a.subject), a);
    this.#byId.set(a.id, a);
    const sk = subjectKey(a.farmId, a.subject);
    const set = this.#bySubject.get(sk) ?? new Set();
    set.add(a);
    this.#bySubject.set(sk, set);
  }

  #unindex(a: StoredAlert): void {
    this.#byKey.delete(episodeKey(a.ruleId, a.farmId, a.subject));
    this.#byId.delete(a.id);
    const sk = subjectKey(a.farmId, a.subject);
    const set = this.#bySubject.get(sk);
    set?.delete(a);
    if (set?.size === 0) this.#bySubject.delete(sk);
  }

  open(ruleId: string, farmId: string, subject: string): StoredAlert | undefined {
    return this.#byKey.get(episodeKey(ruleId, farmId, subject));
  }

  openById(id: string): StoredAlert | undefined {
    return this.#byId.get(id);
  }

  /** Open alerts about one subject (sensor, layer, command, key) of a farm. */
  openFor(farmId: string, subject: string): readonly StoredAlert[] {
    const set = this.#bySubject.get(subjectKey(farmId, subject));
    return set ? [...set] : NONE;
  }

  all(): StoredAlert[] {
    return [...this.#byId.values()];
  }

  counts(): AlertCounts {
    let firing = 0;
    let acknowledged = 0;
    for (const a of this.#byId.values()) {
      if (a.state === 'firing') firing++;
      else if (a.state === 'acknowledged') acknowledged++;
    }
    return { firing, acknowledged };
  }

  /** Opens an episode unless one is open already; returns the new alert or null. */
  fire(input: FireInput): StoredAlert | null {
    if (this.open(input.rule.id, input.farmId, input.subject)) return null;
    const now = this.#clock.now();
    const alert: StoredAlert = {
      id: randomUUID(),
      ruleId: input.rule.id,
      ruleName: input.rule.name,
      kind: input.rule.condition.kind,
      severity: input.rule.severity,
      farmId: input.farmId,
      farmName: input.farmName,
      sensorId: input.sensorId,
      subject: input.subject,
      state: 'firing',
      title: alertTitle(input.rule.condition.kind, input.farmName, input.facts, now),
      facts: input.facts,
      peak: input.peak,
      startedAt: Math.min(input.startedAt, now),
      firedAt: now,
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    };
    try {
      this.#store.insertAlert(alert);
    } catch (err) {
      this.#log.error('could not record an alert', { err, ruleId: alert.ruleId, farmId: alert.farmId });
      return null;
    }
    this.#index(alert);
    this.#changed.set(alert.id, alert);
    this.#listener.fired(alert, input.rule);
    return alert;
  }

  resolve(alert: StoredAlert, by: string, resolution: AlertResolution, at: number, announce: boolean): void {
    if (alert.state === 'resolved') return;
    alert.state = 'resolved';
    alert.resolvedAt = Math.max(alert.startedAt, Math.min(at, this.#clock.now()));
    alert.resolvedBy = by;
    alert.resolution = resolution;
    this.#store.updateAlert(alert);
    this.#unindex(alert);
    this.#changed.set(alert.id, alert);
    this.#listener.resolved(alert, announce);
  }

  /** firing → acknowledged (who, when, note). Command alerts are events: acknowledging also closes them. */
  acknowledge(id: string, by: string, note: string): StoredAlert {
    const alert = this.#byId.get(id) ?? this.#store.getAlert(id);
    if (!alert) throw new AgromeshError('NOT_FOUND', 'No such alert.');
    if (alert.acknowledgedBy !== null) {
      throw new AgromeshError('CONFLICT', `Already acknowledged by ${alert.acknowledgedBy}.`);
    }
    const now = this.#clock.now();
    alert.acknowledgedAt = now;
    alert.acknowledgedBy = by;
    alert.note = note === '' ? null : note;
    if (alert.state === 'firing') alert.state = 'acknowledged';
    this.#store.updateAlert(alert);
    this.#changed.set(alert.id, alert);
    if (alert.kind === 'command' && alert.state === 'acknowledged') {
      this.resolve(alert, by, 'acknowledged', now, false);
    }
    return alert;
  }

  /** Alerts changed since the last call. */
  drain(): StoredAlert[] {
    const out = [...this.#changed.values()];
    this.#changed.clear();
    return out;
  }
}
