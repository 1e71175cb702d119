/**
 * The alert service: rules and history in SQLite, evaluation on the live stream and on health changes,
 * notices through a desktop notifier, the `alertsChanged` event and optional webhooks. No Electron:
 * the app core, the browser host and the CLI demo all use it.
 *
 *   const alerts = createAlertService({ dataDir, notifier });
 *   hub.onReadings((b) => b.farms.forEach((f) => alerts.onReadings(f.farmId, f.readings, hub.get(f.farmId)?.info)));
 *   discovery.on((e) => e.type !== 'left' && alerts.onHealth(e.farm));
 *   ledger.onChange((c) => alerts.onCommand(c));
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  type Alert,
  type AlertCounts,
  AlertFilter,
  type AlertNotice,
  type AlertRule,
  AlertRuleInput,
  type EventPayload,
  type FarmSummary,
  type LedgerCommand,
} from '../../../protocol/app/index.ts';
import { AgromeshError } from '../../../protocol/errors.ts';
import type { FarmInfo, Reading } from '../../../protocol/farm-api.ts';
import { type Logger, silentLogger } from '../../../kit/log.ts';
import type { TailnetDialer } from '../farms/dialer.ts';
import { AlertBook, SYSTEM } from './book.ts';
import { type AggregationOptions, createDispatcher } from './dispatcher.ts';
import { type DeviceKeyInfo, Evaluator } from './evaluator.ts';
import type { Notifier } from './notifier.ts';
import { checkRule, chainOf, RuleIndex } from './rules.ts';
import { createAlertStore, toPublicAlert } from './store.ts';
import { type AlertClock, systemClock, systemTimers, type Timers } from './time.ts';
import { createWebhookSender, type WebhookResult, type WebhookSender } from './webhook.ts';

export interface AlertServiceOptions {
  /** An open database to keep the alert tables in, or… */
  db?: DatabaseSync;
  /** …the app's data directory (`alerts.sqlite` inside it). */
  dataDir?: string;
  clock?: AlertClock;
  timers?: Timers;
  log?: Logger;
  /** Desktop notifications (Electron); absent in the browser host. */
  notifier?: Notifier;
  /** The app's tailnet dialer for webhooks (simulated mode in the demo); tailnet-only by default. */
  dialer?: TailnetDialer;
  /** Replaces the webhook sender (tests). */
  webhook?: WebhookSender;
  webhookTimeoutMs?: number;
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  /** Webhook for rules that have none of their own (e.g. from the app settings). */
  defaultWebhookUrl?: () => string | null;
  aggregation?: Partial<AggregationOptions>;
  /** Period of the time-driven evaluation; 0 = only when `tick()` is called. Default 5 s. */
  tickMs?: number;
  /** Zone of clock times in notices. */
  timeZone?: string;
  /** Resolved alerts kept this long (default 365 days) and at most this many (default 100,000). */
  retentionDays?: number;
  retentionRows?: number;
}

export type AlertsChanged = EventPayload<'alertsChanged'>;

export interface AlertService {
  /** New readings from a farm's live stream (any order; replays are ignored). */
  onReadings(farmId: string, readings: readonly Reading[], farmInfo?: FarmInfo | null): void;
  onFarmInfo(farmId: string, info: FarmInfo): void;
  /** A farm's summary changed (three-layer health, name, latest readings). */
  onHealth(summary: FarmSummary): void;
  onCommand(command: LedgerCommand): void;
  /** The farm node's tailnet device (for key expiry); null when it is no longer known. */
  onDevice(farmId: string, device: DeviceKeyInfo | null): void;
  /** The farm left the tailnet: its open alerts are closed and its state forgotten. */
  forgetFarm(farmId: string): void;
  /** Evaluate time-driven conditions now (runs by itself every `tickMs`). */
  tick(): void;

  listRules(): AlertRule[];
  saveRule(input: AlertRuleInput, by: string): AlertRule;
  deleteRule(id: string, by: string): void;
  listAlerts(filter: AlertFilter): { alerts: Alert[]; counts: AlertCounts };
  acknowledge(id: string, by: string, note: string): Alert;
  testWebhook(url: string): Promise<WebhookResult>;
  counts(): AlertCounts;

  onChanged(listener: (payload: AlertsChanged) => void): () => void;
  /** Send pending notices now and wait for webhook deliveries (tests, shutdown). */
  flushNotifications(): Promise<void>;
  dispose(): Promise<void>;
}

const MAX_RULES = 1_000;
const PRUNE_EVERY_MS = 3_600_000;

export function createAlertService(options: AlertServiceOptions): AlertService {
  if (!options.db && !options.dataDir)
    throw new AgromeshError('INTERNAL', 'The alert service needs db or dataDir.');
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const log = options.log ?? silentLogger;
  const store = createAlertStore(
    options.db ? { db: options.db } : { file: join(options.dataDir!, 'alerts.sqlite') },
  );
  const rules = new RuleIndex();
  rules.set(store.listRules());
  const listeners = new Set<(p: AlertsChanged) => void>();
  const ownWebhook = !options.webhook;
  const webhook =
    options.webhook ??
    createWebhookSender({
      ...(options.dialer ? { dialer: options.dialer } : {}),
      ...(options.webhookTimeoutMs === undefined ? {} : { timeoutMs: options.webhookTimeoutMs }),
      ...(options.webhookAttempts === undefined ? {} : { attempts: options.webhookAttempts }),
      ...(options.webhookBackoffMs === undefined ? {} : { backoffMs: options.webhookBackoffMs }),
      log: log.child('webhook'),
    });

  const emit = (payload: AlertsChanged) => {
    for (const l of listeners) {
      try {
        l(payload);
      } catch (err) {
        log.error('alertsChanged listener failed', { err });
      }
    }
  };

  const dispatcher = createDispatcher({
    ...options.aggregation,
    clock,
    timers,
    log,
    ...(options.notifier ? { notifier: options.notifier } : {}),
    webhook,
    ...(options.defaultWebhookUrl ? { defaultWebhookUrl: options.defaultWebhookUrl } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    onNotices: (notices: AlertNotice[]) => emit({ changed: [], counts: book.counts(), notices }),
  });

  const book: AlertBook = new AlertBook(store, clock, log, {
    fired: (alert, rule) => dispatcher.push({ type: 'fired', alert, rule }),
    resolved: (alert, announce) => {
      const rule = rules.get(alert.ruleId);
      if (announce && rule) dispatcher.push({ type: 'resolved', alert, rule });
      else dispatcher.forget(alert.id);
    },
  });
  const evaluator = new Evaluator(book, rules, clock);
  let disposed = false;
  let lastPrune = 0;

  /** Runs one input, then announces what changed in one event. Inputs never throw into their caller. */
  const run = (what: string, fn: () => void): void => {
    if (disposed) return;
    try {
      fn();
    } catch (err) {
      log.error(`alert evaluation failed (${what})`, { err });
    }
    commit();
  };

  const commit = () => {
    const changed = book.drain();
    if (changed.length > 0) emit({ changed: changed.map(toPublicAlert), counts: book.counts(), notices: [] });
  };

  const reconcile = (by: string) => {
    for (const alert of book.all()) {
      const rule = rules.get(alert.ruleId);
      if (!rule) book.resolve(alert, by, 'rule-deleted', clock.now(), false);
      else if (!rule.enabled) book.resolve(alert, by, 'rule-disabled', clock.now(), false);
      else if (!evaluator.stillApplies(alert))
        book.resolve(alert, by, 'rule-not-applicable', clock.now(), false);
    }
  };

  const tick = () =>
    run('tick', () => {
      evaluator.tick();
      const now = clock.now();
      if (now - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now;
        const removed = store.prune(
          now - (options.retentionDays ?? 365) * 86_400_000,
          options.retentionRows ?? 100_000,
        );
        if (removed > 0) log.info('old alerts pruned', { removed });
      }
    });

  const tickMs = options.tickMs ?? 5_000;
  let tickTimer: unknown;
  const schedule = () => {
    if (tickMs <= 0 || disposed) return;
    tickTimer = timers.setTimeout(() => {
      tick();
      schedule();
    }, tickMs);
  };
  schedule();

  const normalizeUrl = (url: string | null): string | null => {
    if (url === null || url.trim() === '') return null;
    return webhook.check(url).toString();
  };

  return {
    onReadings: (farmId, readings, farmInfo) =>
      run('readings', () => {
        if (farmInfo) evaluator.setInfo(farmInfo, farmId);
        evaluator.readings(farmId, readings);
      }),
    onFarmInfo: (farmId, info) => run('farm info', () => evaluator.setInfo(info, farmId)),
    onHealth: (summary) => run('health', () => evaluator.health(summary)),
    onCommand: (command) => run('command', () => evaluator.command(command)),
    onDevice: (farmId, device) => run('device', () => evaluator.device(farmId, device)),
    forgetFarm: (farmId) =>
      run('forget farm', () => {
        for (const a of book.all())
          if (a.farmId === farmId) book.resolve(a, SYSTEM, 'farm-removed', clock.now(), false);
        evaluator.forgetFarm(farmId);
      }),
    tick,

    listRules: () => [...rules.all],
    saveRule(raw, by) {
      const input = AlertRuleInput.parse(raw);
      checkRule(input);
      const existing = input.id === undefined ? null : store.getRule(input.id);
      if (input.id !== undefined && !existing) throw new AgromeshError('NOT_FOUND', 'No such alert rule.');
      if (existing?.builtin && chainOf(existing.condition) !== chainOf(input.condition)) {
        throw new AgromeshError('VALIDATION', 'A built-in rule keeps its kind; add a new rule instead.', {
          details: { field: 'condition' },
        });
      }
      if (!existing && rules.all.length >= MAX_RULES) {
        throw new AgromeshError('CONFLICT', `At most ${MAX_RULES} alert rules; delete some first.`);
      }
      const rule: AlertRule = {
        id: existing?.id ?? `rule-${randomUUID()}`,
        name: input.name,
        enabled: input.enabled,
        severity: input.severity,
        farmId: input.farmId,
        sensorId: input.sensorId,
        condition: input.condition,
        notify: input.notify,
        webhookUrl: normalizeUrl(input.webhookUrl),
        builtin: existing?.builtin ?? false,
        updatedAt: new Date(clock.now()).toISOString(),
        updatedBy: by,
      };
      store.putRule(rule);
      rules.set(store.listRules());
      run('rule saved', () => {
        evaluator.forgetRule(rule.id);
        reconcile(by);
        evaluator.tick();
      });
      log.info('alert rule saved', { id: rule.id, by });
      return rule;
    },
    deleteRule(id, by) {
      const existing = store.getRule(id);
      if (!existing) throw new AgromeshError('NOT_FOUND', 'No such alert rule.');
      if (existing.builtin)
        throw new AgromeshError('CONFLICT', 'A built-in rule cannot be deleted; disable it instead.');
      store.deleteRule(id);
      rules.set(store.listRules());
      run('rule-deleted', () => {
        evaluator.forgetRule(id);
        reconcile(by);
        evaluator.tick();
      });
      log.info('alert rule deleted', { id, by });
    },
    listAlerts(raw) {
      const f = AlertFilter.parse(raw);
      const rows = store.query({
        ...(f.state ? { states: f.state } : {}),
        ...(f.severity ? { severities: f.severity } : {}),
        ...(f.farmId === undefined ? {} : { farmId: f.farmId }),
        ...(f.sensorId === undefined ? {} : { sensorId: f.sensorId }),
        ...(f.from === undefined ? {} : { from: f.from }),
        ...(f.to === undefined ? {} : { to: f.to }),
        limit: f.limit,
      });
      // Open alerts carry their live peak in memory.
      return { alerts: rows.map((a) => toPublicAlert(book.openById(a.id) ?? a)), counts: book.counts() };
    },
    acknowledge(id, by, note) {
      if (disposed) throw new AgromeshError('UNAVAILABLE', 'Alerts are shutting down.');
      let result: Alert | undefined;
      let failure: unknown;
      run('acknowledge', () => {
        try {
          result = toPublicAlert(book.acknowledge(id, by, note.trim()));
        } catch (err) {
          failure = err;
        }
      });
      if (failure !== undefined || !result)
        throw failure instanceof Error ? failure : new AgromeshError('INTERNAL');
      return result;
    },
    testWebhook: (url) =>
      webhook.post(url, {
        source: 'agromesh',
        version: 1,
        test: true,
        sentAt: new Date(clock.now()).toISOString(),
        notices: [{ title: 'Agromesh test notification', body: 'Alerts will be posted to this address.' }],
        alerts: [],
        truncated: 0,
      }),
    counts: () => book.counts(),

    onChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async flushNotifications() {
      await dispatcher.flush();
      await dispatcher.idle();
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (tickTimer !== undefined) timers.clearTimeout(tickTimer);
      await dispatcher.dispose();
      if (ownWebhook) await webhook.dispose();
      listeners.clear();
      store.close();
    },
  };
}
