/** Theme, language and units apply at once (saved through the core so every window follows). */
import { useApp } from '../app/context.tsx';
import { useSaver } from '../hooks/useSaver.ts';
import { ChoiceGroup } from './ChoiceGroup.tsx';
import { SaveStatus } from './SaveStatus.tsx';
import { SettingsSection } from './SettingsSection.tsx';

export function AppearanceSettings() {
  const { settings, t } = useApp();
  const { save, busy, error, saved } = useSaver();
  return (
    <SettingsSection title={t('appearance')}>
      <ChoiceGroup
        label={t('theme')}
        value={settings.theme}
        disabled={busy}
        onChange={(theme) => void save({ theme })}
        options={[
          { value: 'system', label: t('themeSystem') },
          { value: 'light', label: t('themeLight') },
          { value: 'dark', label: t('themeDark') },
        ]}
      />
      <ChoiceGroup
        label={t('language')}
        value={settings.language}
        disabled={busy}
        onChange={(language) => void save({ language })}
        options={[
          { value: 'system', label: t('langSystem') },
          { value: 'en', label: t('langEn') },
          { value: 'ru', label: t('langRu') },
        ]}
      />
      <ChoiceGroup
        label={t('units')}
        value={settings.units}
        disabled={busy}
        onChange={(units) => void save({ units })}
        options={[
          { value: 'metric', label: t('unitsMetric') },
          { value: 'imperial', label: t('unitsImperial') },
        ]}
      />
      <ChoiceGroup
        label={t('times')}
        value={settings.times}
        disabled={busy}
        onChange={(times) => void save({ times })}
        options={[
          { value: 'farm', label: t('timesFarm') },
          { value: 'computer', label: t('timesComputer') },
        ]}
      />
      <SaveStatus saved={saved} error={error} />
    </SettingsSection>
  );
}
