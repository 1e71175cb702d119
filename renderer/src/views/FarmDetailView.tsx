/**
 * One farm: health layers, current readings, history charts, commands (operators), its command history
 * its place on the tailnet and the policy attributes its device carries. The summary is live (farmsChanged);
 * the detail (sensors, actuators, device) comes from getFarm, the attributes from getFarmPolicyAttributes
 * (again whenever the farm's region, crop or owner change, or a save here returns).
 */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { type ReactNode, useId, useMemo } from 'react';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';
import { CommandPanel } from '../components/CommandPanel.tsx';
import { CommandTable } from '../components/CommandTable.tsx';
import { FarmAbout } from '../components/FarmAbout.tsx';
import { FarmPolicyAttributes } from '../components/FarmPolicyAttributes.tsx';
import { HealthChip } from '../components/HealthChip.tsx';
import { HealthLayers } from '../components/HealthLayers.tsx';
import { HistoryPanel } from '../components/HistoryPanel.tsx';
import { LinkCard } from '../components/LinkCard.tsx';
import { BackIcon } from '../components/Icons.tsx';
import { ReadingCards, sensorViews } from '../components/ReadingCards.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { TailnetDetails } from '../components/TailnetDetails.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { useCommands } from '../hooks/useCommands.ts';
import { useNow } from '../hooks/useNow.ts';
import { toShownError } from '../lib/errors.ts';
import { localizeInfo } from '../lib/local-labels.ts';
import { healthReason } from '../lib/health-text.ts';
import { useFarmAlerts } from '../app/firing-alerts.tsx';
import { FarmAlertChip } from '../components/FarmAlertChip.tsx';
import { useEventZone } from '../hooks/useEventZone.ts';

function Section({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const id = useId();
  return (
    <Paper
      component="section"
      aria-labelledby={id}
      variant="outlined"
      sx={{ p: 2, gridColumn: wide ? '1 / -1' : undefined, minWidth: 0 }}
    >
      <Typography id={id} component="h2" variant="h6" gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export function FarmDetailView({ farmId }: { farmId: string }) {
  const { api, t, lang } = useApp();
  const farms = useFarms();
  const now = useNow();
  const detail = useAsync(() => api.getFarm({ farmId }), [api, farmId]);
  const commands = useCommands({ farmId, limit: 50 });
  const farmAlerts = useFarmAlerts(farmId);
  const summary = farms.byId.get(farmId) ?? detail.data?.summary;
  const zone = useEventZone(summary?.timeZone);
  const posture = useAsync(
    () => api.getFarmPolicyAttributes({ farmId }),
    [api, farmId, summary?.region, summary?.crop, summary?.owner],
  );
  const rawInfo = detail.data?.info ?? null;
  // Sensor, actuator and command labels in the UI's language, when the farm's layout carries them.
  const info = useMemo(() => (rawInfo ? localizeInfo(lang, rawInfo) : null), [rawInfo, lang]);

  const back = (
    <Button href="#/farms" startIcon={<BackIcon />} size="small">
      {t('backToFarms')}
    </Button>
  );

  if (!summary) {
    if (detail.loading || (farms.loading && farms.farms.length === 0)) return <Loading />;
    const notFound = detail.error !== undefined && toShownError(detail.error).code === 'NOT_FOUND';
    return (
      <>
        <ViewHeader title={farmId} actions={back} />
        {notFound || detail.error === undefined ? (
          <EmptyState>{t('farmNotFound')}</EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={detail.reload} />
        )}
      </>
    );
  }

  // Labels and units from the summary until the full farm info (with expected ranges) has loaded.
  const sensors = sensorViews(info?.sensors ?? summary.sensors, summary.latest);
  return (
    <>
      <ViewHeader
        title={summary.displayName}
        subtitle={`${summary.dnsName || summary.address} · ${t('timeZoneLabel', { tz: summary.timeZone })}`}
        actions={
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
            <HealthChip health={summary.health.overall} />
            <FarmAlertChip alerts={farmAlerts} />
            {back}
          </Box>
        }
      />
      <Typography sx={{ mb: 2 }}>{healthReason(t, lang, summary.health)}</Typography>
      {detail.error !== undefined && <ErrorState error={detail.error} onRetry={detail.reload} />}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, gap: 2 }}>
        <Section title={t('healthLayers')} wide>
          <HealthLayers health={summary.health} now={now} />
        </Section>
        <Section title={t('currentReadings')} wide>
          {detail.loading && !info && <Loading />}
          <ReadingCards
            sensors={sensors}
            latest={summary.latest}
            timeZone={zone}
            now={now}
            {...(farmAlerts ? { alerts: farmAlerts.bySensor } : {})}
          />
        </Section>
        <Section title={t('historyTitle')} wide>
          <HistoryPanel farmId={farmId} sensors={sensors} timeZone={zone} />
        </Section>
        <Section title={t('commandsPanel')}>
          {detail.loading && !info ? (
            <Loading />
          ) : (
            <CommandPanel farmId={farmId} farmName={summary.displayName} actuators={info?.actuators ?? []} />
          )}
        </Section>
        <Stack spacing={2} sx={{ minWidth: 0 }}>
          <Section title={t('farmAboutSection')}>
            <FarmAbout farm={summary} onSaved={posture.reload} />
          </Section>
          <Section title={t('postureSection')}>
            {posture.error !== undefined ? (
              <ErrorState error={posture.error} onRetry={posture.reload} compact />
            ) : posture.data ? (
              <FarmPolicyAttributes state={posture.data} />
            ) : (
              <Loading />
            )}
          </Section>
          <Section title={t('tailnetDetails')}>
            <TailnetDetails
              summary={summary}
              device={detail.data?.device ?? null}
              gatewayVersion={info?.gatewayVersion}
              now={now}
            />
          </Section>
          <Section title={t('linkCard')}>
            <LinkCard farmId={farmId} now={now} />
          </Section>
        </Stack>
        <Section title={t('farmCommandHistory')} wide>
          {commands.error !== undefined && <ErrorState error={commands.error} onRetry={commands.reload} />}
          {commands.loading && commands.commands.length === 0 ? (
            <Loading />
          ) : commands.commands.length === 0 ? (
            commands.error === undefined && <EmptyState>{t('commandsEmpty')}</EmptyState>
          ) : (
            <CommandTable commands={commands.commands} showFarm={false} label={t('farmCommandHistory')} />
          )}
        </Section>
      </Box>
    </>
  );
}
