/** Create or edit one alert rule: scope, what to watch (fields per kind: RuleKindFields.tsx), severity, who to tell. */
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { AlertRule, FarmSummary } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { ErrorState } from '../../components/StateViews.tsx';
import type { MessageKey } from '../../lib/i18n.ts';
import {
  ALERT_KINDS,
  emptyForm,
  type FormProblem,
  formFromRule,
  type RuleForm,
  ruleFromForm,
} from './rule-form.ts';
import { RuleKindFields, type Setter } from './RuleKindFields.tsx';
import { useSensorIds } from './useSensorIds.ts';

/** The label a refused field is named by in the dialog's "to save, fix …" line. */
const FIELD_LABEL: Partial<Record<keyof RuleForm, MessageKey>> = {
  name: 'ruleName',
  farmId: 'ruleFarm',
  sensorId: 'ruleSensor',
  sensorKind: 'sensorKind',
  setpointSensorId: 'setpointSensor',
  states: 'commandStates',
  webhookUrl: 'webhookUrl',
  forMin: 'forMinutes',
  unknownMin: 'unknownMinutes',
  withinDays: 'withinDays',
  above: 'above',
  below: 'below',
  setpoint: 'setpoint',
  delta: 'delta',
  min: 'min',
  max: 'max',
  hysteresis: 'hysteresis',
};

export function RuleDialog({
  rule,
  farms,
  onClose,
  onSaved,
}: {
  rule: AlertRule | null;
  farms: readonly FarmSummary[];
  onClose: () => void;
  onSaved: (rule: AlertRule) => void;
}) {
  const { api, t } = useApp();
  const [form, setForm] = useState<RuleForm>(() => (rule ? formFromRule(rule) : emptyForm()));
  const [bad, setBad] = useState<keyof RuleForm | null>(null);
  const [problem, setProblem] = useState<FormProblem>('invalid');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [webhookResult, setWebhookResult] = useState<string | null>(null);
  const sensors = useSensorIds(form.farmId, farms);
  const set: Setter = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (bad === key) setBad(null);
  };
  const farmWide = form.kind === 'offline' || form.kind === 'keyExpiry';

  const save = () => {
    const result = ruleFromForm(form);
    if (!result.ok) {
      setBad(result.field);
      setProblem(result.problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    api.saveAlertRule(result.input).then(
      (saved) => {
        setBusy(false);
        onSaved(saved);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
        const field = (err as { details?: { field?: string } }).details?.field;
        if (field && field in form) setBad(field as keyof RuleForm);
      },
    );
  };

  const testWebhook = () => {
    setWebhookResult(null);
    setError(undefined);
    api.testWebhook({ url: form.webhookUrl }).then(
      (r) => setWebhookResult(t('webhookOk', { status: r.status, ms: Math.round(r.ms) })),
      (err: unknown) => setError(err),
    );
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="rule-title" fullWidth maxWidth="sm">
      <DialogTitle id="rule-title">{rule ? t('editRule') : t('addRule')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <TextField
            autoFocus
            label={t('ruleName')}
            value={form.name}
            onChange={(e) => set('name', e.target.value)}
            error={bad === 'name'}
            slotProps={{ htmlInput: { maxLength: 200 } }}
            fullWidth
          />
          <TextField
            select
            label={t('ruleKind')}
            value={form.kind}
            onChange={(e) => set('kind', e.target.value as RuleForm['kind'])}
            disabled={form.builtin}
            fullWidth
          >
            {ALERT_KINDS.map((k) => (
              <MenuItem key={k} value={k}>
                {t(`kind_${k}`)}
              </MenuItem>
            ))}
          </TextField>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
            <TextField
              select
              label={t('ruleFarm')}
              value={form.farmId}
              onChange={(e) => {
                set('farmId', e.target.value);
                set('sensorId', '');
              }}
              error={bad === 'farmId'}
              fullWidth
            >
              <MenuItem value="">{t('scopeAll')}</MenuItem>
              {farms.map((f) => (
                <MenuItem key={f.farmId} value={f.farmId}>
                  {f.displayName}
                </MenuItem>
              ))}
              {form.farmId !== '' && !farms.some((f) => f.farmId === form.farmId) && (
                <MenuItem value={form.farmId}>{form.farmId}</MenuItem>
              )}
            </TextField>
            {!farmWide && (
              <Autocomplete
                freeSolo
                disabled={form.farmId === ''}
                options={sensors}
                value={form.sensorId}
                onInputChange={(_e, v) => set('sensorId', v)}
                renderInput={(params) => (
                  <TextField
                    {...params}
                    label={t('ruleSensor')}
                    placeholder={t('anySensor')}
                    error={bad === 'sensorId'}
                  />
                )}
                fullWidth
              />
            )}
          </Stack>
          <RuleKindFields form={form} set={set} bad={bad} sensors={sensors} />
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
            <TextField
              select
              label={t('colSeverity')}
              value={form.severity}
              onChange={(e) => set('severity', e.target.value as RuleForm['severity'])}
              fullWidth
            >
              {(['critical', 'warning', 'info'] as const).map((s) => (
                <MenuItem key={s} value={s}>
                  {t(`severity_${s}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              label={t('notify')}
              value={form.notify}
              onChange={(e) => set('notify', e.target.value as RuleForm['notify'])}
              fullWidth
            >
              {(['none', 'fire', 'fire-and-resolve'] as const).map((n) => (
                <MenuItem key={n} value={n}>
                  {t(`notify_${n}`)}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
            <TextField
              label={t('webhookUrl')}
              helperText={webhookResult ?? t('webhookHint')}
              value={form.webhookUrl}
              onChange={(e) => set('webhookUrl', e.target.value)}
              error={bad === 'webhookUrl'}
              slotProps={{ htmlInput: { maxLength: 500, inputMode: 'url' } }}
              fullWidth
            />
            <Button
              onClick={testWebhook}
              disabled={form.webhookUrl.trim() === ''}
              sx={{ mt: 1, flexShrink: 0 }}
            >
              {t('testWebhook')}
            </Button>
          </Stack>
          <FormControlLabel
            control={<Switch checked={form.enabled} onChange={(e) => set('enabled', e.target.checked)} />}
            label={t('enabled')}
          />
          {form.builtin && (
            <Typography variant="body2" color="text.secondary">
              {t('builtin')}
            </Typography>
          )}
          {bad !== null && error === undefined && (
            <Typography role="alert" variant="body2" color="error">
              {t('fixBeforeSave', {
                field: t(FIELD_LABEL[bad] ?? 'ruleName'),
                problem: t(`problem_${problem}`),
              })}
            </Typography>
          )}
          {error !== undefined && <ErrorState error={error} compact />}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('cancel')}</Button>
        <Button variant="contained" onClick={save} disabled={busy}>
          {t('save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
