/** A farm's key figures (label: value unit), shared by the farm table and the map's tooltip. */
import Box from '@mui/material/Box';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { useNow } from '../hooks/useNow.ts';
import { keyFigures } from '../lib/farm-table.ts';
import { ReadingValue } from './ReadingValue.tsx';

export function KeyFigures({ farm, now, count }: { farm: FarmSummary; now: number; count?: number }) {
  return (
    <>
      {keyFigures(farm, count).map(({ reading, label, unit }) => (
        <Box key={reading.sensorId} sx={{ fontSize: '0.9em' }}>
          <Box component="span" sx={{ color: 'text.secondary' }}>
            {label}:{' '}
          </Box>
          <ReadingValue reading={reading} now={now} {...(unit ? { unit } : {})} />
        </Box>
      ))}
    </>
  );
}

/** The same, keeping its own clock (for popups that come and go, like the map's tooltip). */
export function LiveKeyFigures({ farm }: { farm: FarmSummary }) {
  const now = useNow();
  return <KeyFigures farm={farm} now={now} />;
}
