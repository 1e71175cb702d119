/**
 * Turns alert transitions into notices people can bear. Transitions wait a short aggregation window, then:
 *  - an alert that fired and cleared inside the window is not announced at all (it stays in history);
 *  - repeats are rate-limited per (rule, farm): one "fired" notice per `repeatMs`;
 *  - "resolved" notices go out only for rules set to fire-and-resolve, and only for alerts announced firing;
 *  - a storm (≥ `stormMinFarms` farms hit by the same kind of alert in one window, e.g. the office uplink
 *    dropped) becomes ONE notice: "20 farms went offline at 10:42";
 *  - at most `maxNotices` notices per window; the rest are folded into "and N more alerts".
 * The same notices go to the desktop notifier and the `alertsChanged` event; each webhook URL gets one POST
 * per window with the notices and the alerts behind them.
 */
import type { AlertNotice, AlertRule, AlertSeverity } from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';
import { clockTime, formatDuration, listNames, resolvedTitle, stormTitle } from './messages.ts';
import type { Notifier } from './notifier.ts';
import { type StoredAlert, toPublicAlert } from './store.ts';
import { type AlertClock, iso, type Timers } from './time.ts';
import type { WebhookSender } from './webhook.ts';

export interface AlertEvent {
  type: 'fired' | 'resolved';
  alert: StoredAlert;
  rule: AlertRule;
}

export interface AggregationOptions {
  /** How long transitions are collected before notices go out. */
  windowMs: number;
  /** This many farms with the same kind of alert in one window make a storm (one summary notice). */
  stormMinFarms: number;
  /** Notices per window; the rest are folded into one. */
  maxNotices: number;
  /** Minimum time between two "fired" notices of the same rule on the same farm. */
  repeatMs: number;
  /** Alerts listed per webhook POST. */
  maxAlertsPerWebhook: number;
}

export const defaultAggregation: AggregationOptions = {
  windowMs: 10_000,
  stormMinFarms: 3,
  maxNotices: 5,
  repeatMs: 15 * 60_000,
  maxAlertsPerWebhook: 100,
};

export interface DispatcherOptions extends Partial<AggregationOptions> {
  clock: AlertClock;
  timers: Timers;
  log: Logger;
  notifier?: Notifier;
  webhook?: WebhookSender;
  /** Webhook for rules without their own URL. */
  defaultWebhookUrl?: () => string | null;
  onNotices: (notices: AlertNotice[]) => void;
  /** Zone of the clock times in notices (this computer's by default). */
  timeZone?: string;
}

export interface Dispatcher {
  push(event: AlertEvent): void;
  /** An alert closed without a notice (rule changed): stop tracking it. */
  forget(alertId: string): void;
  /** Sends what is pending now (tests and shutdown); resolves when desktop notices are handed over. */
  flush(): Promise<void>;
  /** Resolves when no webhook delivery is in flight. */
  idle(): Promise<void>;
  readonly suppressed: number;
  dispose(): Promise<void>;
}

interface Group {
  type: 'fired' | 'resolved';
  rule: AlertRule;
  farmId: string;
  alerts: StoredAlert[];
}

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
const worst = (list: readonly { severity: AlertSeverity }[]): AlertSeverity =>
  list.reduce<AlertSeverity>((w, a) => (RANK[a.severity] > RANK[w] ? a.severity : w), 'info');

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const o: AggregationOptions = {
    windowMs: options.windowMs ?? defaultAggregation.windowMs,
    stormMinFarms: options.stormMinFarms ?? defaultAggregation.stormMinFarms,
    maxNotices: Math.max(1, options.maxNotices ?? defaultAggregation.maxNotices),
    repeatMs: options.repeatMs ?? defaultAggregation.repeatMs,
    maxAlertsPerWebhook: options.maxAlertsPerWebhook ?? defaultAggregation.maxAlertsPerWebhook,
  };
  const { clock, timers, log } = options;
  let pending: AlertEvent[] = [];
  let timer: unknown;
  let seq = 0;
  let suppressed = 0;
  let disposed = false;
  const lastNotified = new Map<string, number>();
  const announced = new Set<string>();
  const inflight = new Set<Promise<void>>();

  const at = (ms: number) => clockTime(ms, options.timeZone);
  const noticeId = () => `notice-${clock.now().toString(36)}-${(seq++).toString(36)}`;

  const single = (g: Group): AlertNotice => {
    const first = g.alerts[0]!;
    const many = g.alerts.length > 1;
    let title: string;
    let body: string;
    if (g.type === 'fired') {
      title = many ? `${first.farmName}: ${g.rule.name} (${g.alerts.length})` : first.title;
      body = many
        ? listNames(
            g.alerts.map((a) => a.title),
            3,
          )
        : `${g.rule.name} (${first.severity}), since ${at(first.startedAt)}.`;
    } else {
      title = many
        ? `${first.farmName}: ${g.alerts.length} alerts cleared (${g.rule.name})`
        : resolvedTitle(first.kind, first.farmName, first.facts);
      const end = first.resolvedAt ?? clock.now();
      body = `Cleared at ${at(end)} after ${formatDuration((end - first.startedAt) / 1000)}.`;
    }
    return {
      id: noticeId(),
      title,
      body,
      severity: g.type === 'fired' ? worst(g.alerts) : 'info',
      type: g.type,
      alertIds: g.alerts.map((a) => a.id),
      at: iso(clock.now()),
    };
  };

  const noticesFor = (groups: readonly Group[]): AlertNotice[] => {
    // Storm buckets: same transition, same kind of alert (offline per layer), many farms.
    const buckets = new Map<string, Group[]>();
    for (const g of groups) {
      const a = g.alerts[0]!;
      const key = `${g.type}|${a.kind}|${a.kind === 'offline' ? (a.facts.layer ?? '') : g.rule.id}`;
      const list = buckets.get(key) ?? [];
      list.push(g);
      buckets.set(key, list);
    }
    const notices: AlertNotice[] = [];
    for (const list of buckets.values()) {
      const farms = new Set(list.map((g) => g.farmId));
      if (farms.size < o.stormMinFarms) {
        for (const g of list) notices.push(single(g));
        continue;
      }
      const alerts = list.flatMap((g) => g.alerts);
      const first = alerts[0]!;
      const type = list[0]!.type;
      const when = Math.min(
        ...alerts.map((a) => (type === 'fired' ? a.startedAt : (a.resolvedAt ?? clock.now()))),
      );
      notices.push({
        id: noticeId(),
        title: stormTitle(type, first.kind, first.facts.layer, farms.size, list[0]!.rule.name, at(when)),
        body: listNames(alerts.map((a) => a.farmName)),
        severity: type === 'fired' ? worst(alerts) : 'info',
        type: 'summary',
        alertIds: alerts.map((a) => a.id),
        at: iso(clock.now()),
      });
    }
    notices.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
    if (notices.length <= o.maxNotices) return notices;
    const kept = notices.slice(0, o.maxNotices - 1);
    const rest = notices.slice(o.maxNotices - 1);
    const ids = rest.flatMap((n) => n.alertIds);
    kept.push({
      id: noticeId(),
      title: `${ids.length} more alert changes`,
      body: listNames(
        rest.map((n) => n.title),
        3,
      ),
      severity: worst(rest),
      type: 'summary',
      alertIds: ids,
      at: iso(clock.now()),
    });
    return kept;
  };

  /** Which transitions may be announced, grouped per (transition, rule, farm). */
  const gate = (events: AlertEvent[], now: number): Group[] => {
    // Fired and cleared within one window: nothing to tell (the alert stays in history).
    const firedIds = new Set(events.filter((e) => e.type === 'fired').map((e) => e.alert.id));
    const blips = new Set(
      events.filter((e) => e.type === 'resolved' && firedIds.has(e.alert.id)).map((e) => e.alert.id),
    );
    const groups = new Map<string, Group>();
    for (const e of events) {
      if (blips.has(e.alert.id) || e.rule.notify === 'none') continue;
      const key = `${e.type}|${e.rule.id}|${e.alert.farmId}`;
      const g = groups.get(key) ?? { type: e.type, rule: e.rule, farmId: e.alert.farmId, alerts: [] };
      g.alerts.push(e.alert);
      groups.set(key, g);
    }
    const passed: Group[] = [];
    for (const g of groups.values()) {
      const key = `${g.rule.id}|${g.farmId}`;
      if (g.type === 'fired') {
        const last = lastNotified.get(key);
        if (last !== undefined && now - last < o.repeatMs) {
          suppressed += g.alerts.length;
          continue;
        }
        lastNotified.set(key, now);
        for (const a of g.alerts) announced.add(a.id);
        passed.push(g);
      } else {
        const alerts = g.alerts.filter((a) => announced.delete(a.id));
        if (g.rule.notify !== 'fire-and-resolve' || alerts.length === 0) continue;
        passed.push({ ...g, alerts });
      }
    }
    // Forget old rate-limit marks so the map does not grow with every farm ever seen.
    for (const [key, t] of lastNotified) if (now - t >= o.repeatMs) lastNotified.delete(key);
    return passed;
  };

  const deliverWebhooks = (groups: readonly Group[]) => {
    if (!options.webhook) return;
    const byUrl = new Map<string, Group[]>();
    for (const g of groups) {
      const url = g.rule.webhookUrl ?? options.defaultWebhookUrl?.() ?? null;
      if (!url) continue;
      const list = byUrl.get(url) ?? [];
      list.push(g);
      byUrl.set(url, list);
    }
    for (const [url, list] of byUrl) {
      const alerts = list.flatMap((g) => g.alerts);
      const payload = {
        source: 'agromesh',
        version: 1,
        sentAt: iso(clock.now()),
        notices: noticesFor(list),
        alerts: alerts.slice(0, o.maxAlertsPerWebhook).map(toPublicAlert),
        truncated: Math.max(0, alerts.length - o.maxAlertsPerWebhook),
      };
      const p: Promise<void> = options.webhook
        .post(url, payload)
        .then(
          () => undefined,
          (err: unknown) => log.warn('webhook delivery failed', { err }),
        )
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
  };

  const flush = async (): Promise<void> => {
    if (timer !== undefined) {
      timers.clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    const groups = gate(events, clock.now());
    if (groups.length === 0) return;
    const notices = noticesFor(groups);
    options.onNotices(notices);
    deliverWebhooks(groups);
    if (options.notifier) {
      for (const n of notices) {
        try {
          await options.notifier.notify(n);
        } catch (err) {
          log.warn('notifier failed', { err });
        }
      }
    }
  };

  return {
    push(event) {
      if (disposed) return;
      pending.push(event);
      if (timer === undefined) {
        timer = timers.setTimeout(() => {
          timer = undefined;
          void flush();
        }, o.windowMs);
      }
    },
    forget(alertId) {
      announced.delete(alertId);
    },
    flush,
    async idle() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    get suppressed() {
      return suppressed;
    },
    async dispose() {
      if (disposed) return;
      await flush();
      disposed = true;
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}
