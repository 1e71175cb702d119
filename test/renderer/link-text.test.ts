import { describe, expect, it } from 'vitest';
import type { LinkSample } from '../../protocol/app/index.ts';
import { translate, type MessageKey, type Vars } from '../../renderer/src/lib/i18n.ts';
import { dataGaps, gapNote } from '../../renderer/src/lib/link-text.ts';
import type { Point } from '../../renderer/src/lib/downsample.ts';

const MIN = 60_000;
const day = Date.parse('2026-12-06T00:00:00Z');
const at = (hh: number, mm: number) => day + (hh * 60 + mm) * MIN;
const en = (key: MessageKey, vars?: Vars) => translate('en', key, vars);
const ru = (key: MessageKey, vars?: Vars) => translate('ru', key, vars);

/** One reading a minute from 02:00 to 05:00 (UTC), none from 03:10 to 03:40. */
function series(): Point[] {
  const out: Point[] = [];
  for (let m = 120; m <= 300; m++) if (m <= 190 || m >= 220) out.push([day + m * MIN, 20 + (m % 7)]);
  return out;
}

const sample = (hh: number, mm: number, kind: LinkSample['kind']): LinkSample => ({
  at: at(hh, mm),
  kind,
  region: kind === 'relayed' ? 'waw' : null,
  rttMs: null,
  handshakeAt: null,
  rxBytes: 0,
  txBytes: 0,
});

describe('data gaps explained by the link', () => {
  it('finds the stretch without readings, by spacing and by null markers', () => {
    expect(dataGaps(series(), 5 * MIN)).toEqual([{ from: at(3, 10), to: at(3, 40) }]);
    const withNull: Point[] = [
      [at(1, 0), 1],
      [at(1, 1), 1],
      [at(1, 2), null],
      [at(1, 9), 1],
      [at(1, 10), 1],
    ];
    expect(dataGaps(withNull, 60 * MIN)).toEqual([{ from: at(1, 1), to: at(1, 9) }]);
    expect(dataGaps([[0, 1]], MIN)).toEqual([]);
  });

  it('says "No data 03:10–03:40 — link relayed then down", in English and Russian', () => {
    // Direct until 03:09, relayed from 03:10, unreachable from 03:25, direct again from 03:41.
    const kindAt = (m: number) =>
      m < 190 ? 'direct' : m < 205 ? 'relayed' : m < 221 ? 'unreachable' : 'direct';
    const inside = Array.from({ length: 60 }, (_, i) => 180 + i).map((m) =>
      sample(Math.floor(m / 60), m % 60, kindAt(m)),
    );
    const gap = dataGaps(series(), 5 * MIN)[0]!;
    expect(gapNote(en, 'en', gap, inside, MIN, 3 * 3600_000, 'UTC')).toBe(
      'No data 03:10–03:40 — link relayed then down.',
    );
    expect(gapNote(ru, 'ru', gap, inside, MIN, 3 * 3600_000, 'UTC')).toBe(
      'Нет данных 03:10–03:40 — связь: через ретранслятор затем нет связи.',
    );
    expect(gapNote(en, 'en', gap, [], MIN, 3 * 3600_000, 'UTC')).toBe(
      'No data 03:10–03:40 — the link was not sampled then.',
    );
  });
});
