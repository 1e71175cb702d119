/** The embedded discovery registry and the optional online map tiles. */
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import { useApp } from '../app/context.tsx';
import { useSaver } from '../hooks/useSaver.ts';
import { mapPatch, registryPatch } from '../lib/settings-form.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SettingsSection } from './SettingsSection.tsx';

export function RegistrySettings() {
  const { settings, t } = useApp();
  const { save, busy, error, saved } = useSaver();
  const [url, setUrl] = useState(settings.registry.url ?? '');
  useEffect(() => setUrl(settings.registry.url ?? ''), [settings.registry.url]);
  const urlValue = registryPatch(settings.registry.embedded, url);
  return (
    <SettingsSection title={t('registrySection')}>
      <FormControlLabel
        control={
          <Switch
            checked={settings.registry.embedded}
            disabled={busy}
            onChange={(e) => void save({ registry: { ...settings.registry, embedded: e.target.checked } })}
          />
        }
        label={t('registryEmbedded')}
      />
      <TextField
        label={t('registryUrl')}
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        error={urlValue === undefined}
        helperText={urlValue === undefined ? t('urlInvalid') : ' '}
      />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button
          variant="contained"
          disabled={busy || !urlValue}
          onClick={() => urlValue && void save({ registry: urlValue })}
        >
          {t('save')}
        </Button>
        <SaveStatus saved={saved} error={error} />
      </Stack>
    </SettingsSection>
  );
}

export function MapSettings() {
  const { settings, t } = useApp();
  const { save, busy, error, saved } = useSaver();
  const [tile, setTile] = useState(settings.map.tileUrl ?? '');
  useEffect(() => setTile(settings.map.tileUrl ?? ''), [settings.map.tileUrl]);
  const value = mapPatch(tile);
  return (
    <SettingsSection title={t('mapSection')}>
      <TextField
        label={t('tileUrl')}
        value={tile}
        onChange={(e) => setTile(e.target.value)}
        error={value === undefined}
        helperText={value === undefined ? t('tileUrlInvalid') : ' '}
      />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button
          variant="contained"
          disabled={busy || !value}
          onClick={() => value && void save({ map: value })}
        >
          {t('save')}
        </Button>
        <SaveStatus saved={saved} error={error} />
      </Stack>
    </SettingsSection>
  );
}
