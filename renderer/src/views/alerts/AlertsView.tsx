/**
 * Alerts: what is firing now, what someone is already on (acknowledged), what happened (history), and the
 * rules. Filters by farm, severity and period; acknowledge with a note. Tabs follow the WAI-ARIA tabs
 * pattern (arrow keys move between them); every control has an accessible name.
 */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import { useMemo, useState } from 'react';
import type { Alert, AlertSeverity } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { useFarms } from '../../app/farms-store.tsx';
import { EmptyState, ErrorState, Loading } from '../../components/StateViews.tsx';
import { ViewHeader } from '../../components/ViewHeader.tsx';
import { AckDialog } from './AckDialog.tsx';
import {
  type AlertFilters,
  type AlertTab,
  DEFAULT_FILTERS,
  filterFor,
  type TimePreset,
} from './alert-filters.ts';
import { AlertList } from './AlertList.tsx';
import type { MessageKey } from '../../lib/i18n.ts';
import { useNoticePermission } from './browser-notices.ts';
import { RulesPanel } from './RulesPanel.tsx';
import { useAlertList } from './useAlerts.ts';

const TABS: readonly AlertTab[] = ['firing', 'acknowledged', 'history', 'rules'];
const EMPTY: Record<Exclude<AlertTab, 'rules'>, MessageKey> = {
  firing: 'emptyFiring',
  acknowledged: 'emptyAcknowledged',
  history: 'emptyHistory',
};

function Filters({
  tab,
  filters,
  onChange,
  farms,
}: {
  tab: AlertTab;
  filters: AlertFilters;
  onChange: (f: AlertFilters) => void;
  farms: ReadonlyArray<{ id: string; name: string }>;
}) {
  const { t } = useApp();
  return (
    <Stack
      component="form"
      role="search"
      aria-label={t('filtersLabel')}
      direction={{ xs: 'column', sm: 'row' }}
      spacing={2}
      onSubmit={(e) => e.preventDefault()}
    >
      <TextField
        select
        size="small"
        label={t('filterFarm')}
        value={filters.farmId ?? ''}
        onChange={(e) => onChange({ ...filters, farmId: e.target.value || null })}
        sx={{ minWidth: 200 }}
      >
        <MenuItem value="">{t('filterAllFarms')}</MenuItem>
        {farms.map((f) => (
          <MenuItem key={f.id} value={f.id}>
            {f.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label={t('filterSeverity')}
        value={filters.severity ?? ''}
        onChange={(e) => onChange({ ...filters, severity: (e.target.value || null) as AlertSeverity | null })}
        sx={{ minWidth: 180 }}
      >
        <MenuItem value="">{t('filterAllSeverities')}</MenuItem>
        {(['critical', 'warning', 'info'] as const).map((s) => (
          <MenuItem key={s} value={s}>
            {t(`severity_${s}`)}
          </MenuItem>
        ))}
      </TextField>
      {tab === 'history' && (
        <TextField
          select
          size="small"
          label={t('filterTime')}
          value={filters.time}
          onChange={(e) => onChange({ ...filters, time: e.target.value as TimePreset })}
          sx={{ minWidth: 180 }}
        >
          {(['24h', '7d', '30d', 'all'] as const).map((p) => (
            <MenuItem key={p} value={p}>
              {t(p === 'all' ? 'timeAll' : `time${p}`)}
            </MenuItem>
          ))}
        </TextField>
      )}
    </Stack>
  );
}

/** `farmId`: opened from a farm's alert chip, so filtered to that farm at first. */
export function AlertsView({ farmId }: { farmId?: string } = {}) {
  const { t } = useApp();
  const { farms } = useFarms();
  const [tab, setTab] = useState<AlertTab>('firing');
  const [filters, setFilters] = useState<AlertFilters>(() =>
    farmId ? { ...DEFAULT_FILTERS, farmId } : DEFAULT_FILTERS,
  );
  const [acking, setAcking] = useState<Alert | null>(null);
  // The period is anchored when the tab or filters change, not on every render.
  const anchor = useMemo(() => (tab && filters ? Date.now() : 0), [tab, filters]);
  const filter = tab === 'rules' ? null : filterFor(tab, filters, anchor);
  const list = useAlertList(filter);
  const { permission, request } = useNoticePermission();

  const farmOptions = useMemo(() => {
    const m = new Map(farms.map((f) => [f.farmId, f.displayName]));
    for (const a of list.alerts) if (!m.has(a.farmId)) m.set(a.farmId, a.farmName);
    return [...m].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }, [farms, list.alerts]);

  const tabLabel = (v: AlertTab) =>
    v === 'firing'
      ? t('tabFiring', { n: list.counts.firing })
      : v === 'acknowledged'
        ? t('tabAcknowledged', { n: list.counts.acknowledged })
        : v === 'history'
          ? t('tabHistory')
          : t('tabRules');

  return (
    <>
      <ViewHeader
        title={t('alertsTitle')}
        subtitle={t('intro')}
        actions={
          permission === 'default' ? (
            <Button variant="outlined" onClick={request}>
              {t('notificationsOn')}
            </Button>
          ) : permission === 'denied' ? (
            <Box component="span" sx={{ color: 'text.secondary', typography: 'body2' }}>
              {t('notificationsBlocked')}
            </Box>
          ) : undefined
        }
      />
      <Tabs
        value={tab}
        onChange={(_e, v: AlertTab) => setTab(v)}
        aria-label={t('tabsLabel')}
        variant="scrollable"
        allowScrollButtonsMobile
        sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }}
      >
        {TABS.map((v) => (
          <Tab
            key={v}
            value={v}
            label={tabLabel(v)}
            id={`alerts-tab-${v}`}
            aria-controls={`alerts-panel-${v}`}
          />
        ))}
      </Tabs>
      <Box role="tabpanel" id={`alerts-panel-${tab}`} aria-labelledby={`alerts-tab-${tab}`}>
        {tab === 'rules' ? (
          <RulesPanel farms={farms} />
        ) : (
          <Stack spacing={2}>
            <Filters tab={tab} filters={filters} onChange={setFilters} farms={farmOptions} />
            {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
            {list.loading && list.alerts.length === 0 ? (
              <Loading />
            ) : list.alerts.length === 0 ? (
              <EmptyState>{t(EMPTY[tab])}</EmptyState>
            ) : (
              <AlertList
                alerts={list.alerts}
                label={t('listLabel', { tab: tabLabel(tab), n: list.alerts.length })}
                {...(tab === 'firing' ? { onAcknowledge: setAcking } : {})}
              />
            )}
          </Stack>
        )}
      </Box>
      {acking && (
        <AckDialog
          alert={acking}
          onClose={() => setAcking(null)}
          onDone={() => {
            setAcking(null);
            list.reload();
          }}
        />
      )}
    </>
  );
}
