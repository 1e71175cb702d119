/** Support onboarding: a pre-tagged one-time auth key, shown once, and the one install command to run. */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { OperationOutput } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { formatDateTime } from '../lib/format.ts';
import { CopyButton } from './CopyButton.tsx';
import { QrCode } from './QrCode.tsx';
import { ErrorState } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';

const NAME_RE = /^[a-z0-9-]{1,63}$/i;

export function OnboardFarm() {
  const { api, t, lang } = useApp();
  const [name, setName] = useState('');
  const [hours, setHours] = useState('24');
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<OperationOutput<'createFarmAuthKey'> | undefined>(undefined);
  const hoursN = Number(hours);
  const nameOk = NAME_RE.test(name);
  const hoursOk = Number.isInteger(hoursN) && hoursN >= 1 && hoursN <= 24 * 90;

  const create = () =>
    run(async () => setCreated(await api.createFarmAuthKey({ farmName: name, expiryHours: hoursN })));

  return (
    <Paper variant="outlined" component="section" aria-labelledby="onboard-title" sx={{ p: 2, mb: 2 }}>
      <Typography id="onboard-title" component="h2" variant="h6">
        {t('onboardTitle')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        {t('onboardHelp')}
      </Typography>
      {created ? (
        <Stack spacing={1.5}>
          <Alert severity="warning">
            {t('onboardShownOnce', { when: formatDateTime(lang, created.expiresAt) })}
          </Alert>
          <Secret label={t('onboardKey')} text={created.key} />
          <Secret label={t('onboardCommand')} text={created.installCommand} />
          <Alert severity={created.packageSource === 'control-room' ? 'info' : 'warning'}>
            {t(created.packageSource === 'control-room' ? 'onboardServed' : 'onboardPreinstalled')}
          </Alert>
          <Box>
            <Button onClick={() => setCreated(undefined)}>{t('close')}</Button>
          </Box>
        </Stack>
      ) : (
        <Stack
          direction={{ xs: 'column', sm: 'row' }}
          spacing={1.5}
          sx={{ alignItems: { sm: 'flex-start' } }}
        >
          <TextField
            size="small"
            label={t('onboardName')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={name !== '' && !nameOk}
            helperText={name !== '' && !nameOk ? t('onboardNameInvalid') : ' '}
          />
          <TextField
            size="small"
            type="number"
            label={t('onboardExpiry')}
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            error={!hoursOk}
            helperText={hoursOk ? ' ' : t('onboardHoursInvalid')}
            slotProps={{ htmlInput: { min: 1, max: 24 * 90 } }}
          />
          <Button variant="contained" disabled={busy || !nameOk || !hoursOk} onClick={() => void create()}>
            {t('onboardCreate')}
          </Button>
        </Stack>
      )}
      {error !== undefined && <ErrorState error={error} compact />}
    </Paper>
  );
}

function Secret({ label, text }: { label: string; text: string }) {
  const { t } = useApp();
  const [qr, setQr] = useState(false);
  return (
    <Box>
      <Typography variant="subtitle2">{label}</Typography>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Box
          component="pre"
          aria-label={label}
          sx={{
            flex: 1,
            p: 1,
            bgcolor: 'action.hover',
            borderRadius: 1,
            fontFamily: 'monospace',
            wordBreak: 'break-all',
            whiteSpace: 'pre-wrap',
            m: 0,
            userSelect: 'all',
          }}
        >
          {text}
        </Box>
        <CopyButton text={text} what={label} />
        <Button size="small" aria-expanded={qr} onClick={() => setQr(!qr)}>
          {t(qr ? 'onboardHideQr' : 'onboardShowQr')}
        </Button>
      </Box>
      {qr && (
        <Box sx={{ mt: 1 }}>
          <QrCode text={text} label={t('onboardQr', { what: label })} />
        </Box>
      )}
    </Box>
  );
}
