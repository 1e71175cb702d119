/** One tab's alerts: severity, farm, what happened, since when, who acknowledged, how it ended. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Alert } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { useEventZoneOf } from '../../hooks/useEventZone.ts';
import { useNow } from '../../hooks/useNow.ts';
import { formatAge, formatDateTime, formatNumber } from '../../lib/format.ts';
import { routeHref } from '../../lib/route.ts';
import { ruleDisplayName } from '../../lib/rule-name.ts';
import { translate } from '../../lib/i18n.ts';
import { alertText, resolutionText } from './alert-text.ts';
import { SeverityChip } from './SeverityChip.tsx';

function Times({ alert }: { alert: Alert }) {
  const { lang } = useApp();
  const zone = useEventZoneOf()(alert.farmId);
  const at = (t: number | string) => formatDateTime(lang, t, zone);
  const start = Date.parse(alert.startedAt);
  const lines: string[] = [];
  if (alert.resolvedAt === null) {
    lines.push(translate(lang, 'since', { time: at(start) }));
  } else {
    const end = Date.parse(alert.resolvedAt);
    lines.push(
      translate(lang, 'lasted', {
        start: at(start),
        end: at(end),
        duration: formatAge(lang, (end - start) / 1000),
      }),
    );
  }
  if (alert.peak !== null) {
    const unit = alert.facts.unit ? ` ${alert.facts.unit}` : '';
    lines.push(translate(lang, 'peak', { value: `${formatNumber(lang, alert.peak, 2)}${unit}` }));
  }
  if (alert.acknowledgedBy !== null && alert.acknowledgedAt !== null) {
    lines.push(
      translate(lang, 'acknowledgedBy', {
        who: alert.acknowledgedBy,
        time: at(alert.acknowledgedAt),
      }),
    );
  }
  if (alert.resolvedAt !== null && alert.resolvedBy !== null) {
    const how = resolutionText(lang, alert.resolution);
    const who =
      alert.resolvedBy === 'system'
        ? translate(lang, 'resolvedBySystem', { time: at(alert.resolvedAt) })
        : translate(lang, 'resolvedBy', {
            who: alert.resolvedBy,
            time: at(alert.resolvedAt),
          });
    lines.push(how ? `${who}: ${how}` : who);
  }
  return (
    <>
      {lines.map((l) => (
        <Typography key={l} component="span" variant="body2" color="text.secondary" sx={{ display: 'block' }}>
          {l}
        </Typography>
      ))}
      {alert.note && (
        <Typography component="q" variant="body2" sx={{ display: 'block', fontStyle: 'italic' }}>
          {alert.note}
        </Typography>
      )}
    </>
  );
}

export function AlertList({
  alerts,
  label,
  onAcknowledge,
}: {
  alerts: readonly Alert[];
  label: string;
  onAcknowledge?: (alert: Alert) => void;
}) {
  const { lang, t } = useApp();
  const now = useNow(30_000);
  return (
    <List aria-label={label} disablePadding>
      {alerts.map((a) => {
        const text = alertText(lang, a, now);
        return (
          <ListItem key={a.id} divider alignItems="flex-start" sx={{ gap: 2, flexWrap: 'wrap' }}>
            <Box sx={{ pt: 0.25, minWidth: 110 }}>
              <SeverityChip severity={a.severity} />
            </Box>
            <Box sx={{ flex: 1, minWidth: 240 }}>
              <Typography component="p" sx={{ fontWeight: 500 }}>
                <Link href={routeHref({ view: 'farm', farmId: a.farmId })} underline="always">
                  {a.farmName}
                </Link>
                {' — '}
                {text}
              </Typography>
              <Typography component="span" variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                {ruleDisplayName(t, a.ruleId, a.ruleName)}
              </Typography>
              <Times alert={a} />
            </Box>
            {onAcknowledge && a.state === 'firing' && (
              <Stack sx={{ alignSelf: 'center' }}>
                <Button
                  variant="outlined"
                  size="small"
                  onClick={() => onAcknowledge(a)}
                  aria-label={translate(lang, 'acknowledgeAria', { title: `${a.farmName} — ${text}` })}
                >
                  {translate(lang, 'acknowledge')}
                </Button>
              </Stack>
            )}
          </ListItem>
        );
      })}
    </List>
  );
}
