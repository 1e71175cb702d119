/**
 * Command rules: a failed/rejected/expired command alerts at once; an `unknown` one after `unknownForS`.
 * A command that succeeds, or whose outcome is reported again, closes its alert.
 */
import type { AlertRule, LedgerCommand } from '../../../protocol/app/index.ts';
import { SYSTEM } from './book.ts';
import { COMMAND, type FarmState, type RuleContext } from './farm-state.ts';

const FAILED_STATES = new Set(['failed', 'interrupted', 'rejected', 'expired']);
/** Open `unknown` commands remembered at most (oldest dropped). */
const MAX_UNKNOWN = 10_000;

export class CommandRules {
  readonly #ctx: RuleContext;
  readonly #unknown = new Map<string, { command: LedgerCommand; since: number }>();

  constructor(ctx: RuleContext) {
    this.#ctx = ctx;
  }

  command(f: FarmState, cmd: LedgerCommand, now: number): void {
    if (cmd.state === 'unknown') {
      if (!this.#unknown.has(cmd.id)) {
        if (this.#unknown.size >= MAX_UNKNOWN) this.#unknown.delete(this.#unknown.keys().next().value!);
        this.#unknown.set(cmd.id, { command: cmd, since: now });
      }
      this.#unknownRules(f, cmd, now);
      return;
    }
    this.#unknown.delete(cmd.id);
    if (FAILED_STATES.has(cmd.state)) {
      const at = Date.parse(cmd.updatedAt);
      for (const rule of this.#ctx.rules.for(f.farmId, cmd.target, COMMAND)) {
        const c = rule.condition;
        // An interrupted command is a failure to the rules (its reason says to check the device).
        const state = cmd.state === 'interrupted' ? 'failed' : cmd.state;
        if (c.kind !== 'command' || !(c.states as readonly string[]).includes(state)) continue;
        this.#fire(rule, f, cmd, Number.isFinite(at) ? at : now);
      }
      return;
    }
    // queued / running / succeeded / sending: the outcome is known (or moving) again.
    for (const a of this.#ctx.book.openFor(f.farmId, cmd.id)) {
      if (a.kind !== 'command') continue;
      if (cmd.state === 'succeeded') this.#ctx.book.resolve(a, SYSTEM, 'command-succeeded', now, true);
      else if (a.facts.commandState === 'unknown')
        this.#ctx.book.resolve(a, SYSTEM, 'command-reported', now, true);
    }
  }

  #unknownRules(f: FarmState, cmd: LedgerCommand, now: number): void {
    const since = this.#unknown.get(cmd.id)?.since ?? now;
    for (const rule of this.#ctx.rules.for(f.farmId, cmd.target, COMMAND)) {
      const c = rule.condition;
      if (c.kind !== 'command' || !c.states.includes('unknown') || now - since < c.unknownForS * 1000)
        continue;
      this.#fire(rule, f, cmd, since);
    }
  }

  #fire(rule: AlertRule, f: FarmState, cmd: LedgerCommand, startedAt: number): void {
    this.#ctx.book.fire({
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

  /** Fires `unknown` commands that have stayed unknown long enough. */
  tick(now: number, farms: ReadonlyMap<string, FarmState>): void {
    for (const { command } of this.#unknown.values()) {
      const f = farms.get(command.farmId);
      if (f) this.#unknownRules(f, command, now);
    }
  }

  forgetFarm(farmId: string): void {
    for (const [id, u] of this.#unknown) if (u.command.farmId === farmId) this.#unknown.delete(id);
  }
}
