/**
 * The control room's farm connections running inside the `cr` namespace (ns-agent): the real dialer in
 * tailnet mode bound to the control room's tunnel address, the links, the ledger. Keeps tallies the tests
 * read back: every reading key received (to prove exactly-once), link-state transitions with times.
 */
import { mkdirSync } from 'node:fs';
import { createLogger } from '../../../kit/log.ts';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import {
  type FarmConnections,
  type FarmConnectionsTuning,
  type FarmEndpoint,
  type SendInput,
  createFarmConnections,
  createTailnetDialer,
} from '../../../main/core/farms/index.ts';

interface Room {
  farms: FarmConnections;
  seen: Map<string, Map<string, number>>;
  links: { farmId: string; state: string; detail: string; at: number; attempt: number }[];
  state: Map<string, string>;
}

const rooms = new Map<string, Room>();

function room(key: string): Room {
  const r = rooms.get(key);
  if (!r) throw new Error(`no control room ${key}`);
  return r;
}

export async function startRoom(
  key: string,
  o: { dataDir: string; localAddress: string; tuning?: Partial<FarmConnectionsTuning> },
): Promise<void> {
  mkdirSync(o.dataDir, { recursive: true });
  const farms = createFarmConnections({
    dataDir: o.dataDir,
    dialer: createTailnetDialer({ mode: 'tailnet', localAddress: o.localAddress, connectTimeoutMs: 3_000 }),
    log: createLogger('cr', { level: 'error' }),
    ...(o.tuning ? { tuning: o.tuning } : {}),
  });
  const r: Room = { farms, seen: new Map(), links: [], state: new Map() };
  farms.on('readings', (batch) => {
    for (const f of batch.farms) {
      let m = r.seen.get(f.farmId);
      if (!m) r.seen.set(f.farmId, (m = new Map()));
      for (const x of f.readings) {
        const k = `${x.sensorId}@${x.ts}`;
        m.set(k, (m.get(k) ?? 0) + 1);
      }
    }
  });
  farms.on('linkState', (e) => {
    r.state.set(e.farmId, e.state);
    if (r.links.length < 100_000)
      r.links.push({
        farmId: e.farmId,
        state: e.state,
        detail: e.detail,
        at: Date.now(),
        attempt: e.attempt,
      });
  });
  rooms.set(key, r);
}

export async function connectFarms(key: string, endpoints: FarmEndpoint[]): Promise<void> {
  const r = room(key);
  for (const e of endpoints) await r.farms.connect(e);
}

export function linkStates(key: string): Record<string, string> {
  return Object.fromEntries(room(key).state);
}

export function linkEvents(
  key: string,
  since = 0,
): { farmId: string; state: string; detail: string; at: number; attempt: number }[] {
  return room(key).links.filter((l) => l.at >= since);
}

export async function send(key: string, input: SendInput): Promise<LedgerCommand> {
  return room(key).farms.sendCommand(input);
}

export function getCommand(key: string, id: string): LedgerCommand {
  return room(key).farms.getCommand(id);
}

export function listCommands(key: string): LedgerCommand[] {
  return room(key).farms.listCommands({ limit: 1_000 });
}

export async function settle(key: string, farmId?: string): Promise<void> {
  await room(key).farms.idle(farmId);
}

/** Reading keys received for a farm within [from, to], and how many arrived more than once. */
export function received(
  key: string,
  farmId: string,
  from: number,
  to: number,
): { keys: string[]; duplicates: number } {
  const m = room(key).seen.get(farmId) ?? new Map<string, number>();
  const keys: string[] = [];
  let duplicates = 0;
  for (const [k, n] of m) {
    const ts = Number(k.slice(k.lastIndexOf('@') + 1));
    if (ts < from || ts > to) continue;
    keys.push(k);
    if (n > 1) duplicates += n - 1;
  }
  return { keys, duplicates };
}

export function receivedCounts(key: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [farm, m] of room(key).seen) out[farm] = m.size;
  return out;
}

export async function stopRoom(key: string): Promise<void> {
  const r = rooms.get(key);
  rooms.delete(key);
  await r?.farms.dispose();
}

export function rss(): number {
  return process.memoryUsage().rss;
}

export function gc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}
