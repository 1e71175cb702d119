/** The card beside a hovered or focused marker: one farm's health, alerts and key figures, or a cluster's farms. */
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import type { FarmAlerts } from '../app/firing-alerts.tsx';
import type { Cluster } from '../lib/cluster.ts';
import { HEALTH_LABEL } from '../lib/health.ts';
import { healthReason } from '../lib/health-text.ts';
import type { Point, Size } from '../lib/projection.ts';
import { FarmAlertChip } from './FarmAlertChip.tsx';
import { HealthChip } from './HealthChip.tsx';
import { LiveKeyFigures } from './KeyFigures.tsx';

export function MapHoverCard({
  hover,
  hoverAt,
  size,
  byId,
  alertsByFarm,
}: {
  hover: Cluster;
  /** Where the marker is on screen. */
  hoverAt: Point;
  size: Size;
  byId: ReadonlyMap<string, FarmSummary>;
  alertsByFarm: ReadonlyMap<string, FarmAlerts>;
}) {
  const { t, lang } = useApp();
  const hoverFarm = hover.ids.length === 1 ? byId.get(hover.ids[0] ?? '') : undefined;
  return (
    <Paper
      elevation={4}
      role="tooltip"
      sx={{
        position: 'absolute',
        left: Math.min(hoverAt.x + 14, Math.max(0, size.width - 280)),
        top: Math.max(0, hoverAt.y - 10),
        p: 1.25,
        maxWidth: 280,
        pointerEvents: 'none',
      }}
    >
      {hoverFarm ? (
        <>
          <Typography variant="subtitle2">{hoverFarm.displayName}</Typography>
          <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
            <HealthChip health={hoverFarm.health.overall} />
            <FarmAlertChip alerts={alertsByFarm.get(hoverFarm.farmId)} link={false} />
          </Box>
          <Typography variant="body2" sx={{ mt: 0.5 }}>
            {healthReason(t, lang, hoverFarm.health)}
          </Typography>
          {hoverFarm.latest.length > 0 && (
            <Box sx={{ mt: 0.5 }}>
              <LiveKeyFigures farm={hoverFarm} />
            </Box>
          )}
        </>
      ) : (
        <>
          <Typography variant="subtitle2">
            {t('mapCluster', { n: hover.ids.length, health: t(HEALTH_LABEL[hover.worst]) })}
          </Typography>
          <Typography variant="body2" component="div" sx={{ mt: 0.5 }}>
            {hover.ids
              .slice(0, 6)
              .map((id) => byId.get(id)?.displayName ?? id)
              .join(', ')}
            {hover.ids.length > 6 ? '…' : ''}
          </Typography>
        </>
      )}
    </Paper>
  );
}
