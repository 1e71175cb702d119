/** API keys go to the OS keychain through the core; the value never comes back to the screen. */
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { SecretsStatus } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import type { MessageKey } from '../lib/i18n.ts';
import { SettingsSection } from './SettingsSection.tsx';
import { ErrorState, Loading } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';

type SecretName = SecretsStatus['stored'][number];
const SECRETS: { name: SecretName; label: MessageKey }[] = [
  { name: 'tailscale-api-key', label: 'secretTailscaleApiKey' },
  { name: 'tailscale-oauth-secret', label: 'secretTailscaleOauth' },
  { name: 'headscale-api-key', label: 'secretHeadscaleApiKey' },
];

export function SecretsSettings() {
  const { api, t } = useApp();
  const status = useAsync(() => api.getSecretsStatus(), [api]);
  return (
    <SettingsSection title={t('secretsSection')}>
      {status.loading && !status.data && <Loading />}
      {status.error !== undefined && <ErrorState error={status.error} onRetry={status.reload} />}
      {status.data && (
        <>
          <Alert severity={status.data.keychainAvailable ? 'success' : 'warning'}>
            {status.data.keychainAvailable ? t('keychainAvailable') : t('keychainUnavailable')}
          </Alert>
          {SECRETS.map((s) => (
            <SecretRow
              key={s.name}
              name={s.name}
              label={t(s.label)}
              stored={status.data?.stored.includes(s.name) ?? false}
              disabled={!status.data?.keychainAvailable}
              onStatus={status.setData}
            />
          ))}
        </>
      )}
    </SettingsSection>
  );
}

function SecretRow(props: {
  name: SecretName;
  label: string;
  stored: boolean;
  disabled: boolean;
  onStatus: (s: SecretsStatus) => void;
}) {
  const { api, t } = useApp();
  const [value, setValue] = useState('');
  const { busy, error, run: act } = useAction();
  const run = (action: () => Promise<SecretsStatus>) =>
    act(async () => {
      props.onStatus(await action());
      setValue('');
    });
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography sx={{ fontWeight: 500 }}>{props.label}</Typography>
        <Chip
          size="small"
          label={props.stored ? t('secretStored') : t('secretMissing')}
          color={props.stored ? 'success' : 'default'}
        />
      </Stack>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1}>
        <TextField
          size="small"
          type="password"
          autoComplete="off"
          label={t('secretValue', { name: props.label })}
          value={value}
          disabled={props.disabled || busy}
          onChange={(e) => setValue(e.target.value)}
          sx={{ flex: 1 }}
        />
        <Button
          variant="outlined"
          disabled={props.disabled || busy || value === ''}
          onClick={() => void run(() => api.storeSecret({ name: props.name, value }))}
          aria-label={`${t('secretStore')}: ${props.label}`}
        >
          {t('secretStore')}
        </Button>
        <Button
          color="error"
          disabled={busy || !props.stored}
          onClick={() => void run(() => api.deleteSecret({ name: props.name }))}
          aria-label={`${t('secretDelete')}: ${props.label}`}
        >
          {t('secretDelete')}
        </Button>
      </Stack>
      {error !== undefined && <ErrorState error={error} compact />}
    </Stack>
  );
}
