import { describe, expect, it } from 'vitest';
import {
  explainGap,
  FarmLinkInput,
  type LinkKind,
  type LinkSample,
  linkSpans,
  summarizeLink,
} from '../../protocol/app/index.ts';

const MIN = 60_000;
const sample = (minute: number, kind: LinkKind, extra: Partial<LinkSample> = {}): LinkSample => ({
  at: minute * MIN,
  kind,
  region: kind === 'relayed' ? 'fra' : null,
  rttMs: null,
  handshakeAt: null,
  rxBytes: 0,
  txBytes: 0,
  ...extra,
});

describe('link summary', () => {
  it('adds up time per path, round trips and reconnects over a window', () => {
    const samples = [
      sample(0, 'direct', { rttMs: 20, rxBytes: 100 }),
      sample(1, 'direct'),
      sample(2, 'relayed', { rttMs: 110, region: 'waw' }),
      sample(3, 'unreachable'),
      sample(4, 'unreachable'),
      sample(5, 'direct', { rttMs: 30, txBytes: 50 }),
    ];
    const s = summarizeLink(samples, 0, 6 * MIN, MIN);
    expect(s.directMs).toBe(3 * MIN);
    expect(s.relayedMs).toBe(MIN);
    expect(s.unreachableMs).toBe(2 * MIN);
    expect(s.unsampledMs).toBe(0);
    expect(s.medianRttMs).toBe(30);
    expect(s.worstRttMs).toBe(110);
    expect(s.pings).toBe(3);
    expect(s.reconnects).toBe(1);
    expect(s.regions).toEqual(['waw']);
    expect([s.rxBytes, s.txBytes]).toEqual([100, 50]);
  });

  it('counts time without samples as unsampled, not as any path', () => {
    // The app was closed from minute 2 to minute 10.
    const s = summarizeLink(
      [sample(0, 'direct'), sample(1, 'direct'), sample(10, 'relayed')],
      0,
      11 * MIN,
      MIN,
    );
    // The last sample before the pause holds for 1.5 intervals.
    expect(s.directMs).toBe(2.5 * MIN);
    expect(s.relayedMs).toBe(MIN);
    expect(s.unsampledMs).toBe(7.5 * MIN);
    expect(s.medianRttMs).toBeNull();
    expect(s.reconnects).toBe(0);
  });

  it('an unknown (idle) sample between down and up still counts the reconnect', () => {
    const s = summarizeLink(
      [sample(0, 'unreachable'), sample(1, 'unknown'), sample(2, 'direct')],
      0,
      3 * MIN,
      MIN,
    );
    expect(s.reconnects).toBe(1);
  });
});

describe('link spans and gaps', () => {
  it('merges equal neighbours and keeps the median round trip of each run', () => {
    const spans = linkSpans(
      [
        sample(0, 'direct', { rttMs: 10 }),
        sample(1, 'direct', { rttMs: 30 }),
        sample(2, 'direct', { rttMs: 20 }),
      ],
      0,
      3 * MIN,
      MIN,
    );
    expect(spans).toEqual([{ from: 0, to: 3 * MIN, kind: 'direct', region: null, rttMs: 20 }]);
  });

  it('a sample from before the window still covers its start', () => {
    // A sample holds for 1.5 intervals (timer jitter), then the band says "not sampled".
    const spans = linkSpans([sample(0, 'relayed')], 30_000, 120_000, MIN);
    expect(spans).toMatchObject([
      { from: 30_000, to: 90_000, kind: 'relayed' },
      { from: 90_000, to: 120_000, kind: 'nodata' },
    ]);
  });

  it('explains a gap in the readings: "relayed then down"', () => {
    const samples = [
      sample(190, 'direct'),
      sample(191, 'relayed'),
      sample(192, 'relayed'),
      sample(200, 'unreachable'),
      sample(210, 'unreachable'),
      sample(220, 'direct'),
    ];
    // No data 03:10–03:40: minutes 190–220 — there was a stretch without samples (192–200) too.
    expect(explainGap(samples, 191 * MIN, 219 * MIN, 10 * MIN)).toEqual(['relayed', 'unreachable']);
    expect(explainGap(samples, 300 * MIN, 310 * MIN, MIN)).toEqual([]);
  });

  it('refuses windows that are reversed or longer than a month', () => {
    expect(FarmLinkInput.safeParse({ farmId: 'a', from: 10, to: 5 }).success).toBe(false);
    expect(FarmLinkInput.safeParse({ farmId: 'a', from: 0, to: 32 * 86_400_000 }).success).toBe(false);
    expect(FarmLinkInput.safeParse({ farmId: 'a', from: 0, to: 86_400_000 }).success).toBe(true);
  });
});
