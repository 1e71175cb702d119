/** The farm table on a phone: one card per farm (name, health and why, alerts, last reading, key figures, tags). */
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import type { FarmAlerts } from '../app/firing-alerts.tsx';
import { useApp } from '../app/context.tsx';
import { formatAge } from '../lib/format.ts';
import { healthReason } from '../lib/health-text.ts';
import { routeHref } from '../lib/route.ts';
import { ageSeconds } from '../lib/staleness.ts';
import { FarmAlertChip } from './FarmAlertChip.tsx';
import { HealthChip } from './HealthChip.tsx';
import { KeyFigures } from './KeyFigures.tsx';

export function FarmCards({
  farms,
  now,
  alertsByFarm,
}: {
  farms: FarmSummary[];
  now: number;
  alertsByFarm: ReadonlyMap<string, FarmAlerts>;
}) {
  const { t, lang, settings } = useApp();
  return (
    <Box
      component="ul"
      aria-label={t('farmsTitle')}
      sx={{ listStyle: 'none', p: 0, m: 0, display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      {farms.map((f) => {
        const lastAge = f.lastReadingAt === null ? undefined : ageSeconds(f.lastReadingAt, now);
        const lastStale = lastAge !== undefined && lastAge > settings.staleAfterS;
        return (
          <Paper component="li" variant="outlined" key={f.farmId} sx={{ p: 1.5, minWidth: 0 }}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
              <Link href={routeHref({ view: 'farm', farmId: f.farmId })} sx={{ fontWeight: 600, mr: 'auto' }}>
                {f.displayName}
              </Link>
              <HealthChip health={f.health.overall} />
              <FarmAlertChip alerts={alertsByFarm.get(f.farmId)} />
            </Box>
            <Box sx={{ color: 'text.secondary', fontSize: '0.8em', overflowWrap: 'anywhere' }}>
              {healthReason(t, lang, f.health)}
            </Box>
            <Box sx={{ fontSize: '0.85em', mt: 0.5, color: lastStale ? 'text.secondary' : undefined }}>
              {t('colLastReading')}:{' '}
              {lastAge === undefined ? t('noReadings') : t('ago', { age: formatAge(lang, lastAge) })}
            </Box>
            <Box sx={{ mt: 0.5 }}>
              <KeyFigures farm={f} now={now} />
            </Box>
            {f.tags.length > 0 && (
              <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, mt: 0.5 }}>
                {f.tags.map((tag) => (
                  <Chip key={tag} size="small" variant="outlined" label={tag} />
                ))}
              </Box>
            )}
            <Box sx={{ color: 'text.secondary', fontSize: '0.75em', mt: 0.5, overflowWrap: 'anywhere' }}>
              {f.dnsName || f.address}
            </Box>
          </Paper>
        );
      })}
    </Box>
  );
}
