/** A farm's open alerts as a chip in the alert colour that leads to the Alerts view (word, not colour alone). */
import Chip from '@mui/material/Chip';
import { useApp } from '../app/context.tsx';
import type { FarmAlerts } from '../app/firing-alerts.tsx';
import { useNow } from '../hooks/useNow.ts';
import { routeHref } from '../lib/route.ts';
import { alertText, severityText } from '../views/alerts/alert-text.ts';
import { SEVERITY_CHIP_COLOR } from '../views/alerts/SeverityChip.tsx';

export function FarmAlertChip({ alerts }: { alerts: FarmAlerts | undefined }) {
  return alerts ? <OpenAlertsChip alerts={alerts} /> : null;
}

function OpenAlertsChip({ alerts }: { alerts: FarmAlerts }) {
  const { lang, t } = useApp();
  const now = useNow();
  const label =
    alerts.count === 1
      ? t('farmAlertOne', { severity: severityText(lang, alerts.worst) })
      : t('farmAlertMany', { n: alerts.count, severity: severityText(lang, alerts.worst) });
  return (
    <Chip
      size="small"
      component="a"
      clickable
      href={routeHref({ view: 'alerts' })}
      color={SEVERITY_CHIP_COLOR[alerts.worst]}
      label={label}
      title={alertText(lang, alerts.top, now)}
      aria-label={`${label}: ${alertText(lang, alerts.top, now)}`}
      sx={{ fontWeight: 600 }}
    />
  );
}
