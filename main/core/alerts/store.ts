/**
 * Alert rules and alert history in the app's local SQLite file. Times are stored as epoch ms (range
 * queries for chart bands) and shown as ISO. At most one open (not resolved) alert exists per
 * (rule, farm, subject): a unique partial index makes "fires exactly once per episode" a storage fact.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import {
  type Alert,
  type AlertCounts,
  AlertCondition,
  AlertFacts,
  type AlertKind,
  AlertResolution,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
} from '../../../protocol/app/index.ts';
import { type Migration, migrate, openDatabase } from '../../../kit/sqlite.ts';
import { BUILTIN_RULES } from './defaults.ts';
import { iso } from './time.ts';

/** An alert as kept in memory and on disk: times in epoch ms. */
export interface StoredAlert {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: AlertKind;
  severity: AlertSeverity;
  farmId: string;
  farmName: string;
  sensorId: string | null;
  subject: string;
  state: AlertState;
  title: string;
  facts: AlertFacts;
  peak: number | null;
  startedAt: number;
  firedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: AlertResolution | null;
}

export interface AlertQuery {
  states?: readonly AlertState[];
  farmId?: string;
  sensorId?: string;
  severities?: readonly AlertSeverity[];
  from?: number;
  to?: number;
  limit: number;
}

export interface AlertStore {
  listRules(): AlertRule[];
  getRule(id: string): AlertRule | null;
  putRule(rule: AlertRule): void;
  deleteRule(id: string): boolean;
  openAlerts(): StoredAlert[];
  getAlert(id: string): StoredAlert | null;
  insertAlert(alert: StoredAlert): void;
  updateAlert(alert: StoredAlert): void;
  query(q: AlertQuery): StoredAlert[];
  counts(): AlertCounts;
  /** Deletes resolved alerts resolved before `beforeMs`, then the oldest resolved beyond `maxRows`. */
  prune(beforeMs: number, maxRows: number): number;
  close(): void;
}

const migrations: Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE alert_rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        severity TEXT NOT NULL,
        farm_id TEXT,
        sensor_id TEXT,
        condition TEXT NOT NULL,
        notify TEXT NOT NULL,
        webhook_url TEXT,
        builtin INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        rule_id TEXT NOT NULL,
        rule_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        farm_id TEXT NOT NULL,
        farm_name TEXT NOT NULL,
        sensor_id TEXT,
        subject TEXT NOT NULL,
        state TEXT NOT NULL,
        title TEXT NOT NULL,
        facts TEXT NOT NULL,
        peak REAL,
        started_at INTEGER NOT NULL,
        fired_at INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        note TEXT,
        resolved_at INTEGER,
        resolved_by TEXT,
        resolution TEXT
      );
      CREATE UNIQUE INDEX alerts_one_open_episode ON alerts(rule_id, farm_id, subject) WHERE state != 'resolved';
      CREATE INDEX alerts_by_state ON alerts(state, fired_at);
      CREATE INDEX alerts_by_farm ON alerts(farm_id, started_at);
      CREATE INDEX alerts_by_resolved ON alerts(resolved_at);
    `);
  },
  // The shipped defaults, written once: later edits by the operator are never overwritten.
  (db) => {
    const insert = db.prepare(
      `INSERT INTO alert_rules (id, name, enabled, severity, farm_id, sensor_id, condition, notify, webhook_url, builtin, updated_at, updated_by)
       VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, NULL, 1, ?, 'agromesh')`,
    );
    const now = new Date(0).toISOString();
    for (const r of BUILTIN_RULES) {
      insert.run(r.id, r.name, r.enabled ? 1 : 0, r.severity, JSON.stringify(r.condition), r.notify, now);
    }
  },
];

type Row = Record<string, SQLInputValue>;

/** Columns read back from SQLite hold text or numbers; anything else is a corrupt row and reads as ''. */
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function ruleFromRow(row: Row): AlertRule {
  return {
    id: str(row.id),
    name: str(row.name),
    enabled: Number(row.enabled) === 1,
    severity: str(row.severity) as AlertSeverity,
    farmId: strOrNull(row.farm_id),
    sensorId: strOrNull(row.sensor_id),
    condition: AlertCondition.parse(JSON.parse(str(row.condition))),
    notify: str(row.notify) as AlertRule['notify'],
    webhookUrl: strOrNull(row.webhook_url),
    builtin: Number(row.builtin) === 1,
    updatedAt: str(row.updated_at),
    updatedBy: str(row.updated_by),
  };
}

function alertFromRow(row: Row): StoredAlert {
  const facts = AlertFacts.safeParse(JSON.parse(str(row.facts)));
  return {
    id: str(row.id),
    ruleId: str(row.rule_id),
    ruleName: str(row.rule_name),
    kind: str(row.kind) as AlertKind,
    severity: str(row.severity) as AlertSeverity,
    farmId: str(row.farm_id),
    farmName: str(row.farm_name),
    sensorId: strOrNull(row.sensor_id),
    subject: str(row.subject),
    state: str(row.state) as AlertState,
    title: str(row.title),
    facts: facts.success ? facts.data : {},
    peak: numOrNull(row.peak),
    startedAt: Number(row.started_at),
    firedAt: Number(row.fired_at),
    acknowledgedAt: numOrNull(row.acknowledged_at),
    acknowledgedBy: strOrNull(row.acknowledged_by),
    note: strOrNull(row.note),
    resolvedAt: numOrNull(row.resolved_at),
    resolvedBy: strOrNull(row.resolved_by),
    resolution: AlertResolution.safeParse(row.resolution).data ?? null,
  };
}

export function toPublicAlert(a: StoredAlert): Alert {
  return {
    ...a,
    startedAt: iso(a.startedAt),
    firedAt: iso(a.firedAt),
    acknowledgedAt: a.acknowledgedAt === null ? null : iso(a.acknowledgedAt),
    resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt),
  };
}

function alertParams(a: StoredAlert): SQLInputValue[] {
  return [
    a.ruleId,
    a.ruleName,
    a.kind,
    a.severity,
    a.farmId,
    a.farmName,
    a.sensorId,
    a.subject,
    a.state,
    a.title,
    JSON.stringify(a.facts),
    a.peak,
    a.startedAt,
    a.firedAt,
    a.acknowledgedAt,
    a.acknowledgedBy,
    a.note,
    a.resolvedAt,
    a.resolvedBy,
    a.resolution,
  ];
}

/** Opens (or creates) the alert tables in `file`, or wraps an already open database. */
export function createAlertStore(source: { file: string } | { db: DatabaseSync }): AlertStore {
  let db: DatabaseSync;
  let owned: boolean;
  if ('file' in source) {
    db = openDatabase({ file: source.file, component: 'alerts', migrations });
    owned = true;
  } else {
    db = source.db;
    owned = false;
    migrate(db, {
      component: 'alerts',
      migrations,
      // Before component_versions, alert tables in a shared file kept their version in alert_schema.
      legacyVersion: () => {
        const legacy = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alert_schema'")
          .get();
        if (!legacy) return 0;
        return (
          (db.prepare('SELECT version FROM alert_schema').get() as { version: number } | undefined)
            ?.version ?? 0
        );
      },
    });
  }

  const cols =
    'rule_id, rule_name, kind, severity, farm_id, farm_name, sensor_id, subject, state, title, facts, peak, started_at, fired_at, acknowledged_at, acknowledged_by, note, resolved_at, resolved_by, resolution';
  const stmts = {
    listRules: db.prepare('SELECT * FROM alert_rules ORDER BY builtin DESC, rowid'),
    getRule: db.prepare('SELECT * FROM alert_rules WHERE id = ?'),
    putRule: db.prepare(
      `INSERT INTO alert_rules (id, name, enabled, severity, farm_id, sensor_id, condition, notify, webhook_url, builtin, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, severity = excluded.severity,
         farm_id = excluded.farm_id, sensor_id = excluded.sensor_id, condition = excluded.condition,
         notify = excluded.notify, webhook_url = excluded.webhook_url, updated_at = excluded.updated_at,
         updated_by = excluded.updated_by`,
    ),
    deleteRule: db.prepare('DELETE FROM alert_rules WHERE id = ?'),
    open: db.prepare(`SELECT * FROM alerts WHERE state != 'resolved' ORDER BY fired_at`),
    getAlert: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    insertAlert: db.prepare(
      `INSERT INTO alerts (id, ${cols}) VALUES (?, ${cols
        .split(',')
        .map(() => '?')
        .join(', ')})`,
    ),
    updateAlert: db.prepare(
      `UPDATE alerts SET ${cols
        .split(',')
        .map((c) => `${c.trim()} = ?`)
        .join(', ')} WHERE id = ?`,
    ),
    counts: db.prepare(`SELECT state, COUNT(*) AS n FROM alerts WHERE state != 'resolved' GROUP BY state`),
    pruneOld: db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < ?`),
    countResolved: db.prepare(`SELECT COUNT(*) AS n FROM alerts WHERE state = 'resolved'`),
    pruneExcess: db.prepare(
      `DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE state = 'resolved' ORDER BY resolved_at LIMIT ?)`,
    ),
  };

  return {
    listRules: () => (stmts.listRules.all() as Row[]).map(ruleFromRow),
    getRule: (id) => {
      const row = stmts.getRule.get(id) as Row | undefined;
      return row ? ruleFromRow(row) : null;
    },
    putRule: (r) => {
      stmts.putRule.run(
        r.id,
        r.name,
        r.enabled ? 1 : 0,
        r.severity,
        r.farmId,
        r.sensorId,
        JSON.stringify(r.condition),
        r.notify,
        r.webhookUrl,
        r.builtin ? 1 : 0,
        r.updatedAt,
        r.updatedBy,
      );
    },
    deleteRule: (id) => Number(stmts.deleteRule.run(id).changes) > 0,
    openAlerts: () => (stmts.open.all() as Row[]).map(alertFromRow),
    getAlert: (id) => {
      const row = stmts.getAlert.get(id) as Row | undefined;
      return row ? alertFromRow(row) : null;
    },
    insertAlert: (a) => {
      stmts.insertAlert.run(a.id, ...alertParams(a));
    },
    updateAlert: (a) => {
      stmts.updateAlert.run(...alertParams(a), a.id);
    },
    query: (q) => {
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (q.states && q.states.length > 0) {
        where.push(`state IN (${q.states.map(() => '?').join(', ')})`);
        params.push(...q.states);
      }
      if (q.severities && q.severities.length > 0) {
        where.push(`severity IN (${q.severities.map(() => '?').join(', ')})`);
        params.push(...q.severities);
      }
      if (q.farmId !== undefined) {
        where.push('farm_id = ?');
        params.push(q.farmId);
      }
      if (q.sensorId !== undefined) {
        where.push('sensor_id = ?');
        params.push(q.sensorId);
      }
      // Overlap with [from, to]: began before its end and was still open (or ended) after its start.
      if (q.to !== undefined) {
        where.push('started_at <= ?');
        params.push(q.to);
      }
      if (q.from !== undefined) {
        where.push('(resolved_at IS NULL OR resolved_at >= ?)');
        params.push(q.from);
      }
      const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY fired_at DESC, id LIMIT ?`;
      return (db.prepare(sql).all(...params, q.limit) as Row[]).map(alertFromRow);
    },
    counts: () => {
      const out: AlertCounts = { firing: 0, acknowledged: 0 };
      for (const row of stmts.counts.all() as Row[]) {
        if (row.state === 'firing') out.firing = Number(row.n);
        if (row.state === 'acknowledged') out.acknowledged = Number(row.n);
      }
      return out;
    },
    prune: (beforeMs, maxRows) => {
      let removed = Number(stmts.pruneOld.run(beforeMs).changes);
      const { n } = stmts.countResolved.get() as { n: number };
      if (n > maxRows) removed += Number(stmts.pruneExcess.run(n - maxRows).changes);
      return removed;
    },
    close: () => {
      if (owned) db.close();
    },
  };
}
