import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandRequest, Limits, Reading } from '../../protocol/farm-api.ts';
import { AgromeshError } from '../../protocol/errors.ts';
import type { ParamSchema } from '../../protocol/farm-api.ts';
import {
  isId,
  parseCommandRequest,
  parseCommandsQuery,
  parseHistoryQuery,
  parseReadings,
  parseSensorLine,
  parseStreamSince,
} from '../../gateway/http/parsers.ts';
import { checkParams } from '../../protocol/command-params.ts';
import { parseListen, parseLocation } from '../../gateway/cli.ts';
import { lttb, minMaxBuckets } from '../../protocol/downsample.ts';

/** Run `fn`; it must return normally or throw an AgromeshError — anything else is a bug. */
function total<T>(fn: () => T): T | AgromeshError {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AgromeshError) return err;
    throw err;
  }
}

const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/);
const queryPairs = fc.array(
  fc.tuple(
    fc.constantFrom('sensor', 'from', 'to', 'maxPoints', 'method', 'since', 'limit', 'x'),
    fc.string({ maxLength: 30 }),
  ),
  { maxLength: 8 },
);
const junkJson = fc.jsonValue({ maxDepth: 4 });

describe('request parsers (property-based)', () => {
  it('history query: any query string gives a valid request or a 422', () => {
    fc.assert(
      fc.property(queryPairs, (pairs) => {
        const r = total(() => parseHistoryQuery(new URLSearchParams(pairs)));
        if (r instanceof AgromeshError) {
          expect(r.code).toBe('VALIDATION');
          return;
        }
        expect(isId(r.sensor)).toBe(true);
        expect(Number.isSafeInteger(r.from) && Number.isSafeInteger(r.to)).toBe(true);
        expect(r.to - r.from).toBeGreaterThanOrEqual(0);
        expect(r.to - r.from).toBeLessThanOrEqual(Limits.historyMaxRangeMs);
        if (r.maxPoints !== undefined)
          expect(r.maxPoints >= 2 && r.maxPoints <= Limits.historyMaxPoints).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('history query: well-formed queries round-trip exactly', () => {
    fc.assert(
      fc.property(
        id,
        fc.integer({ min: -1e12, max: 4e12 }),
        fc.integer({ min: 0, max: Limits.historyMaxRangeMs }),
        fc.option(fc.integer({ min: 2, max: Limits.historyMaxPoints }), { nil: undefined }),
        fc.option(fc.constantFrom('lttb' as const, 'minmax' as const), { nil: undefined }),
        (sensor, from, span, maxPoints, method) => {
          const q = new URLSearchParams({ sensor, from: String(from), to: String(from + span) });
          if (maxPoints !== undefined) q.set('maxPoints', String(maxPoints));
          if (method !== undefined) q.set('method', method);
          expect(parseHistoryQuery(q)).toEqual({ sensor, from, to: from + span, maxPoints, method });
        },
      ),
    );
  });

  it('commands query and stream since: any input gives a cursor or a 422', () => {
    fc.assert(
      fc.property(queryPairs, (pairs) => {
        const q = new URLSearchParams(pairs);
        const c = total(() => parseCommandsQuery(q));
        if (c instanceof AgromeshError) expect(c.code).toBe('VALIDATION');
        else expect(c.limit >= 1 && c.limit <= Limits.commandsPageMax).toBe(true);
        const s = total(() => parseStreamSince(q));
        if (s instanceof AgromeshError) expect(s.code).toBe('VALIDATION');
        else if (s !== undefined) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
      }),
      { numRuns: 1_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), (n) => {
        expect(parseStreamSince(new URLSearchParams({ since: String(n) }))).toBe(n);
        expect(parseCommandsQuery(new URLSearchParams({ since: String(n) })).cursor).toEqual({
          kind: 'rev',
          rev: n,
        });
      }),
    );
  });

  it('command bodies: any JSON gives a valid CommandRequest or a 422', () => {
    const exp = fc
      .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
      .map((d) => d.toISOString());
    const plausible = fc.record(
      {
        id: fc.oneof(id, fc.string()),
        action: fc.oneof(fc.constantFrom('open', 'close'), fc.string()),
        target: fc.oneof(id, fc.string()),
        params: fc.oneof(
          fc.dictionary(
            fc.string({ maxLength: 12 }),
            fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.double()),
          ),
          junkJson,
        ),
        expiresAt: fc.oneof(exp, fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(plausible, junkJson), (body) => {
        const r = total(() => parseCommandRequest(body));
        if (r instanceof AgromeshError) {
          expect(r.code).toBe('VALIDATION');
          return;
        }
        expect(CommandRequest.safeParse(r).success).toBe(true);
        expect(Number.isFinite(Date.parse(r.expiresAt))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sensor lines: any text gives valid readings or a 400/422, and good lines round-trip', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          junkJson.map((j) => JSON.stringify(j)),
        ),
        (line) => {
          const r = total(() => parseSensorLine(line, 1_000));
          if (r instanceof AgromeshError) {
            expect(['BAD_JSON', 'VALIDATION']).toContain(r.code);
            return;
          }
          for (const reading of r) {
            expect(Reading.safeParse(reading).success).toBe(true);
            if (reading.value === null) expect(reading.quality).not.toBe('ok');
          }
        },
      ),
      { numRuns: 2_000 },
    );
    const reading = fc.record({
      sensorId: id,
      ts: fc.integer({ min: 0, max: 4e12 }),
      value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 20 }), (readings) => {
        const parsed = parseReadings({ readings }, 0);
        expect(parsed).toEqual(
          readings.map((r) => ({ ...r, value: r.value, quality: r.value === null ? 'fault' : 'ok' })),
        );
        expect(parseSensorLine(JSON.stringify(readings[0]), 0)).toHaveLength(1);
      }),
    );
  });

  it('params: values inside the bounds pass, outside fail with the bound in the reason', () => {
    const schema: ParamSchema = {
      type: 'object',
      properties: {
        durationMin: { type: 'integer', minimum: 1, maximum: 120, unit: 'min' },
        mode: { type: 'string', enum: ['a', 'b'] },
      },
      required: ['durationMin'],
      additionalProperties: false,
    };
    fc.assert(
      fc.property(fc.integer({ min: -1_000, max: 1_000 }), (n) => {
        const r = checkParams(schema, { durationMin: n });
        if (n >= 1 && n <= 120) expect(r).toEqual({ ok: true, params: { durationMin: n } });
        else
          expect(r.ok ? '' : r.reasons.join()).toMatch(
            n < 1 ? /below the minimum 1 min/ : /above the maximum 120 min/,
          );
      }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.string()),
        ),
        (params) => {
          const r = checkParams(schema, params);
          if (r.ok) {
            expect(Number.isInteger(r.params.durationMin)).toBe(true);
            expect(Object.keys(r.params).every((k) => k in schema.properties)).toBe(true);
          } else expect(r.reasons.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('CLI addresses and locations: any text parses or is a usage error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const l = total(() => parseListen(s));
        if (!(l instanceof AgromeshError)) expect(l.port >= 0 && l.port <= 65535).toBe(true);
        const loc = total(() => parseLocation(s));
        if (!(loc instanceof AgromeshError))
          expect(Math.abs(loc.lat) <= 90 && Math.abs(loc.lon) <= 180).toBe(true);
      }),
    );
    expect(parseListen('100.64.0.5:8080')).toEqual({ host: '100.64.0.5', port: 8080 });
    expect(parseListen('[fd7a:115c:a1e0::1]:8080')).toEqual({ host: 'fd7a:115c:a1e0::1', port: 8080 });
    expect(parseListen(':9000')).toEqual({ port: 9000 });
  });
});

describe('downsampling (property-based)', () => {
  const series = fc
    .array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null }), {
      minLength: 1,
      maxLength: 3_000,
    })
    .map((values) => ({
      ts: Float64Array.from(values, (_, i) => i * 1_000),
      values: Float64Array.from(values, (v) => v ?? NaN),
    }));

  it('min/max buckets: at most maxPoints, in time order, keeping the extremes and a gap marker', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 500 }), (s, maxPoints) => {
        const n = s.ts.length;
        const { indices } = minMaxBuckets(s, maxPoints, 0, (n - 1) * 1_000);
        expect(indices.length).toBeLessThanOrEqual(maxPoints);
        for (let i = 1; i < indices.length; i++) expect(indices[i]!).toBeGreaterThan(indices[i - 1]!);
        const real = [...s.values].filter((v) => !Number.isNaN(v));
        const kept = [...indices].map((i) => s.values[i]!);
        // Room for min, max (and a gap marker) per bucket: extremes must survive.
        if (maxPoints < (real.length < n ? 3 : 2)) return;
        if (real.length > 0) {
          expect(kept).toContain(Math.max(...real));
          expect(kept).toContain(Math.min(...real));
        }
        if (real.length < n) expect(kept.some((v) => Number.isNaN(v))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('LTTB: exactly the threshold, first and last kept, increasing', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 3, max: 500 }), (s, threshold) => {
        const clean = { ts: s.ts, values: s.values.map((v) => (Number.isNaN(v) ? 0 : v)) };
        const idx = lttb(clean, threshold);
        const n = s.ts.length;
        expect(idx.length).toBe(Math.min(n, threshold));
        expect(idx[0]).toBe(0);
        expect(idx[idx.length - 1]).toBe(n - 1);
        for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
      }),
      { numRuns: 300 },
    );
  });
});

describe('history times', () => {
  it('takes from/to as ISO 8601 (what a person with curl writes first) or epoch ms, and the same instant either way', () => {
    const iso = parseHistoryQuery(
      new URLSearchParams({ sensor: 's1', from: '2026-03-01T00:00:00Z', to: '2026-03-01T02:00:00+02:00' }),
    );
    const ms = Date.UTC(2026, 2, 1);
    expect(iso).toMatchObject({ from: ms, to: ms });
    const mixed = parseHistoryQuery(
      new URLSearchParams({ sensor: 's1', from: String(ms), to: '2026-03-02T00:00:00.500Z' }),
    );
    expect(mixed).toMatchObject({ from: ms, to: ms + 86_400_000 + 500 });
  });

  it('says both accepted forms when a time is neither', () => {
    const r = total(() =>
      parseHistoryQuery(new URLSearchParams({ sensor: 's1', from: 'yesterday', to: '1' })),
    );
    expect(r).toBeInstanceOf(AgromeshError);
    expect((r as AgromeshError).message).toMatch(/epoch milliseconds or an ISO 8601 time/);
  });
});
