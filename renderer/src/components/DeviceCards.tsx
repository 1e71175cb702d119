/** The device table on a phone: one card per device (name, online, path, key expiry, tags, OS and client). */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { formatRelative } from '../lib/format.ts';
import { connectionText } from './ConnectionPath.tsx';
import { KeyExpiry } from './KeyExpiry.tsx';

export function DeviceCards({
  devices,
  now,
  onEdit,
}: {
  devices: TailnetDevice[];
  now: number;
  onEdit: (device: TailnetDevice) => void;
}) {
  const { me, t, lang } = useApp();
  return (
    <Box
      component="ul"
      aria-label={t('devicesTitle')}
      sx={{ listStyle: 'none', p: 0, m: 0, display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      {devices.map((d) => (
        <Paper component="li" variant="outlined" key={d.id} sx={{ p: 1.5, minWidth: 0 }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
            <Box component="strong" sx={{ mr: 'auto', overflowWrap: 'anywhere' }}>
              {d.name}
            </Box>
            <Box
              component="span"
              sx={{ color: d.online ? 'success.main' : 'text.secondary', fontSize: '0.9em' }}
            >
              {d.online
                ? t('online')
                : d.lastSeen
                  ? t('offlineSeen', { when: formatRelative(lang, d.lastSeen, now) })
                  : t('offline')}
            </Box>
          </Box>
          <Box sx={{ color: 'text.secondary', fontSize: '0.8em', overflowWrap: 'anywhere' }}>
            {[d.dnsName, ...d.ipv4].filter(Boolean).join(' · ')}
          </Box>
          <Box sx={{ fontSize: '0.85em', mt: 0.5 }}>
            {[d.os, d.clientVersion, connectionText(t, d.connection, true)].filter(Boolean).join(' · ')}
            {d.updateAvailable && (
              <Chip
                size="small"
                color="info"
                variant="outlined"
                label={t('updateAvailable')}
                sx={{ ml: 0.5 }}
              />
            )}
          </Box>
          <Box sx={{ fontSize: '0.85em', mt: 0.5 }}>
            {t('colKeyExpiry')}: <KeyExpiry device={d} now={now} />
          </Box>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 0.5, mt: 0.5 }}>
            {d.tags.length === 0 && (
              <Box component="span" sx={{ color: 'text.secondary' }}>
                {t('none')}
              </Box>
            )}
            {d.tags.map((x) => (
              <Chip key={x} size="small" variant="outlined" label={x} />
            ))}
            {me?.canEditTags && (
              <Button size="small" onClick={() => onEdit(d)} aria-label={t('editTagsFor', { name: d.name })}>
                {t('editTags')}
              </Button>
            )}
          </Box>
        </Paper>
      ))}
    </Box>
  );
}
