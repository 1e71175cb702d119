/**
 * Words for link quality: a span of the band ("relayed via DERP waw, 03:10–03:40, round trip 96 ms"), and
 * the note under a chart that explains a stretch without readings from the link samples of that time.
 */
import { explainGap, type LinkKind, type LinkSample, type LinkSpan } from '../../../protocol/app/index.ts';
import type { Point } from './downsample.ts';
import { formatNumber, formatTick } from './format.ts';
import type { Lang, MessageKey, Vars } from './i18n.ts';

type T = (key: MessageKey, vars?: Vars) => string;

export function linkStateText(t: T, kind: LinkSpan['kind'], region: string | null): string {
  switch (kind) {
    case 'direct':
      return t('linkDirect');
    case 'relayed':
      return region ? t('linkRelayed', { region }) : t('linkRelayedAny');
    case 'unreachable':
      return t('linkUnreachable');
    case 'unknown':
      return t('linkUnknown');
    case 'nodata':
      return t('linkNoData');
  }
}

export function linkSpanText(t: T, lang: Lang, span: LinkSpan, spanMs: number, timeZone: string | undefined): string {
  const vars = {
    state: linkStateText(t, span.kind, span.region),
    from: formatTick(lang, span.from, spanMs, timeZone),
    to: formatTick(lang, span.to, spanMs, timeZone),
  };
  return span.rttMs === null
    ? t('linkSpan', vars)
    : t('linkSpanRtt', { ...vars, rtt: formatNumber(lang, span.rttMs, 0) });
}

export interface DataGap {
  from: number;
  to: number;
}

/**
 * Stretches without readings: runs of null points (the gateway's gap markers) and steps between readings
 * longer than `minGapMs` and five times the usual step. Bounded to the `limit` longest, in time order.
 */
export function dataGaps(points: readonly Point[], minGapMs: number, limit = 3): DataGap[] {
  const values = points.filter((p) => p[1] !== null);
  if (values.length < 2) return [];
  const steps = values
    .slice(1)
    .map((p, i) => p[0] - values[i]![0])
    .sort((a, b) => a - b);
  const usual = steps[steps.length >> 1] ?? 0;
  const gaps: DataGap[] = [];
  let lastValue: number | undefined;
  let inNull = false;
  for (const [ts, v] of points) {
    if (v === null) {
      inNull = lastValue !== undefined;
      continue;
    }
    if (lastValue !== undefined) {
      const step = ts - lastValue;
      if ((inNull && step > usual) || (step >= minGapMs && step > 5 * usual))
        gaps.push({ from: lastValue, to: ts });
    }
    lastValue = ts;
    inNull = false;
  }
  return gaps
    .sort((a, b) => b.to - b.from - (a.to - a.from))
    .slice(0, limit)
    .sort((a, b) => a.from - b.from);
}

const GAP_WORD: Record<LinkKind, MessageKey> = {
  direct: 'linkGapDirect',
  relayed: 'linkGapRelayed',
  unreachable: 'linkGapUnreachable',
  unknown: 'linkGapUnknown',
};

/** "No data 03:10–03:40 — link relayed then down." */
export function gapNote(
  t: T,
  lang: Lang,
  gap: DataGap,
  samples: readonly LinkSample[],
  intervalMs: number,
  spanMs: number,
  timeZone: string | undefined,
): string {
  const kinds = explainGap(samples, gap.from, gap.to, intervalMs);
  const from = formatTick(lang, gap.from, spanMs, timeZone);
  const to = formatTick(lang, gap.to, spanMs, timeZone);
  if (kinds.length === 0) return t('linkGapUnsampled', { from, to });
  const states = kinds.map((k) => t(GAP_WORD[k])).join(` ${t('linkThen')} `);
  return t('linkGap', { from, to, states });
}
