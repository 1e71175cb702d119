/**
 * The command ledger's storage: one row per command (who asked, what, for which farm, when, current state)
 * and one row per state change. Terminal states are final: nothing moves a command out of them.
 */
import type { DatabaseSync } from 'node:sqlite';
import { isTerminal, type ParamValue } from '../../../protocol/farm-api.ts';
import type { LedgerCommand, LedgerState } from '../../../protocol/app/index.ts';
import { transaction } from '../../../kit/sqlite.ts';

/** A command as a person asks for it; on its way into the ledger it gains the farm's name, an id, times. */
export interface CommandRequest {
  farmId: string;
  action: string;
  target: string;
  params: Record<string, ParamValue>;
  requestedBy: string;
}

export interface NewCommand extends CommandRequest {
  id: string;
  farmName: string;
  createdMs: number;
  expiresAt: string;
}

export interface StoredCommand extends LedgerCommand {
  expiresAt: string;
}

export interface CommandQuery {
  farmId?: string;
  requestedBy?: string;
  from?: number;
  to?: number;
  limit: number;
}

/** Progress order: what the ledger knows locally < what the gateway confirmed < final. */
function rank(state: LedgerState): number {
  if (state === 'sending' || state === 'unknown') return 0;
  if (state === 'queued') return 1;
  if (state === 'running') return 2;
  return 3;
}

/** Ledger states that still need an answer from the gateway. */
export const OPEN_STATES: readonly LedgerState[] = ['sending', 'unknown', 'queued', 'running'];

interface Row {
  id: string;
  farm_id: string;
  farm_name: string;
  action: string;
  target: string;
  params_json: string;
  requested_by: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  state: string;
  reason: string | null;
}

export interface LedgerStore {
  insert(cmd: NewCommand): StoredCommand;
  /**
   * Records a state change; returns the updated command, or null when nothing changed. Never leaves a
   * terminal state and never moves backwards (a late `queued` after `running`, or `unknown` after the
   * gateway confirmed it).
   */
  transition(
    id: string,
    state: LedgerState,
    at: number,
    reason?: string,
    gatewayJson?: string,
  ): StoredCommand | null;
  get(id: string): StoredCommand | null;
  list(query: CommandQuery): StoredCommand[];
  openIds(farmId?: string): string[];
}

export function createLedgerStore(db: DatabaseSync): LedgerStore {
  const st = {
    insert: db.prepare(
      `INSERT INTO commands (id, farm_id, farm_name, action, target, params_json, requested_by, created_at, created_ms,
        updated_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending')`,
    ),
    event: db.prepare('INSERT INTO command_events (command_id, state, at, reason) VALUES (?, ?, ?, ?)'),
    update: db.prepare(
      'UPDATE commands SET state = ?, reason = ?, updated_at = ?, gateway_json = COALESCE(?, gateway_json) WHERE id = ?',
    ),
    get: db.prepare('SELECT * FROM commands WHERE id = ?'),
    events: db.prepare('SELECT state, at, reason FROM command_events WHERE command_id = ? ORDER BY seq'),
    open: db.prepare(
      `SELECT id FROM commands WHERE state IN (${OPEN_STATES.map(() => '?').join(', ')}) ORDER BY created_ms`,
    ),
    openForFarm: db.prepare(
      `SELECT id FROM commands WHERE farm_id = ? AND state IN (${OPEN_STATES.map(() => '?').join(', ')}) ORDER BY created_ms`,
    ),
  };

  const hydrate = (row: Row): StoredCommand => {
    const history = (
      st.events.all(row.id) as Array<{ state: string; at: string; reason: string | null }>
    ).map((e) => ({
      state: e.state as LedgerState,
      at: e.at,
      ...(e.reason === null ? {} : { reason: e.reason }),
    }));
    return {
      id: row.id,
      farmId: row.farm_id,
      farmName: row.farm_name,
      action: row.action,
      target: row.target,
      params: JSON.parse(row.params_json) as Record<string, ParamValue>,
      requestedBy: row.requested_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      state: row.state as LedgerState,
      reason: row.reason,
      history,
      expiresAt: row.expires_at,
    };
  };

  const get = (id: string): StoredCommand | null => {
    const row = st.get.get(id) as Row | undefined;
    return row ? hydrate(row) : null;
  };

  return {
    insert(cmd) {
      const at = new Date(cmd.createdMs).toISOString();
      transaction(db, () => {
        st.insert.run(
          cmd.id,
          cmd.farmId,
          cmd.farmName,
          cmd.action,
          cmd.target,
          JSON.stringify(cmd.params),
          cmd.requestedBy,
          at,
          cmd.createdMs,
          at,
          cmd.expiresAt,
        );
        st.event.run(cmd.id, 'sending', at, null);
      });
      return get(cmd.id)!;
    },
    transition(id, state, atMs, reason, gatewayJson) {
      return transaction(db, () => {
        const row = st.get.get(id) as Row | undefined;
        if (!row) return null;
        const current = row.state as LedgerState;
        if (isTerminal(current) || rank(state) < rank(current)) return null;
        if (current === state && (reason ?? null) === row.reason) {
          if (gatewayJson !== undefined) st.update.run(state, row.reason, row.updated_at, gatewayJson, id);
          return null;
        }
        const at = new Date(atMs).toISOString();
        st.update.run(state, reason ?? null, at, gatewayJson ?? null, id);
        st.event.run(id, state, at, reason ?? null);
        return hydrate({ ...row, state, reason: reason ?? null, updated_at: at });
      });
    },
    get,
    list(q) {
      const where: string[] = [];
      const args: Array<string | number> = [];
      if (q.farmId !== undefined) {
        where.push('farm_id = ?');
        args.push(q.farmId);
      }
      if (q.requestedBy !== undefined) {
        where.push('requested_by = ?');
        args.push(q.requestedBy);
      }
      if (q.from !== undefined) {
        where.push('created_ms >= ?');
        args.push(q.from);
      }
      if (q.to !== undefined) {
        where.push('created_ms <= ?');
        args.push(q.to);
      }
      const sql = `SELECT * FROM commands ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_ms DESC, id LIMIT ?`;
      const rows = db.prepare(sql).all(...args, Math.max(1, Math.min(q.limit, 10_000))) as unknown as Row[];
      return rows.map(hydrate);
    },
    openIds(farmId) {
      const rows = (
        farmId === undefined ? st.open.all(...OPEN_STATES) : st.openForFarm.all(farmId, ...OPEN_STATES)
      ) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },
  };
}
