/** Which tailnet backend the core uses, with only the fields that backend needs. */
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { useApp } from '../app/context.tsx';
import { useSaver } from '../hooks/useSaver.ts';
import type { MessageKey } from '../lib/i18n.ts';
import { explainMe } from '../lib/me-text.ts';
import { tailnetDraftOf, tailnetFields, tailnetPatch, type TailnetDraft } from '../lib/settings-form.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SettingsSection } from './SettingsSection.tsx';

const BACKENDS: { value: TailnetDraft['backend']; label: MessageKey }[] = [
  { value: 'auto', label: 'backendAuto' },
  { value: 'localapi', label: 'backendLocalapi' },
  { value: 'api-v2', label: 'backendApiV2' },
  { value: 'headscale', label: 'backendHeadscale' },
];

const FIELD_LABEL: Record<keyof Omit<TailnetDraft, 'backend'>, MessageKey> = {
  localApiSocket: 'localApiSocket',
  apiUrl: 'apiUrl',
  tailnetName: 'tailnetName',
  headscaleUrl: 'headscaleUrl',
};

export function TailnetSettings() {
  const { settings, me, info, t, lang } = useApp();
  const { save, busy, error, saved } = useSaver();
  const [draft, setDraft] = useState(() => tailnetDraftOf(settings.tailnet));
  const [touched, setTouched] = useState(false);
  useEffect(() => setDraft(tailnetDraftOf(settings.tailnet)), [settings.tailnet]);
  const { value, errors } = tailnetPatch(draft);
  return (
    <SettingsSection title={t('tailnetSection')}>
      {me && <Typography variant="body2">{explainMe(me, t, lang)}</Typography>}
      {info?.tailnet === 'simulated' && <Alert severity="info">{t('tailnetSimulatedNote')}</Alert>}
      <TextField
        select
        label={t('backend')}
        value={draft.backend}
        onChange={(e) => setDraft({ ...draft, backend: e.target.value as TailnetDraft['backend'] })}
      >
        {BACKENDS.map((b) => (
          <MenuItem key={b.value} value={b.value}>
            {t(b.label)}
          </MenuItem>
        ))}
      </TextField>
      {tailnetFields(draft.backend).map((field) => {
        const err = touched ? errors[field] : undefined;
        return (
          <TextField
            key={field}
            label={t(FIELD_LABEL[field])}
            value={draft[field]}
            onChange={(e) => {
              setTouched(true);
              setDraft({ ...draft, [field]: e.target.value });
            }}
            error={err !== undefined}
            helperText={err ? t(err) : ' '}
          />
        );
      })}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button
          variant="contained"
          disabled={busy}
          onClick={() => {
            setTouched(true);
            if (value) void save({ tailnet: value });
          }}
        >
          {t('save')}
        </Button>
        <SaveStatus saved={saved} error={error} />
      </Stack>
    </SettingsSection>
  );
}
