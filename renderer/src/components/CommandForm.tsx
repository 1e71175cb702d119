/** Inputs generated from one command's parameter schema, with bounds and per-field validation messages. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import type { ActuatorCommand } from '../../../protocol/farm-api.ts';
import { useApp } from '../app/context.tsx';
import type { ParamValue } from '../../../protocol/farm-api.ts';
import { fieldsOf, type ParamField, validateParams } from '../lib/params.ts';

export function CommandForm({
  command,
  actuatorLabel,
  disabled,
  onSubmit,
}: {
  command: ActuatorCommand;
  actuatorLabel: string;
  disabled: boolean;
  onSubmit: (values: Record<string, ParamValue>, fields: ParamField[]) => void;
}) {
  const { t } = useApp();
  const fields = useMemo(() => fieldsOf(command.params), [command.params]);
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, f.initial])),
  );
  const [tried, setTried] = useState(false);
  const result = validateParams(fields, text);
  const set = (name: string, value: string) => setText((cur) => ({ ...cur, [name]: value }));

  return (
    <Box
      component="form"
      aria-label={`${actuatorLabel}: ${command.label}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (result.ok) onSubmit(result.values, fields);
      }}
      sx={{ py: 1 }}
    >
      <Typography variant="subtitle2" component="h4">
        {command.label}
      </Typography>
      <Stack
        direction={{ xs: 'column', sm: 'row' }}
        spacing={1.5}
        sx={{ alignItems: { sm: 'flex-start' }, mt: 1, flexWrap: 'wrap' }}
      >
        {fields.map((f) => {
          const err = tried || text[f.name] !== f.initial ? result.errors[f.name] : undefined;
          const bounds =
            f.minimum !== undefined && f.maximum !== undefined
              ? t('fieldBetween', { min: f.minimum, max: f.maximum })
              : f.minimum !== undefined
                ? `≥ ${f.minimum}`
                : f.maximum !== undefined
                  ? `≤ ${f.maximum}`
                  : '';
          const label = f.unit ? `${f.title} (${f.unit})` : f.title;
          if (f.type === 'boolean') {
            return (
              <FormControlLabel
                key={f.name}
                label={label}
                control={
                  <Switch
                    checked={text[f.name] === 'true'}
                    onChange={(e) => set(f.name, String(e.target.checked))}
                  />
                }
              />
            );
          }
          if (f.options) {
            return (
              <TextField
                key={f.name}
                select
                size="small"
                label={label}
                value={text[f.name] ?? ''}
                onChange={(e) => set(f.name, e.target.value)}
                sx={{ minWidth: 160 }}
                helperText={f.description ?? ' '}
              >
                {f.options.map((o) => (
                  <MenuItem key={String(o)} value={String(o)}>
                    {String(o)}
                  </MenuItem>
                ))}
              </TextField>
            );
          }
          const numeric = f.type === 'number' || f.type === 'integer';
          return (
            <TextField
              key={f.name}
              size="small"
              label={label}
              required={f.required}
              type={numeric ? 'number' : 'text'}
              value={text[f.name] ?? ''}
              onChange={(e) => set(f.name, e.target.value)}
              error={err !== undefined}
              helperText={
                err ? t(err.key, err.vars) : [bounds, f.description].filter(Boolean).join(' · ') || ' '
              }
              slotProps={{
                htmlInput: numeric
                  ? {
                      min: f.minimum,
                      max: f.maximum,
                      step: f.type === 'integer' ? 1 : 'any',
                      inputMode: 'decimal',
                    }
                  : { maxLength: 200 },
              }}
              sx={{ minWidth: 160 }}
            />
          );
        })}
        <Button
          type="submit"
          variant="contained"
          disabled={disabled}
          sx={{ mt: 0.25 }}
          aria-label={`${t('sendCommand')} ${actuatorLabel}: ${command.label}`}
        >
          {t('sendCommand')}
        </Button>
      </Stack>
    </Box>
  );
}
