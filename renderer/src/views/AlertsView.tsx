/** Farms that need attention, worst first, each with its plain-language reason. */
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';
import { HealthChip } from '../components/HealthChip.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { HEALTH_RANK } from '../lib/health.ts';
import { routeHref } from '../lib/route.ts';

export function AlertsView() {
  const { t } = useApp();
  const { farms, loading, error, reload } = useFarms();
  const alerts = farms
    .filter((f) => f.health.overall !== 'ok')
    .sort((a, b) => HEALTH_RANK[b.health.overall] - HEALTH_RANK[a.health.overall]);
  return (
    <>
      <ViewHeader title={t('alertsTitle')} subtitle={alerts.length ? t('alertsIntro') : undefined} />
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {loading && farms.length === 0 ? (
        <Loading />
      ) : farms.length === 0 ? (
        <EmptyState title={t('noFarmsTitle')}>{t('noFarmsBody')}</EmptyState>
      ) : alerts.length === 0 ? (
        <EmptyState>{t('alertsEmpty')}</EmptyState>
      ) : (
        <List aria-label={t('alertsTitle')}>
          {alerts.map((f) => (
            <ListItemButton key={f.farmId} component="a" href={routeHref({ view: 'farm', farmId: f.farmId })}>
              <ListItemText
                primary={
                  <Typography component="span" sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                    <HealthChip health={f.health.overall} /> {f.displayName}
                  </Typography>
                }
                secondary={f.health.reason}
              />
            </ListItemButton>
          ))}
        </List>
      )}
    </>
  );
}
