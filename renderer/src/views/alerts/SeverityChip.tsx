/** Severity as colour AND word (never colour alone). */
import Chip from '@mui/material/Chip';
import type { AlertSeverity } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { severityText } from './alert-text.ts';

export const SEVERITY_CHIP_COLOR: Record<AlertSeverity, 'error' | 'warning' | 'info'> = {
  critical: 'error',
  warning: 'warning',
  info: 'info',
};

export function SeverityChip({ severity }: { severity: AlertSeverity }) {
  const { lang } = useApp();
  return (
    <Chip
      size="small"
      color={SEVERITY_CHIP_COLOR[severity]}
      label={severityText(lang, severity)}
      sx={{ fontWeight: 600 }}
    />
  );
}
