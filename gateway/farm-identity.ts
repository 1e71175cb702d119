/**
 * The gateway's database and who the farm is. The farm id and name are kept in the database, so a
 * gateway restarted without flags is still the same farm.
 */
import { hostname as osHostname } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import type { ResourceStack } from '../kit/resources.ts';
import type { Logger } from '../kit/log.ts';
import type { Location } from '../protocol/farm-api.ts';
import type { GatewayOptions } from './gateway.ts';
import { getMeta, onStorageChange, openGatewayDatabase, setMeta } from './store/db.ts';

export interface FarmIdentity {
  farmId: string;
  farmName: string;
  location: Location | null;
  timeZone: string;
}

/** A valid farm id as given, else a cleaned-up one ("North Field" → "north-field"). */
export function farmIdFrom(text: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(text)) return text;
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9._:-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return /^[a-z0-9]/.test(s) ? s : `farm-${s}`.slice(0, 100);
}

/** Opens the database (closed by the stack) and logs when the disk fills and when it has room again. */
export function openFarmDatabase(
  options: Pick<GatewayOptions, 'dataDir' | 'onDatabase'>,
  log: Logger,
  stack: ResourceStack,
): DatabaseSync {
  const db = openGatewayDatabase(options.dataDir);
  stack.defer(() => db.close());
  options.onDatabase?.(db);
  stack.defer(
    onStorageChange(db, (full, err) => {
      if (full) log.warn('disk full: refusing new readings and commands, still serving reads', { err });
      else log.info('disk space is back: storing readings and commands again');
    }),
  );
  return db;
}

/** The farm's id and name (given, else stored, else from the machine's name), stored for next time. */
export function farmIdentity(
  db: DatabaseSync,
  options: Pick<GatewayOptions, 'farmId' | 'farmName' | 'location' | 'timeZone'>,
): FarmIdentity {
  const farmId = farmIdFrom(options.farmId ?? getMeta(db, 'farm_id') ?? osHostname());
  setMeta(db, 'farm_id', farmId);
  const farmName = options.farmName ?? getMeta(db, 'farm_name') ?? farmId;
  setMeta(db, 'farm_name', farmName);
  const location = options.location === undefined ? null : options.location;
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  return { farmId, farmName, location, timeZone };
}
