/**
 * Hot-path check for `readings` stream frames: the same rules as the zod `StreamMessage` schema
 * (protocol/farm-api.ts) for that one message type, without building a copy. A thousand farms send most of
 * their traffic as these frames, and zod's parse costs more than JSON.parse itself there. Anything the
 * guard does not accept goes through zod, which stays the definition (and reports what is wrong); a
 * property test (test/farms/stream-guard.test.ts) keeps the two in agreement.
 */
import { Limits, type Reading } from '../../../protocol/farm-api.ts';

export interface ReadingsFrame {
  type: 'readings';
  seq: number;
  readings: Reading[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const knownIds = new Set<string>();

function isId(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  if (knownIds.has(v)) return true;
  if (v.length < 1 || v.length > Limits.idLength || !ID.test(v)) return false;
  if (knownIds.size > 50_000) knownIds.clear(); // bounded memo
  knownIds.add(v);
  return true;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The frame itself when it is a valid `readings` message, else undefined (then ask zod). */
export function asReadingsFrame(v: unknown): ReadingsFrame | undefined {
  if (!isObject(v) || v.type !== 'readings' || !Number.isSafeInteger(v.seq) || !Array.isArray(v.readings)) {
    return undefined;
  }
  for (const r of v.readings as unknown[]) {
    if (!isObject(r)) return undefined;
    const value = r.value;
    if (
      !isId(r.sensorId) ||
      !Number.isSafeInteger(r.ts) ||
      !(value === null || (typeof value === 'number' && Number.isFinite(value))) ||
      !(r.quality === 'ok' || r.quality === 'stale' || r.quality === 'fault')
    ) {
      return undefined;
    }
  }
  return v as unknown as ReadingsFrame;
}
