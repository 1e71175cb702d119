/**
 * Support view of the tailnet: every device with tags, OS, client version, online state, direct or relayed,
 * and key expiry (warned under 14 days). Support staff edit tags, onboard farms and see the fleet-hygiene
 * radar; others see why not.
 */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import { useEffect, useMemo, useState } from 'react';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { connectionText } from '../components/ConnectionPath.tsx';
import { DeviceCards } from '../components/DeviceCards.tsx';
import { KeyExpiry } from '../components/KeyExpiry.tsx';
import { usePhone } from '../hooks/usePhone.ts';
import { OnboardFarm } from '../components/OnboardFarm.tsx';
import { RoleNotice } from '../components/RoleNotice.tsx';
import { EmptyState, ErrorState, Loading } from '../components/StateViews.tsx';
import { FleetHygiene } from '../components/FleetHygiene.tsx';
import { TagEditor } from '../components/TagEditor.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { useAsync } from '../hooks/useAsync.ts';
import { useNow } from '../hooks/useNow.ts';
import { allTags, filterDevices } from '../lib/devices.ts';
import { formatRelative } from '../lib/format.ts';
import { pluralKey } from '../lib/i18n.ts';

export function DevicesView() {
  const { api, me, t, lang } = useApp();
  const now = useNow(30_000);
  const list = useAsync(() => api.listDevices({}), [api]);
  const { reload } = list;
  useEffect(() => api.on('devicesChanged', () => reload()), [api, reload]);
  const [text, setText] = useState('');
  const [tag, setTag] = useState('');
  const [untagged, setUntagged] = useState(false);
  const [onlineOnly, setOnlineOnly] = useState(false);
  const [editing, setEditing] = useState<TailnetDevice | undefined>(undefined);
  const phone = usePhone();

  const devices = useMemo(() => list.data ?? [], [list.data]);
  const tags = useMemo(() => allTags(devices), [devices]);
  const shown = useMemo(
    () => filterDevices(devices, { text, tag, untagged, onlineOnly }),
    [devices, text, tag, untagged, onlineOnly],
  );

  return (
    <>
      <ViewHeader
        title={t('devicesTitle')}
        subtitle={
          devices.length ? t(pluralKey(lang, devices.length, 'devices'), { n: devices.length }) : undefined
        }
      />
      {me?.canOnboard ? (
        <OnboardFarm />
      ) : (
        <Box sx={{ mb: 2 }}>
          <RoleNotice message="tagsHidden" />
        </Box>
      )}
      {me?.roles.includes('support') && <FleetHygiene />}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data ? (
        <Loading />
      ) : devices.length === 0 ? (
        list.error === undefined && <EmptyState>{t('devicesEmpty')}</EmptyState>
      ) : (
        <>
          <Stack
            direction={{ xs: 'column', md: 'row' }}
            spacing={2}
            sx={{ mb: 2, alignItems: { md: 'center' } }}
          >
            <TextField
              size="small"
              type="search"
              label={t('devicesFilter')}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <TextField
              select
              size="small"
              label={t('filterTag')}
              value={tag}
              onChange={(e) => setTag(e.target.value)}
              sx={{ minWidth: 180 }}
              disabled={untagged}
            >
              <MenuItem value="">{t('filterAllTags')}</MenuItem>
              {tags.map((x) => (
                <MenuItem key={x} value={x}>
                  {x}
                </MenuItem>
              ))}
            </TextField>
            <FormControlLabel
              control={<Checkbox checked={untagged} onChange={(e) => setUntagged(e.target.checked)} />}
              label={t('filterUntagged')}
            />
            <FormControlLabel
              control={<Checkbox checked={onlineOnly} onChange={(e) => setOnlineOnly(e.target.checked)} />}
              label={t('filterOnline')}
            />
          </Stack>
          {shown.length === 0 ? (
            <EmptyState>{t('devicesNoMatch')}</EmptyState>
          ) : phone ? (
            <DeviceCards devices={shown} now={now} onEdit={setEditing} />
          ) : (
            <Paper variant="outlined">
              <TableContainer>
                <Table size="small" aria-label={t('devicesTitle')}>
                  <TableHead>
                    <TableRow>
                      <TableCell>{t('colDevice')}</TableCell>
                      <TableCell>{t('colTags')}</TableCell>
                      <TableCell>{t('colOs')}</TableCell>
                      <TableCell>{t('colClient')}</TableCell>
                      <TableCell>{t('colOnline')}</TableCell>
                      <TableCell>{t('colPath')}</TableCell>
                      <TableCell>{t('colKeyExpiry')}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {shown.map((d) => (
                      <TableRow key={d.id} hover>
                        <TableCell>
                          <strong>{d.name}</strong>
                          <Box sx={{ color: 'text.secondary', fontSize: '0.8em' }}>
                            {[d.dnsName, ...d.ipv4].filter(Boolean).join(' · ')}
                          </Box>
                        </TableCell>
                        <TableCell>
                          {d.tags.length === 0 && (
                            <Box component="span" sx={{ color: 'text.secondary' }}>
                              {t('none')}
                            </Box>
                          )}
                          {d.tags.map((x) => (
                            <Chip
                              key={x}
                              size="small"
                              variant="outlined"
                              label={x}
                              sx={{ mr: 0.5, mb: 0.5 }}
                            />
                          ))}
                          {me?.canEditTags && (
                            <Button
                              size="small"
                              onClick={() => setEditing(d)}
                              aria-label={t('editTagsFor', { name: d.name })}
                            >
                              {t('editTags')}
                            </Button>
                          )}
                        </TableCell>
                        <TableCell>{d.os}</TableCell>
                        <TableCell>
                          {d.clientVersion}
                          {d.updateAvailable && (
                            <Chip
                              size="small"
                              color="info"
                              variant="outlined"
                              label={t('updateAvailable')}
                              sx={{ ml: 0.5 }}
                            />
                          )}
                        </TableCell>
                        <TableCell sx={{ color: d.online ? 'success.main' : 'text.secondary' }}>
                          {d.online
                            ? t('online')
                            : d.lastSeen
                              ? t('offlineSeen', { when: formatRelative(lang, d.lastSeen, now) })
                              : t('offline')}
                        </TableCell>
                        <TableCell>{connectionText(t, d.connection, true)}</TableCell>
                        <TableCell>
                          <KeyExpiry device={d} now={now} />
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            </Paper>
          )}
        </>
      )}
      {editing && (
        <TagEditor
          device={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(updated) => {
            list.setData(devices.map((d) => (d.id === updated.id ? updated : d)));
            setEditing(undefined);
          }}
        />
      )}
    </>
  );
}
