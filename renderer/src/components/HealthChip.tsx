/** Health as colour AND word (never colour alone). */
import Chip from '@mui/material/Chip';
import type { OverallHealth } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { HEALTH_COLOR, HEALTH_LABEL } from '../lib/health.ts';

export function HealthChip({ health, title }: { health: OverallHealth; title?: string }) {
  const { t } = useApp();
  return (
    <Chip
      size="small"
      label={t(HEALTH_LABEL[health])}
      title={title}
      sx={{ bgcolor: HEALTH_COLOR[health], color: '#fff', fontWeight: 600 }}
    />
  );
}
