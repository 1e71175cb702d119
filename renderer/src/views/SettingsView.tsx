/** Settings: appearance, the desktop app, staleness, tailnet backend, secrets, registry, map, about. */
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { AppearanceSettings } from '../components/AppearanceSettings.tsx';
import { DesktopSettings } from '../components/DesktopSettings.tsx';
import { DiagnosticsButton } from '../components/DiagnosticsButton.tsx';
import { MapSettings, RegistrySettings } from '../components/RegistryMapSettings.tsx';
import { SecretsSettings } from '../components/SecretsSettings.tsx';
import { SettingsSection } from '../components/SettingsSection.tsx';
import { StalenessSettings } from '../components/StalenessSettings.tsx';
import { TailnetSettings } from '../components/TailnetSettings.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';

export function SettingsView() {
  const { info, t } = useApp();
  return (
    <>
      <ViewHeader title={t('settingsTitle')} />
      <Stack spacing={2} sx={{ maxWidth: 820 }}>
        <AppearanceSettings />
        <DesktopSettings />
        <StalenessSettings />
        <TailnetSettings />
        <SecretsSettings />
        <RegistrySettings />
        <MapSettings />
        {info && (
          <SettingsSection title={t('aboutSection')}>
            <Typography variant="body2">
              {t('aboutVersion', {
                name: info.name,
                version: info.version,
                platform: info.platform,
                host: info.host,
              })}
            </Typography>
            <div>
              <DiagnosticsButton />
            </div>
          </SettingsSection>
        )}
      </Stack>
    </>
  );
}
