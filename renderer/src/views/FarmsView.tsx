/** All farms in a sortable, filterable table; stale values are greyed with their age. */
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import TextField from '@mui/material/TextField';
import { useMemo, useState } from 'react';
import type { OverallHealth } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useFarms } from '../app/farms-store.tsx';
import { HealthChip } from '../components/HealthChip.tsx';
import { KeyFigures } from '../components/KeyFigures.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { useNow } from '../hooks/useNow.ts';
import { type FarmSortKey, filterFarms, type SortDir, sortFarms } from '../lib/farm-table.ts';
import { formatAge } from '../lib/format.ts';
import { HEALTH_LABEL, HEALTH_ORDER } from '../lib/health.ts';
import { healthReason } from '../lib/health-text.ts';
import { pluralKey } from '../lib/i18n.ts';
import { routeHref } from '../lib/route.ts';
import { ageSeconds } from '../lib/staleness.ts';
import { useOpenAlertsByFarm } from '../app/firing-alerts.tsx';
import { FarmAlertChip } from '../components/FarmAlertChip.tsx';
import { FarmCards } from '../components/FarmCards.tsx';
import { usePhone } from '../hooks/usePhone.ts';

export function FarmsView() {
  const { t, lang, settings } = useApp();
  const { farms, loading, error, reload } = useFarms();
  const now = useNow();
  const [text, setText] = useState('');
  const alertsByFarm = useOpenAlertsByFarm();
  const [health, setHealth] = useState<OverallHealth | 'all'>('all');
  const [sort, setSort] = useState<{ key: FarmSortKey; dir: SortDir }>({ key: 'name', dir: 'asc' });
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(50);
  const phone = usePhone();

  const shown = useMemo(
    () => sortFarms(filterFarms(farms, { text, health }), sort.key, sort.dir),
    [farms, text, health, sort],
  );
  const pageRows = shown.slice(page * perPage, (page + 1) * perPage);
  const sortBy = (key: FarmSortKey) =>
    setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
  const header = (key: FarmSortKey, label: string) => (
    <TableCell sortDirection={sort.key === key ? sort.dir : false}>
      <TableSortLabel
        active={sort.key === key}
        direction={sort.key === key ? sort.dir : 'asc'}
        onClick={() => sortBy(key)}
      >
        {label}
      </TableSortLabel>
    </TableCell>
  );

  return (
    <>
      <ViewHeader
        title={t('farmsTitle')}
        subtitle={farms.length ? t(pluralKey(lang, farms.length, 'farms'), { n: farms.length }) : undefined}
      />
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {loading && farms.length === 0 ? (
        <Loading />
      ) : farms.length === 0 ? (
        error === undefined && <EmptyState title={t('noFarmsTitle')}>{t('noFarmsBody')}</EmptyState>
      ) : (
        <>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 2 }}>
            <TextField
              size="small"
              label={t('farmsFilter')}
              helperText={t('farmsFilterHelp')}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setPage(0);
              }}
              type="search"
            />
            <TextField
              size="small"
              select
              label={t('farmsHealthFilter')}
              value={health}
              onChange={(e) => {
                setHealth(e.target.value as OverallHealth | 'all');
                setPage(0);
              }}
              sx={{ minWidth: 160 }}
            >
              <MenuItem value="all">{t('farmsAllHealth')}</MenuItem>
              {HEALTH_ORDER.map((h) => (
                <MenuItem key={h} value={h}>
                  {t(HEALTH_LABEL[h])}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          {shown.length === 0 ? (
            <EmptyState>{t('farmsNoMatch')}</EmptyState>
          ) : (
            <Paper variant="outlined" sx={phone ? { border: 0, bgcolor: 'transparent' } : undefined}>
              {phone ? (
                <FarmCards farms={pageRows} now={now} alertsByFarm={alertsByFarm} />
              ) : (
                <TableContainer>
                  <Table size="small" aria-label={t('farmsTitle')}>
                    <TableHead>
                      <TableRow>
                        {header('name', t('colName'))}
                        {header('health', t('colHealth'))}
                        <TableCell>{t('colTags')}</TableCell>
                        {header('lastReading', t('colLastReading'))}
                        <TableCell>{t('colKeyFigures')}</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {pageRows.map((f) => {
                        const lastAge =
                          f.lastReadingAt === null ? undefined : ageSeconds(f.lastReadingAt, now);
                        const lastStale = lastAge !== undefined && lastAge > settings.staleAfterS;
                        return (
                          <TableRow key={f.farmId} hover>
                            <TableCell>
                              <Link href={routeHref({ view: 'farm', farmId: f.farmId })}>
                                {f.displayName}
                              </Link>
                              <Box sx={{ color: 'text.secondary', fontSize: '0.8em' }}>
                                {f.dnsName || f.address}
                              </Box>
                            </TableCell>
                            <TableCell title={healthReason(t, lang, f.health)}>
                              <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                                <HealthChip health={f.health.overall} />
                                <FarmAlertChip alerts={alertsByFarm.get(f.farmId)} />
                              </Box>
                              <Box sx={{ color: 'text.secondary', fontSize: '0.8em', maxWidth: 260 }}>
                                {healthReason(t, lang, f.health)}
                              </Box>
                            </TableCell>
                            <TableCell>
                              {f.tags.map((tag) => (
                                <Chip
                                  key={tag}
                                  size="small"
                                  variant="outlined"
                                  label={tag}
                                  sx={{ mr: 0.5, mb: 0.5 }}
                                />
                              ))}
                            </TableCell>
                            <TableCell
                              sx={{ color: lastStale ? 'text.secondary' : undefined, whiteSpace: 'nowrap' }}
                            >
                              {lastAge === undefined
                                ? t('noReadings')
                                : t('ago', { age: formatAge(lang, lastAge) })}
                            </TableCell>
                            <TableCell sx={{ minWidth: 240 }}>
                              <KeyFigures farm={f} now={now} />
                            </TableCell>
                          </TableRow>
                        );
                      })}
                    </TableBody>
                  </Table>
                </TableContainer>
              )}
              <TablePagination
                component="div"
                count={shown.length}
                page={Math.min(page, Math.max(0, Math.ceil(shown.length / perPage) - 1))}
                rowsPerPage={perPage}
                rowsPerPageOptions={[25, 50, 100, 250]}
                labelRowsPerPage={t('rowsPerPage')}
                labelDisplayedRows={({ from, to, count }) =>
                  count === -1
                    ? t('rowsDisplayedMore', { from, to })
                    : t('rowsDisplayed', { from, to, count })
                }
                onPageChange={(_, p) => setPage(p)}
                onRowsPerPageChange={(e) => {
                  setPerPage(Number(e.target.value));
                  setPage(0);
                }}
              />
            </Paper>
          )}
        </>
      )}
    </>
  );
}
