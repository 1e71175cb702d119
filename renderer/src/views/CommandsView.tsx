/** The command audit log across farms: filter by farm, person and time; export the filter as CSV. */
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';
import { CommandTable } from '../components/CommandTable.tsx';
import { DateTimeField } from '../components/DateTimeField.tsx';
import { DownloadIcon } from '../components/Icons.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { type CommandQuery, useCommands } from '../hooks/useCommands.ts';
import { downloadText } from '../lib/download.ts';
import { commandFilterProblems, PERSON_FILTER_MAX } from '../lib/command-filter.ts';
import { fromLocalInput } from '../lib/format.ts';
import { pluralKey } from '../lib/i18n.ts';

export function CommandsView() {
  const { api, t, lang } = useApp();
  const { farms } = useFarms();
  const [farmId, setFarmId] = useState('');
  const [person, setPerson] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const query: CommandQuery = { limit: 500 };
  if (farmId) query.farmId = farmId;
  if (person.trim()) query.requestedBy = person.trim();
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  if (fromMs !== undefined) query.from = fromMs;
  if (toMs !== undefined) query.to = toMs;
  const problems = commandFilterProblems(person, fromMs, toMs);
  const valid = problems.person === undefined && problems.to === undefined;
  const filtered = farmId !== '' || person.trim() !== '' || from !== '' || to !== '';
  const { commands, loading, error, reload } = useCommands(valid ? query : null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(undefined);
  const [exportNote, setExportNote] = useState('');

  const exportCsv = async () => {
    setExporting(true);
    setExportError(undefined);
    setExportNote('');
    try {
      const { filename, csv } = await api.exportCommandsCsv(query);
      if (csv.trim() === '') setExportNote(t('exportEmpty'));
      else downloadText(filename, csv);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <ViewHeader
        title={t('commandsTitle')}
        subtitle={
          commands.length
            ? t(pluralKey(lang, commands.length, 'commands'), { n: commands.length })
            : undefined
        }
        actions={
          <Button
            variant="outlined"
            startIcon={<DownloadIcon />}
            disabled={exporting || !valid}
            onClick={() => void exportCsv()}
          >
            {t('downloadCsv')}
          </Button>
        }
      />
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        <TextField
          select
          size="small"
          label={t('filterFarm')}
          value={farmId}
          onChange={(e) => setFarmId(e.target.value)}
          sx={{ minWidth: 200 }}
        >
          <MenuItem value="">{t('filterAllFarms')}</MenuItem>
          {farms.map((f) => (
            <MenuItem key={f.farmId} value={f.farmId}>
              {f.displayName}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          size="small"
          label={t('filterPerson')}
          value={person}
          onChange={(e) => setPerson(e.target.value)}
          error={problems.person !== undefined}
          {...(problems.person ? { helperText: t(problems.person, { n: PERSON_FILTER_MAX }) } : {})}
        />
        <DateTimeField label={t('filterFrom')} value={from} onChange={setFrom} />
        <DateTimeField
          label={t('filterTo')}
          value={to}
          onChange={setTo}
          error={problems.to !== undefined}
          {...(problems.to ? { helperText: t(problems.to) } : {})}
        />
      </Stack>
      {exportError !== undefined && <ErrorState error={exportError} compact />}
      {exportNote && (
        <Typography role="status" sx={{ mb: 1 }}>
          {exportNote}
        </Typography>
      )}
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {loading && commands.length === 0 ? (
        <Loading />
      ) : commands.length === 0 ? (
        error === undefined &&
        valid && <EmptyState>{t(filtered ? 'commandsNoMatch' : 'commandsEmpty')}</EmptyState>
      ) : (
        <CommandTable commands={commands} showFarm label={t('commandsTitle')} />
      )}
    </>
  );
}
