/**
 * A farm's link over the last week, as this control room reached it (getFarmLink): the path now, time
 * relayed and unreachable, median and worst round trip, reconnects, DERP regions, the last handshake and
 * bytes moved — and, where sampling does not work on this computer, why not.
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import Typography from '@mui/material/Typography';
import { type ReactNode, useMemo } from 'react';
import type { FarmLink } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useFarmLink } from '../hooks/useFarmLink.ts';
import { formatAge, formatBytes, formatNumber, formatRelative } from '../lib/format.ts';
import { linkStateText } from '../lib/link-text.ts';
import { linkColor } from './LinkBand.tsx';
import { ErrorState, Loading } from './StateViews.tsx';

const WEEK_MS = 7 * 86_400_000;

export function LinkCard({ farmId, now }: { farmId: string; now: number }) {
  // The window moves with each minute's refresh, not with every tick of `now`.
  const to = Math.floor(now / 60_000) * 60_000 + 60_000;
  const link = useFarmLink(farmId, to - WEEK_MS, to, true);
  if (link.error !== undefined) return <ErrorState error={link.error} onRetry={link.reload} />;
  if (!link.data) return <Loading />;
  return <LinkFigures link={link.data} now={now} />;
}

function LinkFigures({ link, now }: { link: FarmLink; now: number }) {
  const { t, lang } = useApp();
  const theme = useTheme();
  const s = link.summary;
  const last = link.samples[link.samples.length - 1];
  const lastPing = useMemo(() => [...link.samples].reverse().find((x) => x.rttMs !== null), [link.samples]);
  const handshake = useMemo(
    () =>
      link.samples.reduce<number | null>(
        (m, x) => (x.handshakeAt !== null && x.handshakeAt > (m ?? 0) ? x.handshakeAt : m),
        null,
      ),
    [link.samples],
  );
  const sampled = s.to - s.from - s.unsampledMs;
  const share = (ms: number) =>
    t('linkShare', {
      duration: formatAge(lang, ms / 1000),
      percent: formatNumber(lang, sampled > 0 ? (ms / sampled) * 100 : 0, 1),
    });
  const ms = (v: number | null) =>
    v === null ? t('linkNone') : t('linkMs', { ms: formatNumber(lang, v, 0) });
  const current = last && now - last.at <= link.intervalMs * 1.5 ? last : undefined;

  const rows: [string, ReactNode][] = [
    [
      t('linkNow'),
      current ? (
        <Box
          component="span"
          sx={{ display: 'inline-flex', alignItems: 'center', gap: 1 }}
          data-kind={current.kind}
        >
          <Box
            component="span"
            aria-hidden
            sx={{ width: 10, height: 10, borderRadius: '50%', bgcolor: linkColor(theme, current.kind) }}
          />
          {linkStateText(t, current.kind, current.region)}
          {lastPing && lastPing.at === current.at && ` · ${ms(lastPing.rttMs)}`}
        </Box>
      ) : (
        t('linkNoData')
      ),
    ],
    [t('linkTimeRelayed'), share(s.relayedMs)],
    [t('linkTimeUnreachable'), share(s.unreachableMs)],
    [t('linkMedianRtt'), ms(s.medianRttMs)],
    [t('linkWorstRtt'), ms(s.worstRttMs)],
    [t('linkReconnects'), formatNumber(lang, s.reconnects, 0)],
    [t('linkRegions'), s.regions.length > 0 ? s.regions.join(', ') : t('linkNone')],
    [t('linkLastHandshake'), handshake === null ? t('linkNone') : formatRelative(lang, handshake, now)],
    [
      t('linkBytes'),
      t('linkBytesValue', { rx: formatBytes(lang, s.rxBytes), tx: formatBytes(lang, s.txBytes) }),
    ],
  ];
  return (
    <>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {t('linkCardWindow')}
      </Typography>
      {link.source.kind === 'unavailable' && (
        <Alert severity="warning" sx={{ mb: 1 }}>
          {t('linkUnavailable', { problem: link.source.problem ?? '' })}
        </Alert>
      )}
      {link.samples.length === 0 && link.source.kind !== 'unavailable' && (
        <Typography variant="body2" sx={{ mb: 1 }}>
          {t('linkNotSampled')}
        </Typography>
      )}
      <Box
        component="dl"
        className="link-card"
        sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}
      >
        {rows.map(([k, v]) => (
          <Box key={k} sx={{ display: 'contents' }}>
            <Box component="dt" sx={{ color: 'text.secondary' }}>
              {k}
            </Box>
            <Box component="dd" sx={{ m: 0 }}>
              {v}
            </Box>
          </Box>
        ))}
      </Box>
      {link.samples.length > 0 && s.unsampledMs > 0 && (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          {t('linkUnsampledShare', { duration: formatAge(lang, s.unsampledMs / 1000) })}
        </Typography>
      )}
    </>
  );
}
