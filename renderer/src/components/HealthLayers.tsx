/** The three health layers (tailnet, gateway, data), each with its state, detail and when it was confirmed. */
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { FarmHealth, HealthLayer } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { formatRelative } from '../lib/format.ts';
import { LAYER_LABEL } from '../lib/health.ts';
import { layerDetail } from '../lib/health-text.ts';
import type { MessageKey } from '../lib/i18n.ts';

const LAYER_COLOR: Record<HealthLayer['state'], string> = {
  ok: 'success.main',
  degraded: 'warning.main',
  down: 'error.main',
  unknown: 'text.secondary',
};

export function HealthLayers({ health, now }: { health: FarmHealth; now: number }) {
  const { t, lang } = useApp();
  const layers: [MessageKey, HealthLayer][] = [
    ['layerTailnet', health.tailnet],
    ['layerGateway', health.gateway],
    ['layerData', health.data],
  ];
  return (
    <Box
      component="ul"
      sx={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
        gap: 1,
        p: 0,
        m: 0,
        listStyle: 'none',
      }}
    >
      {layers.map(([label, layer]) => (
        <Paper
          component="li"
          key={label}
          variant="outlined"
          sx={{ p: 1.5, borderLeft: 4, borderLeftColor: LAYER_COLOR[layer.state] }}
        >
          <Typography variant="subtitle2" component="h3">
            {t(label)}: {t(LAYER_LABEL[layer.state])}
          </Typography>
          <Typography variant="body2">{layerDetail(t, lang, layer)}</Typography>
          <Typography variant="caption" color="text.secondary">
            {layer.at ? formatRelative(lang, layer.at, now) : t('never')}
          </Typography>
        </Paper>
      ))}
    </Box>
  );
}
