/** What the marker shapes and colours mean. */
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { HEALTH_LABEL, HEALTH_ORDER } from '../lib/health.ts';
import { MarkerShape } from '../map/MarkerShape.tsx';

export function MapLegend() {
  const { t } = useApp();
  return (
    <Box
      component="ul"
      aria-label={t('mapLegend')}
      sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 2, rowGap: 0.5, listStyle: 'none', p: 0, m: 0 }}
    >
      {HEALTH_ORDER.map((h) => (
        <Box component="li" key={h} sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}>
          <svg width={18} height={18} viewBox="-9 -9 18 18" aria-hidden>
            <MarkerShape health={h} r={6} />
          </svg>
          <Typography variant="body2">{t(HEALTH_LABEL[h])}</Typography>
        </Box>
      ))}
      <Box component="li" sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}>
        <svg width={24} height={24} viewBox="-12 -12 24 24" aria-hidden>
          <MarkerShape health="ok" alert="warning" r={5} />
        </svg>
        <Typography variant="body2">{t('mapLegendAlert')}</Typography>
      </Box>
    </Box>
  );
}
