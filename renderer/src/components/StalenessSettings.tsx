/** Thresholds for "stale" readings and "offline" farms, validated with the contract's own bounds. */
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import { Settings, settingsProblem } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useSaver } from '../hooks/useSaver.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SettingsSection } from './SettingsSection.tsx';

function parseSeconds(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Settings.shape.staleAfterS.safeParse(n).success ? n : undefined;
}

export function StalenessSettings() {
  const { settings, t } = useApp();
  const { save, busy, error, saved } = useSaver();
  const [stale, setStale] = useState(String(settings.staleAfterS));
  const [offline, setOffline] = useState(String(settings.offlineAfterS));
  useEffect(() => setStale(String(settings.staleAfterS)), [settings.staleAfterS]);
  useEffect(() => setOffline(String(settings.offlineAfterS)), [settings.offlineAfterS]);
  const staleS = parseSeconds(stale);
  const offlineS = parseSeconds(offline);
  const order =
    staleS !== undefined && offlineS !== undefined
      ? settingsProblem({ staleAfterS: staleS, offlineAfterS: offlineS })
      : undefined;
  return (
    <SettingsSection title={t('staleness')}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <TextField
          label={t('staleAfter')}
          type="number"
          value={stale}
          onChange={(e) => setStale(e.target.value)}
          error={staleS === undefined || order !== undefined}
          helperText={order ? t('staleAfterOffline') : t('secondsRange')}
          slotProps={{ htmlInput: { min: 10, max: 86_400 } }}
          fullWidth
        />
        <TextField
          label={t('offlineAfter')}
          type="number"
          value={offline}
          onChange={(e) => setOffline(e.target.value)}
          error={offlineS === undefined}
          helperText={t('secondsRange')}
          slotProps={{ htmlInput: { min: 10, max: 86_400 } }}
          fullWidth
        />
      </Stack>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button
          variant="contained"
          disabled={busy || staleS === undefined || offlineS === undefined || order !== undefined}
          onClick={() =>
            staleS !== undefined &&
            offlineS !== undefined &&
            void save({ staleAfterS: staleS, offlineAfterS: offlineS })
          }
        >
          {t('save')}
        </Button>
        <SaveStatus saved={saved} error={error} />
      </Stack>
    </SettingsSection>
  );
}
