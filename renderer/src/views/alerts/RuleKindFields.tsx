/** The fields of an alert rule that depend on its kind (threshold, setpoint, range, offline, stale, command, key expiry). */
import Autocomplete from '@mui/material/Autocomplete';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';
import { useApp } from '../../app/context.tsx';
import { COMMAND_STATES, type RuleForm, SENSOR_KINDS } from './rule-form.ts';

export type Setter = <K extends keyof RuleForm>(key: K, value: RuleForm[K]) => void;

function Num({
  form,
  set,
  field,
  label,
  bad,
  helper,
}: {
  form: RuleForm;
  set: Setter;
  field:
    | 'above'
    | 'below'
    | 'hysteresis'
    | 'forMin'
    | 'setpoint'
    | 'delta'
    | 'min'
    | 'max'
    | 'withinDays'
    | 'unknownMin';
  label: string;
  bad: keyof RuleForm | null;
  helper?: string;
}) {
  return (
    <TextField
      label={label}
      value={form[field]}
      onChange={(e) => set(field, e.target.value)}
      error={bad === field}
      helperText={helper}
      slotProps={{ htmlInput: { inputMode: 'decimal' } }}
      fullWidth
    />
  );
}

export function RuleKindFields({
  form,
  set,
  bad,
  sensors,
}: {
  form: RuleForm;
  set: Setter;
  bad: keyof RuleForm | null;
  sensors: string[];
}) {
  const { t } = useApp();
  const row = (children: ReactNode) => (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
      {children}
    </Stack>
  );
  const sensorKind = form.sensorId === '' && (
    <TextField
      select
      label={t('sensorKind')}
      value={form.sensorKind}
      onChange={(e) => set('sensorKind', e.target.value)}
      error={bad === 'sensorKind'}
      fullWidth
    >
      <MenuItem value="">{t('anyKind')}</MenuItem>
      {SENSOR_KINDS.map((k) => (
        <MenuItem key={k} value={k}>
          {k.replace(/_/g, ' ')}
        </MenuItem>
      ))}
    </TextField>
  );
  // Value rules share how far back the value must come (no flapping) and how long it must last.
  const hysteresisAndDuration = row(
    <>
      <Num
        form={form}
        set={set}
        bad={bad}
        field="hysteresis"
        label={t('hysteresis')}
        helper={t('hysteresisHint')}
      />
      <Num form={form} set={set} bad={bad} field="forMin" label={t('forMinutes')} />
    </>,
  );
  switch (form.kind) {
    case 'threshold':
      return (
        <>
          {sensorKind}
          {row(
            <>
              <Num form={form} set={set} bad={bad} field="above" label={t('above')} />
              <Num form={form} set={set} bad={bad} field="below" label={t('below')} />
            </>,
          )}
          {hysteresisAndDuration}
        </>
      );
    case 'setpoint':
      return (
        <>
          {sensorKind}
          {row(
            <>
              <Num form={form} set={set} bad={bad} field="setpoint" label={t('setpoint')} />
              <Autocomplete
                freeSolo
                options={sensors}
                value={form.setpointSensorId}
                onInputChange={(_e, v) => set('setpointSensorId', v)}
                renderInput={(params) => (
                  <TextField {...params} label={t('setpointSensor')} error={bad === 'setpointSensorId'} />
                )}
                fullWidth
              />
            </>,
          )}
          {row(
            <>
              <Num form={form} set={set} bad={bad} field="delta" label={t('delta')} />
              <TextField
                select
                label={t('direction')}
                value={form.direction}
                onChange={(e) => set('direction', e.target.value as RuleForm['direction'])}
                fullWidth
              >
                {(['both', 'above', 'below'] as const).map((d) => (
                  <MenuItem key={d} value={d}>
                    {t(`direction_${d}`)}
                  </MenuItem>
                ))}
              </TextField>
            </>,
          )}
          {hysteresisAndDuration}
        </>
      );
    case 'range':
      return (
        <>
          {row(
            <>
              <Num form={form} set={set} bad={bad} field="min" label={t('min')} helper={t('rangeHint')} />
              <Num form={form} set={set} bad={bad} field="max" label={t('max')} />
            </>,
          )}
          {hysteresisAndDuration}
        </>
      );
    case 'offline':
      return row(
        <>
          <TextField
            select
            label={t('layer')}
            value={form.layer}
            onChange={(e) => set('layer', e.target.value as RuleForm['layer'])}
            disabled={form.builtin}
            fullWidth
          >
            {(['tailnet', 'gateway', 'data'] as const).map((l) => (
              <MenuItem key={l} value={l}>
                {t(`layer_${l}`)}
              </MenuItem>
            ))}
          </TextField>
          <Num form={form} set={set} bad={bad} field="forMin" label={t('delayMinutes')} />
        </>,
      );
    case 'stale':
      return <Num form={form} set={set} bad={bad} field="forMin" label={t('staleMinutes')} />;
    case 'command':
      return (
        <>
          <FormGroup>
            <FormLabel component="legend" error={bad === 'states'}>
              {t('commandStates')}
            </FormLabel>
            {COMMAND_STATES.map((s) => (
              <FormControlLabel
                key={s}
                label={t(`state_${s}`)}
                control={
                  <Checkbox
                    checked={form.states.includes(s)}
                    onChange={(e) =>
                      set(
                        'states',
                        e.target.checked ? [...form.states, s] : form.states.filter((x) => x !== s),
                      )
                    }
                  />
                }
              />
            ))}
          </FormGroup>
          <Num form={form} set={set} bad={bad} field="unknownMin" label={t('unknownMinutes')} />
        </>
      );
    case 'keyExpiry':
      return <Num form={form} set={set} bad={bad} field="withinDays" label={t('withinDays')} />;
  }
}
