/**
 * The registry's SQLite store. One row per tailnet address. Every write is a read-modify-write inside one
 * BEGIN IMMEDIATE transaction, so writers (in this process or another sharing the file) are serialised and
 * none loses another's update. Field ownership keeps heartbeats and people from overwriting each other:
 * heartbeats write only gateway/tailnet fields, people write only displayName/locationOverride/notes and
 * region/crop/owner.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { FarmMetadataUpdate, FarmRecord, Heartbeat } from '../protocol/discovery-api.ts';
import { AgromeshError } from '../protocol/errors.ts';
import type { Location } from '../protocol/farm-api.ts';
import { openDatabase, transaction, type Migration } from '../kit/sqlite.ts';

const migrations: readonly Migration[] = [
  (db) =>
    db.exec(`
      CREATE TABLE farms (
        address TEXT PRIMARY KEY,
        farm_id TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        display_name TEXT,
        location TEXT,
        location_override TEXT,
        time_zone TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        node_name TEXT NOT NULL DEFAULT '',
        gateway_version TEXT NOT NULL DEFAULT '',
        api_port INTEGER NOT NULL DEFAULT 8080,
        last_heartbeat_at INTEGER,
        status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE INDEX farms_liveness ON farms (status, last_heartbeat_at);
      CREATE INDEX farms_farm_id ON farms (farm_id);
    `),
  // People's region, crop and owner: the app mirrors them into tailnet posture attributes.
  (db) =>
    db.exec(`
      ALTER TABLE farms ADD COLUMN region TEXT NOT NULL DEFAULT '';
      ALTER TABLE farms ADD COLUMN crop TEXT NOT NULL DEFAULT '';
      ALTER TABLE farms ADD COLUMN owner TEXT NOT NULL DEFAULT '';
    `),
];

interface Row {
  address: string;
  farm_id: string;
  name: string;
  display_name: string | null;
  location: string | null;
  location_override: string | null;
  time_zone: string;
  notes: string;
  region: string;
  crop: string;
  owner: string;
  tags: string;
  node_name: string;
  gateway_version: string;
  api_port: number;
  last_heartbeat_at: number | null;
  status: 'online' | 'offline';
  version: number;
  updated_at: number;
  updated_by: string;
}

/** Who a write comes from, as the tailnet said. */
export interface Writer {
  /** Login name, or the node name for tagged devices: goes to `updatedBy`. */
  label: string;
  nodeName: string;
  tags: string[];
}

export interface ListFilter {
  tag?: string;
  status?: 'online' | 'offline';
}

const iso = (ms: number) => new Date(ms).toISOString();
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function toRecord(r: Row): FarmRecord {
  return {
    address: r.address,
    farmId: r.farm_id,
    name: r.name,
    displayName: r.display_name,
    location: r.location === null ? null : (JSON.parse(r.location) as Location),
    locationOverride: r.location_override === null ? null : (JSON.parse(r.location_override) as Location),
    timeZone: r.time_zone,
    notes: r.notes,
    region: r.region,
    crop: r.crop,
    owner: r.owner,
    tags: JSON.parse(r.tags) as string[],
    nodeName: r.node_name,
    gatewayVersion: r.gateway_version,
    apiPort: r.api_port,
    lastHeartbeatAt: r.last_heartbeat_at === null ? null : iso(r.last_heartbeat_at),
    status: r.status,
    version: r.version,
    updatedAt: iso(r.updated_at),
    updatedBy: r.updated_by,
  };
}

export class RegistryStore {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  #generation = 0;
  #listCache = new Map<string, { key: string; json: string; records: FarmRecord[] }>();

  constructor(db: DatabaseSync, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  get(address: string): FarmRecord | undefined {
    const row = this.#row(address);
    return row ? toRecord(row) : undefined;
  }

  /** Records sorted by address; `json` is the serialised `{farms}` body, cached until the next write. */
  list(filter: ListFilter = {}): { records: FarmRecord[]; json: string } {
    // data_version moves when another connection (another registry process) commits to the same file.
    const dataVersion = (this.#db.prepare('PRAGMA data_version').get() as { data_version: number })
      .data_version;
    const key = `${this.#generation}:${dataVersion}`;
    const cacheKey = `${filter.tag ?? ''}\u0000${filter.status ?? ''}`;
    const hit = this.#listCache.get(cacheKey);
    if (hit?.key === key) return hit;
    const where: string[] = [];
    const params: string[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.tag) {
      where.push('EXISTS (SELECT 1 FROM json_each(farms.tags) WHERE value = ?)');
      params.push(filter.tag);
    }
    const sql = `SELECT * FROM farms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY address`;
    const records = (this.#db.prepare(sql).all(...params) as unknown as Row[]).map(toRecord);
    const entry = { key, records, json: JSON.stringify({ farms: records }) };
    if (this.#listCache.size > 64) this.#listCache.clear();
    this.#listCache.set(cacheKey, entry);
    return entry;
  }

  counts(): { farms: number; online: number } {
    const r = this.#db
      .prepare("SELECT COUNT(*) AS farms, COALESCE(SUM(status = 'online'), 0) AS online FROM farms")
      .get() as { farms: number; online: number };
    return { farms: Number(r.farms), online: Number(r.online) };
  }

  /**
   * A farm node reports itself. Refuses (409) a farmId that another address holds while that one is online,
   * so one node cannot pose as a live farm elsewhere. A heartbeat that changes nothing but liveness does not
   * bump the version (people's `ifVersion` stays valid across routine heartbeats).
   */
  heartbeat(address: string, hb: Heartbeat, writer: Writer): FarmRecord {
    return this.#write(() => {
      const now = this.#now();
      const clash = this.#db
        .prepare("SELECT address FROM farms WHERE farm_id = ? AND address <> ? AND status = 'online' LIMIT 1")
        .get(hb.farmId, address) as { address: string } | undefined;
      if (clash) {
        throw new AgromeshError(
          'CONFLICT',
          `Farm id "${hb.farmId}" is already reported by ${clash.address}, which is online.`,
          {
            details: { farmId: hb.farmId, heldBy: clash.address },
          },
        );
      }
      const old = this.#row(address);
      const next = {
        farm_id: hb.farmId,
        name: hb.name,
        location: json(hb.location),
        time_zone: hb.timeZone,
        tags: JSON.stringify([...writer.tags].sort()),
        node_name: writer.nodeName,
        gateway_version: hb.gatewayVersion,
        api_port: hb.apiPort,
        status: 'online' as const,
      };
      if (!old) {
        this.#db
          .prepare(
            `INSERT INTO farms (address, farm_id, name, location, time_zone, tags, node_name, gateway_version, api_port,
               last_heartbeat_at, status, version, updated_at, updated_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'online', 1, ?, ?)`,
          )
          .run(
            address,
            next.farm_id,
            next.name,
            next.location,
            next.time_zone,
            next.tags,
            next.node_name,
            next.gateway_version,
            next.api_port,
            now,
            now,
            writer.label,
          );
      } else {
        const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => old[k] !== next[k]);
        if (changed) {
          this.#db
            .prepare(
              `UPDATE farms SET farm_id = ?, name = ?, location = ?, time_zone = ?, tags = ?, node_name = ?,
                 gateway_version = ?, api_port = ?, status = 'online', last_heartbeat_at = ?,
                 version = version + 1, updated_at = ?, updated_by = ? WHERE address = ?`,
            )
            .run(
              next.farm_id,
              next.name,
              next.location,
              next.time_zone,
              next.tags,
              next.node_name,
              next.gateway_version,
              next.api_port,
              now,
              now,
              writer.label,
              address,
            );
        } else {
          this.#db.prepare('UPDATE farms SET last_heartbeat_at = ? WHERE address = ?').run(now, address);
        }
      }
      return toRecord(this.#row(address)!);
    });
  }

  /**
   * People's fields. `ifVersion` (0 = "no record yet") refuses the write with 409 when the record moved on.
   * A missing record is created, so names and notes can be set before a farm's first heartbeat.
   */
  updateMetadata(address: string, patch: FarmMetadataUpdate, writer: Writer): FarmRecord {
    return this.#write(() => {
      const now = this.#now();
      const old = this.#row(address);
      const current = old?.version ?? 0;
      if (patch.ifVersion !== undefined && patch.ifVersion !== current) {
        throw new AgromeshError(
          'CONFLICT',
          `The record is at version ${current}, not ${patch.ifVersion}: reload and retry.`,
          {
            details: { currentVersion: current },
          },
        );
      }
      const next = {
        display_name: patch.displayName === undefined ? (old?.display_name ?? null) : patch.displayName,
        location_override:
          patch.locationOverride === undefined
            ? (old?.location_override ?? null)
            : json(patch.locationOverride),
        notes: patch.notes ?? old?.notes ?? '',
        region: patch.region ?? old?.region ?? '',
        crop: patch.crop ?? old?.crop ?? '',
        owner: patch.owner ?? old?.owner ?? '',
      };
      const values = [
        next.display_name,
        next.location_override,
        next.notes,
        next.region,
        next.crop,
        next.owner,
      ];
      if (!old) {
        this.#db
          .prepare(
            `INSERT INTO farms (address, display_name, location_override, notes, region, crop, owner, version,
               updated_at, updated_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
          )
          .run(address, ...values, now, writer.label);
      } else if ((Object.keys(next) as (keyof typeof next)[]).some((k) => old[k] !== next[k])) {
        this.#db
          .prepare(
            `UPDATE farms SET display_name = ?, location_override = ?, notes = ?, region = ?, crop = ?, owner = ?,
               version = version + 1, updated_at = ?, updated_by = ? WHERE address = ?`,
          )
          .run(...values, now, writer.label, address);
      }
      return toRecord(this.#row(address)!);
    });
  }

  /** Marks records offline whose last heartbeat is older than `offlineAfterMs`; returns how many. */
  sweep(offlineAfterMs: number): number {
    const now = this.#now();
    const cutoff = now - offlineAfterMs;
    const stale = this.#db
      .prepare(
        "SELECT 1 FROM farms WHERE status = 'online' AND (last_heartbeat_at IS NULL OR last_heartbeat_at < ?) LIMIT 1",
      )
      .get(cutoff);
    if (!stale) return 0; // read-only fast path: no write lock taken on quiet sweeps
    return this.#write(() => {
      const r = this.#db
        .prepare(
          `UPDATE farms SET status = 'offline', version = version + 1, updated_at = ?, updated_by = 'registry'
           WHERE status = 'online' AND (last_heartbeat_at IS NULL OR last_heartbeat_at < ?)`,
        )
        .run(now, cutoff);
      return Number(r.changes);
    });
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #row(address: string): Row | undefined {
    return this.#db.prepare('SELECT * FROM farms WHERE address = ?').get(address) as Row | undefined;
  }

  #write<T>(fn: () => T): T {
    const result = transaction(this.#db, fn);
    this.#generation++;
    return result;
  }
}

export function openRegistryStore(options: { file: string; now?: () => number }): RegistryStore {
  return new RegistryStore(
    openDatabase({ file: options.file, component: 'registry', migrations }),
    options.now ?? Date.now,
  );
}
