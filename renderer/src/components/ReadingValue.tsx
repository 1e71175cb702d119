/** A value with its unit; greyed with its age when stale, marked when faulty. */
import Box from '@mui/material/Box';
import type { Reading } from '../../../protocol/farm-api.ts';
import { useApp } from '../app/context.tsx';
import { formatAge, formatNumber } from '../lib/format.ts';
import { ageSeconds, isStale } from '../lib/staleness.ts';
import { convertValue, displayUnit } from '../lib/units.ts';

export function ReadingValue({ reading, unit, now }: { reading: Reading; unit?: string; now: number }) {
  const { settings, lang, t } = useApp();
  const stale = isStale(reading, now, settings.staleAfterS);
  const fault = reading.quality === 'fault' || reading.value === null;
  const shownUnit = unit ? displayUnit(unit, settings.units) : '';
  const value =
    reading.value === null
      ? '—'
      : formatNumber(lang, unit ? convertValue(reading.value, unit, settings.units) : reading.value);
  const age = formatAge(lang, ageSeconds(reading.ts, now));
  return (
    <Box
      component="span"
      title={stale ? t('staleValue', { age }) : undefined}
      sx={{ color: stale || fault ? 'text.secondary' : 'text.primary', whiteSpace: 'nowrap' }}
    >
      {value}
      {shownUnit && ` ${shownUnit}`}
      {fault && ` (${t('qualityFault')})`}
      {stale && !fault && (
        <Box component="span" sx={{ fontSize: '0.8em', ml: 0.5 }}>
          ({t('staleValue', { age })})
        </Box>
      )}
    </Box>
  );
}
