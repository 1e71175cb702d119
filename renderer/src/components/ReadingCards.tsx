/** Current value per sensor with unit, quality and age; values outside the expected range are flagged. */
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { Reading, Sensor } from '../../../protocol/farm-api.ts';
import { useApp } from '../app/context.tsx';
import { formatAge, formatDateTime, formatNumber } from '../lib/format.ts';
import type { MessageKey } from '../lib/i18n.ts';
import { ageSeconds, isStale } from '../lib/staleness.ts';
import { rangeSide } from '../lib/expected-range.ts';
import { convertValue, displayUnit } from '../lib/units.ts';
import type { AlertSeverity } from '../../../protocol/app/index.ts';
import { severityText } from '../views/alerts/alert-text.ts';
import { SEVERITY_CHIP_COLOR } from '../views/alerts/SeverityChip.tsx';

const QUALITY: Record<Reading['quality'], MessageKey> = {
  ok: 'qualityOk',
  stale: 'qualityStale',
  fault: 'qualityFault',
};

/** The value in its alert's colour; the chip and the range line beside it say the same in words. */
const VALUE_COLOR: Record<AlertSeverity, string> = {
  critical: 'error.main',
  warning: 'warning.main',
  info: 'info.main',
};

export interface SensorView {
  id: string;
  label: string;
  unit: string;
  expectedRange?: { min: number; max: number };
}

/** Sensors as the gateway described them, or just the ids the summary knows when it has not. */
export function sensorViews(
  sensors:
    readonly (Pick<Sensor, 'id' | 'label' | 'unit'> & Partial<Pick<Sensor, 'expectedRange'>>)[] | undefined,
  latest: readonly Reading[],
): SensorView[] {
  if (sensors && sensors.length) {
    return sensors.map((s) => ({
      id: s.id,
      label: s.label || s.id,
      unit: s.unit,
      ...(s.expectedRange ? { expectedRange: s.expectedRange } : {}),
    }));
  }
  return latest.map((r) => ({ id: r.sensorId, label: r.sensorId, unit: '' }));
}

export function ReadingCards({
  sensors,
  latest,
  timeZone,
  now,
  alerts,
}: {
  sensors: SensorView[];
  latest: readonly Reading[];
  timeZone: string | undefined;
  now: number;
  /** Severity of the open alert on each sensor: the value is drawn in its colour and says so. */
  alerts?: ReadonlyMap<string, AlertSeverity>;
}) {
  const { t, lang, settings } = useApp();
  if (sensors.length === 0) return <Typography color="text.secondary">{t('noSensors')}</Typography>;
  const byId = new Map(latest.map((r) => [r.sensorId, r]));
  return (
    <Box
      component="ul"
      sx={{
        display: 'grid',
        gridTemplateColumns: 'repeat(auto-fill, minmax(190px, 1fr))',
        gap: 1,
        p: 0,
        m: 0,
        listStyle: 'none',
      }}
    >
      {sensors.map((s) => {
        const r = byId.get(s.id);
        const stale = r ? isStale(r, now, settings.staleAfterS) : true;
        const unit = displayUnit(s.unit, settings.units);
        const side = rangeSide(r?.value ?? null, s.expectedRange);
        const outOfRange = side !== undefined;
        const alert = alerts?.get(s.id);
        const valueColor = alert ? VALUE_COLOR[alert] : outOfRange ? VALUE_COLOR.warning : undefined;
        return (
          <Paper
            component="li"
            key={s.id}
            variant="outlined"
            sx={{
              p: 1.5,
              // Stale: greyed by a tinted, dashed card, not by opacity (that took its text below 4.5:1).
              ...(stale ? { bgcolor: 'action.hover', borderStyle: 'dashed' } : {}),
              ...(alert ? { borderColor: valueColor, borderWidth: 2 } : {}),
            }}
            aria-label={s.label}
          >
            <Typography variant="body2" color="text.secondary" noWrap title={s.label}>
              {s.label}
            </Typography>
            <Typography variant="h5" component="p" sx={{ color: valueColor }}>
              {r === undefined || r.value === null
                ? '—'
                : formatNumber(lang, convertValue(r.value, s.unit, settings.units))}
              <Typography component="span" variant="body1" sx={{ ml: 0.5 }}>
                {unit}
              </Typography>
            </Typography>
            {alert && (
              <Chip
                size="small"
                color={SEVERITY_CHIP_COLOR[alert]}
                label={t('sensorAlert', { severity: severityText(lang, alert) })}
                sx={{ mr: 0.5, mb: 0.5, fontWeight: 600 }}
              />
            )}
            {r ? (
              <>
                <Chip
                  size="small"
                  label={t(QUALITY[r.quality])}
                  color={r.quality === 'ok' ? 'success' : r.quality === 'fault' ? 'error' : 'default'}
                  variant="outlined"
                  sx={{ mr: 0.5 }}
                />
                <Typography
                  variant="caption"
                  color="text.secondary"
                  title={formatDateTime(lang, r.ts, timeZone)}
                >
                  {stale
                    ? t('staleValue', { age: formatAge(lang, ageSeconds(r.ts, now)) })
                    : t('ago', { age: formatAge(lang, ageSeconds(r.ts, now)) })}
                </Typography>
              </>
            ) : (
              <Typography variant="caption" color="text.secondary">
                {t('noReadings')}
              </Typography>
            )}
            {s.expectedRange && (
              // Outside the range it says so in words, not by the value's colour alone.
              <Typography
                variant="caption"
                component="p"
                className={side ? 'out-of-range' : undefined}
                color={side ? 'text.primary' : 'text.secondary'}
                sx={side ? { fontWeight: 600 } : undefined}
              >
                {t(
                  side === 'below' ? 'belowExpected' : side === 'above' ? 'aboveExpected' : 'expectedRange',
                  {
                    min: formatNumber(lang, convertValue(s.expectedRange.min, s.unit, settings.units)),
                    max: formatNumber(lang, convertValue(s.expectedRange.max, s.unit, settings.units)),
                    unit,
                  },
                )}
              </Typography>
            )}
          </Paper>
        );
      })}
    </Box>
  );
}
