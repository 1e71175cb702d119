/** A farm's open alerts as a chip in the alert colour that leads to the Alerts view (word, not colour alone). */
import Chip from '@mui/material/Chip';
import { useApp } from '../app/context.tsx';
import type { FarmAlerts } from '../app/firing-alerts.tsx';
import { useNow } from '../hooks/useNow.ts';
import { routeHref } from '../lib/route.ts';
import { alertText, severityText } from '../views/alerts/alert-text.ts';
import { SEVERITY_CHIP_COLOR } from '../views/alerts/SeverityChip.tsx';

/** `link={false}` inside a tooltip: the chip then only tells, it is not a focus stop. */
export function FarmAlertChip({ alerts, link = true }: { alerts: FarmAlerts | undefined; link?: boolean }) {
  return alerts ? <OpenAlertsChip alerts={alerts} link={link} /> : null;
}

function OpenAlertsChip({ alerts, link }: { alerts: FarmAlerts; link: boolean }) {
  const { lang, t } = useApp();
  const now = useNow();
  const label =
    alerts.count === 1
      ? t('farmAlertOne', { severity: severityText(lang, alerts.worst) })
      : t('farmAlertMany', { n: alerts.count, severity: severityText(lang, alerts.worst) });
  const color = SEVERITY_CHIP_COLOR[alerts.worst];
  // Not a link: a plain chip (an aria-label on a role-less element would be ignored or prohibited).
  if (!link) return <Chip size="small" color={color} label={label} sx={{ fontWeight: 600 }} />;
  return (
    <Chip
      size="small"
      component="a"
      clickable
      href={routeHref({ view: 'alerts', farmId: alerts.top.farmId })}
      color={color}
      label={label}
      title={alertText(lang, alerts.top, now)}
      aria-label={`${label}: ${alertText(lang, alerts.top, now)}`}
      sx={{ fontWeight: 600 }}
    />
  );
}
