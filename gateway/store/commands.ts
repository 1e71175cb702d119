/**
 * Command ledger: every command with its full state history, keyed by the client's idempotency id.
 * `rev` increases on every change and is the cursor for GET /api/commands?since=.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { CommandRecord, CommandState, Reading } from '../../protocol/farm-api.ts';
import { durably } from './db.ts';

export interface StoredCommand {
  record: CommandRecord;
  fingerprint: string;
  rev: number;
}

interface Row {
  id: string;
  fingerprint: string;
  action: string;
  target: string;
  params: string;
  expires_at: number;
  state: string;
  created_at: number;
  updated_at: number;
  requested_by: string;
  history: string;
  reason: string | null;
  confirmation: string | null;
  rev: number;
}

export interface CommandStore {
  get(id: string): StoredCommand | undefined;
  /** Insert a new command, durably. */
  insert(record: CommandRecord, fingerprint: string): StoredCommand;
  /** Replace a command's mutable fields, durably; bumps its rev. */
  update(record: CommandRecord): StoredCommand;
  /** Commands changed after `rev`, oldest change first. */
  changedSince(rev: number, limit: number): StoredCommand[];
  /** The most recently changed commands, oldest change first. */
  latest(limit: number): StoredCommand[];
  inStates(states: readonly CommandState[]): StoredCommand[];
  /** Highest rev so far (0 when empty). */
  headRev(): number;
}

export function createCommandStore(db: DatabaseSync): CommandStore {
  const getStmt = db.prepare('SELECT * FROM commands WHERE id = ?');
  const insertStmt = db.prepare(`INSERT INTO commands
    (id, fingerprint, action, target, params, expires_at, state, created_at, updated_at, requested_by, history, reason, confirmation, rev)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const updateStmt = db.prepare(
    'UPDATE commands SET state = ?, updated_at = ?, history = ?, reason = ?, confirmation = ?, rev = ? WHERE id = ?',
  );
  const sinceStmt = db.prepare('SELECT * FROM commands WHERE rev > ? ORDER BY rev LIMIT ?');
  const latestStmt = db.prepare(
    'SELECT * FROM (SELECT * FROM commands ORDER BY rev DESC LIMIT ?) ORDER BY rev',
  );
  let rev = (db.prepare('SELECT coalesce(max(rev), 0) AS r FROM commands').get() as { r: number }).r;

  return {
    get(id) {
      const row = getStmt.get(id) as Row | undefined;
      return row ? fromRow(row) : undefined;
    },
    insert(record, fingerprint) {
      const next = rev + 1;
      durably(db, () => {
        insertStmt.run(
          record.id,
          fingerprint,
          record.action,
          record.target,
          JSON.stringify(record.params),
          Date.parse(record.expiresAt),
          record.state,
          Date.parse(record.createdAt),
          Date.parse(record.updatedAt),
          record.requestedBy,
          JSON.stringify(record.history),
          record.reason ?? null,
          record.confirmation === null ? null : JSON.stringify(record.confirmation),
          next,
        );
      });
      rev = next;
      return { record, fingerprint, rev: next };
    },
    update(record) {
      const next = rev + 1;
      durably(db, () => {
        const r = updateStmt.run(
          record.state,
          Date.parse(record.updatedAt),
          JSON.stringify(record.history),
          record.reason ?? null,
          record.confirmation === null ? null : JSON.stringify(record.confirmation),
          next,
          record.id,
        );
        if (r.changes !== 1) throw new Error(`command ${record.id} is not stored`);
      });
      rev = next;
      const stored = getStmt.get(record.id) as unknown as Row;
      return fromRow(stored);
    },
    changedSince: (since, limit) => (sinceStmt.all(since, limit) as unknown as Row[]).map(fromRow),
    latest: (limit) => (latestStmt.all(limit) as unknown as Row[]).map(fromRow),
    inStates(states) {
      const marks = states.map(() => '?').join(', ');
      return (
        db
          .prepare(`SELECT * FROM commands WHERE state IN (${marks}) ORDER BY rev`)
          .all(...states) as unknown as Row[]
      ).map(fromRow);
    },
    headRev: () => rev,
  };
}

function fromRow(row: Row): StoredCommand {
  const record: CommandRecord = {
    id: row.id,
    action: row.action,
    target: row.target,
    params: JSON.parse(row.params) as CommandRecord['params'],
    expiresAt: new Date(row.expires_at).toISOString(),
    state: row.state as CommandState,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    requestedBy: row.requested_by,
    history: JSON.parse(row.history) as CommandRecord['history'],
    ...(row.reason === null ? {} : { reason: row.reason }),
    confirmation: row.confirmation === null ? null : (JSON.parse(row.confirmation) as Reading),
  };
  return { record, fingerprint: row.fingerprint, rev: row.rev };
}
