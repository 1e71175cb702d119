/**
 * The desktop app's own settings (Electron only): keep running in the tray, start at login, whether this system shows
 * desktop notifications at all, and the keyboard shortcuts.
 */
import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { useSaver } from '../hooks/useSaver.ts';
import { DESKTOP_SHORTCUTS, shortcutKeys } from '../lib/shortcuts.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SettingsSection } from './SettingsSection.tsx';

export function DesktopSettings() {
  const { info, settings, t } = useApp();
  const { save, busy, error, saved } = useSaver();
  if (info?.host !== 'electron') return null;
  const mac = info.platform === 'darwin';
  return (
    <SettingsSection title={t('desktopSection')}>
      <FormControlLabel
        control={
          <Switch
            checked={settings.keepRunningInTray}
            disabled={busy || mac}
            onChange={(e) => void save({ keepRunningInTray: e.target.checked })}
          />
        }
        label={t('keepRunningInTray')}
      />
      <Typography variant="body2" color="text.secondary">
        {mac ? t('keepRunningInDock') : t('keepRunningInTrayHelp')}
      </Typography>
      {info.platform !== 'linux' && (
        <FormControlLabel
          control={
            <Switch
              checked={settings.openAtLogin}
              disabled={busy}
              onChange={(e) => void save({ openAtLogin: e.target.checked })}
            />
          }
          label={t('openAtLogin')}
        />
      )}
      <SaveStatus saved={saved} error={error} />
      {info.desktopNotifications === false && <Alert severity="warning">{t('noDesktopNotifications')}</Alert>}
      <Typography component="h3" variant="subtitle2">
        {t('shortcutsTitle')}
      </Typography>
      <Typography
        component="dl"
        variant="body2"
        sx={{ m: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2 }}
      >
        {DESKTOP_SHORTCUTS.map((s) => (
          <div key={s.key} style={{ display: 'contents' }}>
            <dt>
              <kbd>{shortcutKeys(info.platform, s.key)}</kbd>
            </dt>
            <dd style={{ margin: 0 }}>{t(s.label)}</dd>
          </div>
        ))}
      </Typography>
    </SettingsSection>
  );
}
