import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamMessage } from '../../protocol/farm-api.ts';
import { asReadingsFrame } from '../../main/core/farms/stream-guard.ts';

/** Values that are sometimes valid and sometimes subtly not, for every field of a readings frame. */
const id = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/),
  fc.constantFrom('', '-lead', 'a b', 'x'.repeat(100), 'x'.repeat(101), 'ü', 's1\n'),
  fc.integer(),
);
const int = fc.oneof(
  fc.integer(),
  fc.constantFrom(1.5, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, -0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.constantFrom('1', null),
);
const value = fc.oneof(
  fc.double(),
  fc.constant(null),
  fc.constantFrom('3', true, Number.NaN, Number.NEGATIVE_INFINITY),
);
const quality = fc.constantFrom('ok', 'stale', 'fault', 'bad', 1, null);
const reading = fc.oneof(
  { weight: 8, arbitrary: fc.record({ sensorId: id, ts: int, value, quality }) },
  { weight: 1, arbitrary: fc.record({ sensorId: id, ts: int, value, quality }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 1, 'r', [] as unknown[]) },
);
const frame = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      type: fc.constantFrom('readings', 'hello', 'gap'),
      seq: int,
      readings: fc.array(reading, { maxLength: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('readings'),
      seq: int,
      readings: fc.constantFrom(null, {}, 'x'),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, [], 'readings', 42) },
);
/** Mostly-valid frames, so acceptance is exercised as much as refusal. */
const validReading = fc.record({
  sensorId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/),
  ts: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
  value: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  quality: fc.constantFrom('ok', 'stale', 'fault'),
});
const validFrame = fc.record({
  type: fc.constant('readings'),
  seq: fc.nat(),
  readings: fc.array(validReading, { maxLength: 10 }),
});

describe('readings fast path', () => {
  it('accepts exactly the readings frames the zod schema accepts', () => {
    fc.assert(
      fc.property(fc.oneof(frame, validFrame), (v) => {
        const viaZod = StreamMessage.safeParse(v);
        const zodAcceptsAsReadings = viaZod.success && viaZod.data.type === 'readings';
        expect(asReadingsFrame(v) !== undefined).toBe(zodAcceptsAsReadings);
      }),
      { numRuns: 3_000 },
    );
  });

  it('returns the same readings zod would', () => {
    fc.assert(
      fc.property(validFrame, (v) => {
        const fast = asReadingsFrame(v);
        expect(fast).toBeDefined();
        expect(fast).toEqual(StreamMessage.parse(v));
      }),
      { numRuns: 500 },
    );
  });
});
