/**
 * Command ledger with delivery guarantees.
 *
 * Every command gets its id before it is sent; the same id is reused for every retry, and the gateway
 * treats a repeated id idempotently, so a command runs at most once. States:
 *   sending  → the request has not (provably) reached the gateway; retried with the same id until expiry
 *   unknown  → a request may have reached it but no answer came (timeout, dropped connection, app restart):
 *              resolved ONLY by asking GET /api/commands/{id}; if the gateway has never heard of it, the same
 *              id is sent again (still at most once); never re-sent blindly
 *   queued / running / succeeded / failed / interrupted / expired / rejected → as the gateway reports them.
 * Open commands are resumed when their farm's link comes up, including after an app restart.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { AgromeshError } from '../../../protocol/errors.ts';
import { backoffDelay } from '../../../protocol/backoff.ts';
import { type CommandRecord, type CommandRequestInput, isTerminal } from '../../../protocol/farm-api.ts';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import type { Logger } from '../../../kit/log.ts';
import { commandsToCsv, csvFilename } from './csv.ts';
import { deliveryOf, type FarmClient } from './farm-client.ts';
import {
  type CommandQuery,
  type CommandRequest,
  createLedgerStore,
  type StoredCommand,
} from './ledger-store.ts';
import type { BackoffPolicy, Clock } from './types.ts';

export interface CommandLedgerOptions {
  db: DatabaseSync;
  clock: Clock;
  log: Logger;
  /** The farm's HTTP client while it is connected. */
  client: (farmId: string) => FarmClient | undefined;
  isLive: (farmId: string) => boolean;
  /** Deadline for one POST or GET to the gateway. */
  requestTimeoutMs: number;
  /** Expiry of a command when the caller gives none. */
  ttlMs: number;
  retry: BackoffPolicy;
  /** Poll interval for commands the gateway reports queued/running (stream updates usually come first). */
  pollMs: number;
  random?: () => number;
}

export interface SendCommandInput extends CommandRequest {
  farmName: string;
  expiresInMs?: number;
}

export interface CommandLedger {
  send(input: SendCommandInput): Promise<LedgerCommand>;
  get(id: string): LedgerCommand | null;
  list(query: CommandQuery): LedgerCommand[];
  exportCsv(query: CommandQuery): { filename: string; csv: string };
  /** A command record seen on a farm's stream. */
  onGatewayRecord(farmId: string, record: CommandRecord): void;
  /** The farm's link is up: resume its open commands. */
  wake(farmId: string): void;
  onChange(listener: (command: LedgerCommand) => void): () => void;
  /** Resolves when no resolver is running for `id` (or for any command). */
  settled(id?: string): Promise<void>;
  /** Stop resolving (in-flight requests are left to the caller to abort), then wait for resolvers to exit. */
  dispose(): Promise<void>;
  stop(): void;
}

type StepResult = 'progress' | 'retry' | 'poll' | 'park';

/** Safety bound on resolver iterations per wake-up (each waits at least a backoff step). */
const MAX_STEPS = 1_000;
const MAX_POLL_MS = 30_000;

function publicView(c: StoredCommand): LedgerCommand {
  const { expiresAt: _expiresAt, ...rest } = c;
  return rest;
}

export function createCommandLedger(options: CommandLedgerOptions): CommandLedger {
  const { clock, log } = options;
  const store = createLedgerStore(options.db);
  const listeners = new Set<(c: LedgerCommand) => void>();
  const drivers = new Map<string, Promise<void>>();
  const wakers = new Map<string, () => void>();
  let stopped = false;
  const random = options.random ?? Math.random;

  const emit = (c: StoredCommand | null) => {
    if (!c) return;
    const view = publicView(c);
    for (const l of listeners) {
      try {
        l(view);
      } catch (err) {
        log.error('command listener failed', { err });
      }
    }
  };

  const move = (id: string, state: LedgerCommand['state'], reason?: string, gateway?: CommandRecord) =>
    emit(store.transition(id, state, clock.now(), reason, gateway ? JSON.stringify(gateway) : undefined));

  /** Apply a gateway record, including intermediate states we did not see (e.g. queued → running). */
  const apply = (id: string, rec: CommandRecord) => {
    const seen = new Set<string>();
    for (const h of rec.history) {
      if (h.state === rec.state || seen.has(h.state)) continue;
      seen.add(h.state);
      move(id, h.state, h.reason);
    }
    move(id, rec.state, rec.reason, rec);
  };

  // A command still 'sending' at startup may have been on the wire when the app stopped: ask first.
  for (const id of store.openIds()) {
    const c = store.get(id);
    if (c?.state === 'sending') move(id, 'unknown', 'the app stopped while sending; asking the gateway');
  }

  const transportNote = (err: unknown) => (err instanceof Error ? err.message : String(err));

  const step = async (cmd: StoredCommand, client: FarmClient): Promise<StepResult> => {
    const now = clock.now();
    const expired = now > Date.parse(cmd.expiresAt);
    const idle: StepResult = options.isLive(cmd.farmId) ? 'retry' : 'park';
    if (cmd.state === 'sending') {
      if (expired) {
        move(cmd.id, 'expired', 'never reached the gateway before it expired');
        return 'progress';
      }
      const request: CommandRequestInput = {
        id: cmd.id,
        action: cmd.action,
        target: cmd.target,
        params: cmd.params,
        expiresAt: cmd.expiresAt,
      };
      try {
        apply(cmd.id, await client.postCommand(request, options.requestTimeoutMs));
        return 'progress';
      } catch (err) {
        const status = (err as AgromeshError).details as { status?: number } | undefined;
        const code = status?.status;
        if (code !== undefined && code >= 400 && code < 500) {
          if (code === 409) {
            move(cmd.id, 'unknown', 'the gateway is still handling an earlier attempt; asking it');
            return 'retry';
          }
          if (code === 408 || code === 429) {
            move(cmd.id, 'sending', `the gateway asked to retry later (HTTP ${code})`);
            return 'retry';
          }
          move(cmd.id, 'rejected', transportNote(err));
          return 'progress';
        }
        if (code === undefined && deliveryOf(err) === 'not-sent') {
          move(
            cmd.id,
            'sending',
            `not delivered yet (${transportNote(err)}); retrying until ${cmd.expiresAt}`,
          );
          return idle;
        }
        move(cmd.id, 'unknown', `no answer from the gateway (${transportNote(err)}); asking it by id`);
        return 'retry';
      }
    }
    // unknown, queued, running: ask the gateway by id.
    let rec: CommandRecord | null;
    try {
      rec = await client.getCommand(cmd.id, options.requestTimeoutMs);
    } catch (err) {
      log.debug('command status unavailable', { commandId: cmd.id, farmId: cmd.farmId, err });
      return idle;
    }
    if (rec) {
      apply(cmd.id, rec);
      return isTerminal(rec.state) ? 'progress' : 'poll';
    }
    if (cmd.state === 'unknown') {
      if (expired) {
        move(cmd.id, 'expired', 'the gateway never received it before it expired');
      } else {
        move(cmd.id, 'sending', 'the gateway never received it; sending again with the same id');
      }
      return 'progress';
    }
    log.warn('the gateway no longer reports an accepted command', {
      commandId: cmd.id,
      farmId: cmd.farmId,
      state: cmd.state,
    });
    return 'retry';
  };

  const sleep = (id: string, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wakers.delete(id);
        resolve();
      }
      wakers.set(id, done);
    });

  const drive = (id: string, firstStep?: () => void): Promise<void> => {
    const running = drivers.get(id);
    if (running) {
      firstStep?.();
      wakers.get(id)?.();
      return running;
    }
    const run = (async () => {
      let attempt = 0;
      let polls = 0;
      try {
        for (let i = 0; i < MAX_STEPS && !stopped; i++) {
          const cmd = store.get(id);
          if (!cmd || isTerminal(cmd.state)) return;
          const client = options.client(cmd.farmId);
          if (!client) return; // parked until the farm is connected again
          const result = await step(cmd, client);
          if (i === 0) firstStep?.();
          if (result === 'progress') {
            attempt = 0;
            polls = 0;
            continue;
          }
          if (stopped) return;
          if (result === 'park') {
            // Unreachable farm: wait for its link; a command not yet delivered still expires on time.
            if (cmd.state !== 'sending') return;
            await sleep(id, Math.max(0, Date.parse(cmd.expiresAt) - clock.now()) + 1);
            continue;
          }
          // A long-running command (a 4-hour pump run) is asked about less and less often; stream
          // updates wake the resolver anyway.
          const wait =
            result === 'poll'
              ? backoffDelay(
                  { baseMs: options.pollMs, factor: 1.5, capMs: MAX_POLL_MS, jitter: 'none' },
                  polls++,
                )
              : Math.max(50, backoffDelay(options.retry, attempt++, random));
          await sleep(id, wait);
        }
      } catch (err) {
        log.error('command resolver failed', { commandId: id, err });
      } finally {
        drivers.delete(id);
        firstStep?.();
      }
    })();
    drivers.set(id, run);
    return run;
  };

  function stop() {
    stopped = true;
    for (const w of [...wakers.values()]) w();
  }

  return {
    async send(input) {
      if (stopped) throw new AgromeshError('UNAVAILABLE', 'Farm connections are shutting down.');
      if (!options.client(input.farmId)) {
        throw new AgromeshError('NOT_FOUND', `Farm ${input.farmId} is not connected.`);
      }
      const now = clock.now();
      const cmd = store.insert({
        id: randomUUID(),
        farmId: input.farmId,
        farmName: input.farmName,
        action: input.action,
        target: input.target,
        params: input.params,
        requestedBy: input.requestedBy,
        createdMs: now,
        expiresAt: new Date(now + (input.expiresInMs ?? options.ttlMs)).toISOString(),
      });
      emit(cmd);
      // Answer after the first attempt (bounded by the request timeout); resolution continues in background.
      await new Promise<void>((resolve) => void drive(cmd.id, resolve));
      return publicView(store.get(cmd.id)!);
    },
    get(id) {
      const c = store.get(id);
      return c ? publicView(c) : null;
    },
    list: (q) => store.list(q).map(publicView),
    exportCsv(q) {
      return { filename: csvFilename(q, clock.now()), csv: commandsToCsv(store.list(q).map(publicView)) };
    },
    onGatewayRecord(farmId, record) {
      const c = store.get(record.id);
      if (!c || c.farmId !== farmId) return; // not ours (another control room's command)
      apply(record.id, record);
      wakers.get(record.id)?.();
    },
    wake(farmId) {
      if (stopped) return;
      for (const id of store.openIds(farmId)) {
        if (drivers.has(id)) wakers.get(id)?.();
        else void drive(id);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled(id) {
      for (let i = 0; i < 1_000; i++) {
        const pending =
          id === undefined ? [...drivers.values()] : [drivers.get(id)].filter((p) => p !== undefined);
        if (pending.length === 0) return;
        await Promise.all(pending);
      }
    },
    stop,
    async dispose() {
      stop();
      await Promise.allSettled([...drivers.values()]);
      listeners.clear();
    },
  };
}
