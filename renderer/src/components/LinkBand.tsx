/**
 * A thin band under a history chart: how this control room reached the farm over the chart's range
 * (direct, relayed, unreachable, idle, not sampled), aligned with the chart's plot area. Each segment is
 * named for assistive technology and shows its state, times and median round trip on hover.
 */
import Box from '@mui/material/Box';
import { type Theme, useTheme } from '@mui/material/styles';
import Tooltip from '@mui/material/Tooltip';
import type { LinkSpan } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { linkSpanText } from '../lib/link-text.ts';
import type { TimeRange } from '../lib/ranges.ts';

export const LINK_BAND_HEIGHT = 8;

export function linkColor(theme: Theme, kind: LinkSpan['kind']): string {
  switch (kind) {
    case 'direct':
      return theme.palette.success.main;
    case 'relayed':
      return theme.palette.warning.main;
    case 'unreachable':
      return theme.palette.error.main;
    case 'unknown':
      return theme.palette.action.disabled;
    case 'nodata':
      return theme.palette.action.hover;
  }
}

export function LinkBand(props: {
  spans: readonly LinkSpan[];
  range: TimeRange;
  timeZone: string | undefined;
  /** The chart's width and its plot-area insets, so time lines up with the chart above. */
  width: number;
  left: number;
  right: number;
}) {
  const { t, lang } = useApp();
  const theme = useTheme();
  const { range, spans } = props;
  const total = range.to - range.from;
  if (!(total > 0) || spans.length === 0) return null;
  const texts = spans.map((s) => linkSpanText(t, lang, s, total, props.timeZone));
  return (
    <Box
      role="group"
      className="link-band"
      aria-label={t('linkBandLabel')}
      sx={{
        display: 'flex',
        height: LINK_BAND_HEIGHT,
        ml: `${props.left}px`,
        width: `${Math.max(0, props.width - props.left - props.right)}px`,
        mt: 0.25,
        borderRadius: 0.5,
        overflow: 'hidden',
      }}
    >
      {spans.map((s, i) => (
        <Tooltip key={s.from} title={texts[i]} disableInteractive placement="top">
          <Box
            role="img"
            className={`link-span link-span-${s.kind}`}
            data-kind={s.kind}
            sx={{
              width: `${((s.to - s.from) / total) * 100}%`,
              bgcolor: linkColor(theme, s.kind),
              opacity: s.kind === 'nodata' ? 1 : theme.palette.mode === 'dark' ? 0.85 : 0.75,
            }}
          />
        </Tooltip>
      ))}
    </Box>
  );
}
