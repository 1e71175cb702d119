/** 1 h / 24 h / 7 d / 30 d presets, or a custom from–to in this computer's local time. */
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import { useApp } from '../app/context.tsx';
import { fromLocalInput, toLocalInput } from '../lib/format.ts';
import type { RangePreset, TimeRange } from '../lib/ranges.ts';
import { ChoiceGroup } from './ChoiceGroup.tsx';
import { DateTimeField } from './DateTimeField.tsx';

export type RangeChoice = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; range: TimeRange };

export function RangePicker({ value, onChange }: { value: RangeChoice; onChange: (c: RangeChoice) => void }) {
  const { t } = useApp();
  const [custom, setCustom] = useState(value.kind === 'custom');
  const now = Date.now();
  const [from, setFrom] = useState(
    toLocalInput(value.kind === 'custom' ? value.range.from : now - 86_400_000),
  );
  const [to, setTo] = useState(toLocalInput(value.kind === 'custom' ? value.range.to : now));
  const f = fromLocalInput(from);
  const tt = fromLocalInput(to);
  const invalid = f === undefined || tt === undefined || f >= tt;
  return (
    <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'flex-end' } }}>
      <ChoiceGroup<RangePreset | 'custom'>
        label={t('historyRange')}
        value={custom ? 'custom' : value.kind === 'preset' ? value.preset : 'custom'}
        onChange={(v) => {
          if (v === 'custom') setCustom(true);
          else {
            setCustom(false);
            onChange({ kind: 'preset', preset: v });
          }
        }}
        options={[
          { value: '1h', label: t('range1h') },
          { value: '24h', label: t('range24h') },
          { value: '7d', label: t('range7d') },
          { value: '30d', label: t('range30d') },
          { value: 'custom', label: t('rangeCustom') },
        ]}
      />
      {custom && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
          <DateTimeField label={t('rangeFrom')} value={from} onChange={setFrom} />
          <DateTimeField
            label={t('rangeTo')}
            value={to}
            onChange={setTo}
            error={invalid}
            helperText={invalid ? t('rangeInvalid') : ' '}
          />
          <Button
            variant="outlined"
            disabled={invalid}
            onClick={() =>
              f !== undefined && tt !== undefined && onChange({ kind: 'custom', range: { from: f, to: tt } })
            }
          >
            {t('rangeApply')}
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
