/**
 * Commands: accept (validate, deduplicate by id, persist), execute one at a time per actuator, expire
 * what waited too long, and attach the reading that confirms the effect. A command is persisted as
 * `running` before its driver is called, so after a crash it is reported as `interrupted` — never run twice.
 */
import {
  type CommandRecord,
  type CommandRequest,
  type CommandState,
  type Reading,
  deliveryWindowMs,
  INTERRUPTED_REASON,
} from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import type { Logger } from '../../kit/log.ts';
import { isStorageFull } from '../../kit/sqlite.ts';
import { type Clock, iso } from '../clock.ts';
import { type FarmLayout, type ConfirmRule, findCommand } from '../layout.ts';
import type { CommandStore, StoredCommand } from '../store/commands.ts';
import type { ActuationOutcome, ActuatorDriver } from './driver.ts';
import { checkParams } from '../../protocol/command-params.ts';

/** How far ahead `expiresAt` may be: a stale "open valve" must not run a week later. */
export const MAX_EXPIRY_AHEAD_MS = 7 * 24 * 3_600_000;

export interface CommandServiceOptions {
  store: CommandStore;
  layout: FarmLayout;
  driver: ActuatorDriver;
  clock: Clock;
  log: Logger;
  onChange: (record: CommandRecord) => void;
}

export interface Submission {
  record: CommandRecord;
  /** false when this id was seen before with the same payload (nothing new happened). */
  created: boolean;
}

export interface CommandService {
  submit(request: CommandRequest, requestedBy: string): Submission;
  get(id: string): CommandRecord | undefined;
  /** Resume after a restart: commands that were running become `interrupted`, waiting ones run or expire. */
  recover(): void;
  /** Expire waiting commands whose time is up and drop stale confirmation watches. */
  sweep(): void;
  onReadings(readings: readonly Reading[]): void;
  /** Resolves when nothing is queued or running (tests and shutdown). */
  idle(): Promise<void>;
  dispose(): Promise<void>;
}

interface Watch {
  id: string;
  sensor: string;
  rule: ConfirmRule;
  after: number;
  deadline: number;
}

export function fingerprintOf(req: CommandRequest): string {
  const params = Object.fromEntries(
    Object.entries(req.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify([req.action, req.target, params, Date.parse(req.expiresAt)]);
}

export function createCommandService(options: CommandServiceOptions): CommandService {
  const { store, layout, driver, clock, log } = options;
  const queues = new Map<string, string[]>();
  const busy = new Set<string>();
  const watches: Watch[] = [];
  const abort = new AbortController();
  const idleWaiters: (() => void)[] = [];
  /** Outcomes the driver reported that could not be stored yet (disk full); retried at each sweep. */
  const unsaved = new Map<string, { state: CommandState; reason: string | undefined }>();
  let disposed = false;

  function transition(
    id: string,
    state: CommandState,
    reason?: string,
    patch?: Partial<CommandRecord>,
  ): CommandRecord {
    const current = store.get(id);
    if (!current) throw new Error(`command ${id} vanished`);
    const at = iso(clock.now());
    const record: CommandRecord = {
      ...current.record,
      ...patch,
      state,
      updatedAt: at,
      history: [...current.record.history, { state, at, ...(reason === undefined ? {} : { reason }) }],
      ...(reason === undefined ? {} : { reason }),
    };
    const saved = store.update(record).record;
    options.onChange(saved);
    return saved;
  }

  function enqueue(record: CommandRecord): void {
    const q = queues.get(record.target) ?? [];
    q.push(record.id);
    queues.set(record.target, q);
    void pump(record.target);
  }

  async function pump(target: string): Promise<void> {
    if (busy.has(target)) return;
    busy.add(target);
    try {
      const q = queues.get(target) ?? [];
      while (q.length > 0 && !disposed) {
        const id = q[0]!;
        try {
          await runOne(id);
        } catch (err) {
          // A step before the actuator could not be stored (disk full): the command stays queued, in
          // front, and the next sweep tries again. The actuator is never driven without a record.
          if (isStorageFull(err))
            log.warn('command waits: its next state cannot be stored', { commandId: id, err });
          else log.error('command step failed', { commandId: id, err });
          break;
        }
        const i = q.indexOf(id);
        if (i >= 0) q.splice(i, 1);
      }
    } finally {
      busy.delete(target);
      notifyIdle();
    }
  }

  async function runOne(id: string): Promise<void> {
    const stored = store.get(id);
    if (!stored || stored.record.state !== 'queued') return;
    const rec = stored.record;
    if (clock.now() >= Date.parse(rec.expiresAt)) {
      transition(id, 'expired', 'expired before it could run');
      return;
    }
    const spec = findCommand(layout, rec.target, rec.action);
    const checked = spec ? checkParams(spec.params, rec.params) : undefined;
    if (!spec || !checked?.ok) {
      transition(
        id,
        'rejected',
        spec
          ? `params no longer valid: ${checked && !checked.ok ? checked.reasons.join('; ') : ''}`
          : `${rec.target} has no action ${rec.action} any more`,
      );
      return;
    }
    const startedAt = clock.now();
    transition(id, 'running');
    let outcome: ActuationOutcome;
    try {
      outcome = await driver.execute(
        {
          id,
          target: rec.target,
          action: rec.action,
          params: checked.params,
          expiresAt: rec.expiresAt,
          requestedBy: rec.requestedBy,
        },
        abort.signal,
      );
    } catch (err) {
      log.error('actuator driver threw', { commandId: id, err });
      outcome = {
        outcome: 'failed',
        reason: `the actuator driver failed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    try {
      transition(id, outcome.outcome, outcome.reason);
    } catch (err) {
      // The actuator has acted; only the record is behind. Keep the outcome and store it when space returns.
      if (!isStorageFull(err)) throw err;
      log.warn('command outcome cannot be stored yet (disk full); retrying', {
        commandId: id,
        state: outcome.outcome,
      });
      unsaved.set(id, { state: outcome.outcome, reason: outcome.reason });
    }
    if (outcome.outcome === 'succeeded' && spec.confirm && spec.confirmedBy) {
      watches.push({
        id,
        sensor: spec.confirmedBy,
        rule: spec.confirm,
        after: startedAt,
        deadline: clock.now() + spec.confirm.withinMs,
      });
    }
  }

  function notifyIdle(): void {
    if (busy.size > 0 || [...queues.values()].some((q) => q.length > 0)) return;
    for (const w of idleWaiters.splice(0)) w();
  }

  const confirms = (rule: ConfirmRule, value: number) =>
    rule.expect === 'rise' ? value > rule.threshold : value < rule.threshold;

  return {
    submit(request, requestedBy) {
      if (disposed) throw new AgromeshError('UNAVAILABLE', 'The gateway is stopping.');
      const fingerprint = fingerprintOf(request);
      const existing: StoredCommand | undefined = store.get(request.id);
      if (existing) {
        if (existing.fingerprint === fingerprint) return { record: existing.record, created: false };
        throw new AgromeshError(
          'VALIDATION',
          `Command id ${request.id} was already used for a different command; use a new id for a new command.`,
          { details: [{ path: 'id', message: 'idempotency key reused with a different payload' }] },
        );
      }
      const actuator = layout.actuators.find((a) => a.id === request.target);
      if (!actuator) {
        throw new AgromeshError('VALIDATION', `Unknown target "${request.target}".`, {
          details: [
            { path: 'target', message: `known: ${layout.actuators.map((a) => a.id).join(', ') || 'none'}` },
          ],
        });
      }
      const spec = actuator.commands.find((c) => c.action === request.action);
      if (!spec) {
        throw new AgromeshError('VALIDATION', `Unknown action "${request.action}" for ${actuator.id}.`, {
          details: [
            { path: 'action', message: `known: ${actuator.commands.map((c) => c.action).join(', ')}` },
          ],
        });
      }
      const checked = checkParams(spec.params, request.params);
      if (!checked.ok) {
        throw new AgromeshError(
          'VALIDATION',
          `Invalid params for ${actuator.id}/${spec.action}: ${checked.reasons.join('; ')}.`,
          {
            details: checked.reasons.map((message) => ({ path: 'params', message })),
          },
        );
      }
      const now = clock.now();
      const asked = Date.parse(request.expiresAt);
      if (asked - now > MAX_EXPIRY_AHEAD_MS) {
        throw new AgromeshError('VALIDATION', 'expiresAt may be at most 7 days ahead.', {
          details: [{ path: 'expiresAt', message: 'too far in the future' }],
        });
      }
      // This farm's own rule wins over a client's longer deadline: start within the window, or never.
      const expiresAt = Math.min(asked, now + deliveryWindowMs(actuator));
      const at = iso(now);
      const expired = expiresAt <= now;
      const record: CommandRecord = {
        id: request.id,
        action: request.action,
        target: request.target,
        params: request.params,
        expiresAt: iso(expiresAt),
        state: expired ? 'expired' : 'queued',
        createdAt: at,
        updatedAt: at,
        requestedBy,
        history: [
          { state: 'queued', at },
          ...(expired
            ? [{ state: 'expired' as const, at, reason: 'expiresAt was already past when it arrived' }]
            : []),
        ],
        ...(expired ? { reason: 'expiresAt was already past when it arrived' } : {}),
        confirmation: null,
      };
      const saved = store.insert(record, fingerprint).record;
      log.info('command accepted', {
        commandId: saved.id,
        target: saved.target,
        action: saved.action,
        requestedBy,
        state: saved.state,
      });
      options.onChange(saved);
      if (!expired) enqueue(saved);
      return { record: saved, created: true };
    },
    get: (id) => store.get(id)?.record,
    recover() {
      // Running when the gateway stopped (killed, crashed, power cut): the handler may even have gone on
      // and finished. Never re-run it; say it was interrupted so someone checks the device.
      for (const { record } of store.inStates(['running'])) {
        transition(record.id, 'interrupted', INTERRUPTED_REASON);
      }
      for (const { record } of store.inStates(['queued'])) enqueue(record);
    },
    sweep() {
      const now = clock.now();
      for (const [id, o] of unsaved) {
        try {
          transition(id, o.state, o.reason);
          unsaved.delete(id);
        } catch (err) {
          if (!isStorageFull(err)) throw err;
          break; // still full: try again next sweep
        }
      }
      for (const [target, q] of queues) {
        for (const id of [...q]) {
          const rec = store.get(id)?.record;
          if (rec?.state === 'queued' && now >= Date.parse(rec.expiresAt)) {
            try {
              transition(id, 'expired', 'expired while waiting for the actuator');
            } catch (err) {
              if (!isStorageFull(err)) throw err;
              continue; // still queued; expired at a later sweep
            }
            q.splice(q.indexOf(id), 1);
          }
        }
        if (q.length === 0) queues.delete(target);
        // A queue that stopped on a full disk starts again.
        else if (!busy.has(target) && !disposed) void pump(target);
      }
      for (let i = watches.length - 1; i >= 0; i--) if (watches[i]!.deadline < now) watches.splice(i, 1);
      notifyIdle();
    },
    onReadings(readings) {
      if (watches.length === 0) return;
      for (let i = watches.length - 1; i >= 0; i--) {
        const w = watches[i]!;
        const hit = readings.find(
          (r) => r.sensorId === w.sensor && r.ts >= w.after && r.value !== null && confirms(w.rule, r.value),
        );
        if (!hit) continue;
        const rec = store.get(w.id)?.record;
        if (!rec || rec.confirmation) {
          watches.splice(i, 1);
          continue;
        }
        let saved: CommandRecord;
        try {
          saved = store.update({ ...rec, confirmation: hit, updatedAt: iso(clock.now()) }).record;
        } catch (err) {
          if (!isStorageFull(err)) throw err;
          continue; // keep watching: a later reading confirms it once space is back
        }
        watches.splice(i, 1);
        options.onChange(saved);
      }
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
    async dispose() {
      disposed = true;
      abort.abort();
      for (const q of queues.values()) q.length = 0;
      // A driver that ignores the abort must not hold shutdown forever; its command is then
      // reported as interrupted at the next start.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 5_000);
        t.unref();
        idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
        notifyIdle();
      });
    },
  };
}
