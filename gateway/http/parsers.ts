/**
 * Strict parsers for everything a client sends besides JSON bodies: query strings and sensor lines.
 * Each either returns a well-formed value or throws an AgromeshError (never anything else) — the
 * property tests in test/gateway/parsers.test.ts hold them to that.
 */
import { z } from 'zod';
import { CommandRequest, Limits, Quality, type Reading } from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import { parseInput } from '../../kit/http/json.ts';
import type { HistoryRequest } from '../history/query.ts';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const INT_RE = /^-?\d{1,16}$/;

function invalid(message: string): never {
  throw new AgromeshError('VALIDATION', message);
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) invalid(`"${name}" is given more than once`);
  return all[0];
}

function int(params: URLSearchParams, name: string, required: boolean): number | undefined {
  const raw = single(params, name);
  if (raw === undefined) return required ? invalid(`"${name}" is required (epoch milliseconds)`) : undefined;
  if (!INT_RE.test(raw)) invalid(`"${name}" must be a whole number, got ${JSON.stringify(raw.slice(0, 40))}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) invalid(`"${name}" is out of range`);
  return n;
}

/** An ISO 8601 time with an offset (`2026-03-01T06:00:00Z`), as epoch ms; undefined when it is not one. */
export function parseIsoInstant(raw: string): number | undefined {
  return z.iso.datetime({ offset: true }).safeParse(raw).success ? Date.parse(raw) : undefined;
}

/** A time in a query: epoch milliseconds (a decimal integer) or an ISO 8601 time with an offset. */
function instant(params: URLSearchParams, name: string): number {
  const raw = single(params, name);
  if (raw === undefined) return invalid(`"${name}" is required (epoch milliseconds or an ISO 8601 time)`);
  if (INT_RE.test(raw)) {
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) invalid(`"${name}" is out of range`);
    return n;
  }
  const at = parseIsoInstant(raw);
  if (at === undefined) {
    invalid(
      `"${name}" must be epoch milliseconds or an ISO 8601 time such as 2026-03-01T06:00:00Z, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return at;
}

export function isId(value: string): boolean {
  return value.length >= 1 && value.length <= Limits.idLength && ID_RE.test(value);
}

/** GET /api/data/history?sensor=&from=&to=&maxPoints=&method= */
export function parseHistoryQuery(params: URLSearchParams): HistoryRequest {
  const sensor = single(params, 'sensor');
  if (sensor === undefined) invalid('"sensor" is required');
  if (!isId(sensor)) invalid('"sensor" is not a valid sensor id');
  const from = instant(params, 'from');
  const to = instant(params, 'to');
  if (to < from) invalid('"to" must not be before "from"');
  if (to - from > Limits.historyMaxRangeMs)
    invalid(`the range may be at most ${Limits.historyMaxRangeMs} ms (2 years)`);
  const maxPoints = int(params, 'maxPoints', false);
  if (maxPoints !== undefined && (maxPoints < 2 || maxPoints > Limits.historyMaxPoints)) {
    invalid(`"maxPoints" must be between 2 and ${Limits.historyMaxPoints}`);
  }
  const method = single(params, 'method');
  if (method !== undefined && method !== 'lttb' && method !== 'minmax')
    invalid('"method" must be lttb or minmax');
  return { sensor, from, to, maxPoints, method };
}

export type CommandsCursor = { kind: 'latest' } | { kind: 'rev'; rev: number } | { kind: 'time'; at: number };

/** GET /api/commands?since=<cursor|ISO time>&limit= */
export function parseCommandsQuery(params: URLSearchParams): { cursor: CommandsCursor; limit: number } {
  const since = single(params, 'since');
  const limitRaw = int(params, 'limit', false);
  const limit = limitRaw ?? Limits.commandsPageMax;
  if (limit < 1 || limit > Limits.commandsPageMax)
    invalid(`"limit" must be between 1 and ${Limits.commandsPageMax}`);
  if (since === undefined || since === '') return { cursor: { kind: 'latest' }, limit };
  if (/^\d{1,15}$/.test(since)) return { cursor: { kind: 'rev', rev: Number(since) }, limit };
  const at = parseIsoInstant(since);
  if (at !== undefined) return { cursor: { kind: 'time', at }, limit };
  return invalid('"since" must be a cursor from a previous page or an ISO 8601 time');
}

/** `?since=<seq>` on the stream; undefined when absent. */
export function parseStreamSince(params: URLSearchParams): number | undefined {
  const since = single(params, 'since');
  if (since === undefined) return undefined;
  if (!/^\d{1,15}$/.test(since)) invalid('"since" must be a stream sequence number');
  return Number(since);
}

/** POST /api/commands body. */
export function parseCommandRequest(body: unknown): CommandRequest {
  // JSON.parse keeps "__proto__" as an own key, but copying it (as schema parsing does) would set a
  // prototype instead: refuse such names before they are silently dropped.
  const rawParams = (body as { params?: unknown } | null)?.params;
  if (rawParams && typeof rawParams === 'object') {
    for (const k of Object.keys(rawParams))
      if (k === '__proto__' || k === 'constructor' || k === 'prototype')
        invalid(`param name "${k}" is not allowed`);
  }
  const req = parseInput(CommandRequest, body, 'command');
  const keys = Object.keys(req.params);
  if (keys.length > 50) invalid('too many params');
  for (const k of keys) if (k.length > 100) invalid('a param name is too long');
  for (const v of Object.values(req.params))
    if (typeof v === 'string' && v.length > 1000) invalid('a param value is too long');
  return req;
}

const LineReading = z.object({
  sensorId: z.string().refine(isId, 'not a valid sensor id'),
  ts: z.union([z.number().int().min(0).max(8.64e15), z.iso.datetime({ offset: true })]).optional(),
  value: z.number().nullable(),
  quality: Quality.optional(),
});
const LineBatch = z.object({ readings: z.array(LineReading).max(10_000) });
const Line = z.union([LineReading, LineBatch]);

/**
 * One line from a sensor command's stdout (or a push body): a reading or `{readings: [...]}`.
 * `ts` defaults to now; `quality` to ok (fault when value is null).
 */
export function parseReadings(input: unknown, now: number): Reading[] {
  const parsed = Line.safeParse(input);
  if (!parsed.success) invalid(`not a reading: ${z.prettifyError(parsed.error)}`);
  const list = 'readings' in parsed.data ? parsed.data.readings : [parsed.data];
  return list.map((r) => ({
    sensorId: r.sensorId,
    ts: r.ts === undefined ? now : typeof r.ts === 'number' ? r.ts : Date.parse(r.ts),
    value: r.value,
    // A missing value is never 'ok'.
    quality: r.value === null ? (r.quality === 'stale' ? 'stale' : 'fault') : (r.quality ?? 'ok'),
  }));
}

export function parseSensorLine(line: string, now: number): Reading[] {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new AgromeshError('BAD_JSON', 'the line is not JSON');
  }
  return parseReadings(json, now);
}
