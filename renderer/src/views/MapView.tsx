/** Every farm at its location, live; farms without a location are listed beside the map. */
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';
import { HealthChip } from '../components/HealthChip.tsx';
import { MapLegend } from '../components/MapLegend.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { WorldMap } from '../components/WorldMap.tsx';
import { navigate } from '../hooks/useHashRoute.ts';
import { pluralKey } from '../lib/i18n.ts';
import { healthReason } from '../lib/health-text.ts';
import { routeHref } from '../lib/route.ts';

export function MapView() {
  const { t, lang } = useApp();
  const { farms, loading, error, reload } = useFarms();
  const unlocated = farms.filter((f) => !f.location);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
      <ViewHeader
        title={t('mapTitle')}
        subtitle={farms.length ? t(pluralKey(lang, farms.length, 'farms'), { n: farms.length }) : undefined}
        actions={<MapLegend />}
      />
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {loading && farms.length === 0 && <Loading />}
      {!loading && farms.length === 0 && error === undefined && (
        <EmptyState title={t('noFarmsTitle')}>{t('noFarmsBody')}</EmptyState>
      )}
      {/* On a phone the map takes the height and the farms without a location go below it. */}
      <Box
        sx={{ display: 'flex', flexDirection: { xs: 'column', sm: 'row' }, gap: 2, flex: 1, minHeight: 360 }}
      >
        <WorldMap farms={farms} onOpenFarm={(farmId) => navigate(routeHref({ view: 'farm', farmId }))} />
        {unlocated.length > 0 && (
          <Paper
            variant="outlined"
            component="aside"
            aria-labelledby="unlocated-title"
            sx={{ width: { xs: '100%', sm: 260 }, maxHeight: { xs: 220, sm: 'none' }, overflow: 'auto' }}
          >
            <Typography id="unlocated-title" component="h2" variant="subtitle1" sx={{ px: 2, pt: 1.5 }}>
              {t('mapNoLocation')}
            </Typography>
            <List dense>
              {unlocated.map((f) => (
                <ListItem key={f.farmId} disablePadding>
                  <ListItemButton component="a" href={routeHref({ view: 'farm', farmId: f.farmId })}>
                    <ListItemText primary={f.displayName} secondary={healthReason(t, lang, f.health)} />
                    <HealthChip health={f.health.overall} />
                  </ListItemButton>
                </ListItem>
              ))}
            </List>
          </Paper>
        )}
      </Box>
    </Box>
  );
}
