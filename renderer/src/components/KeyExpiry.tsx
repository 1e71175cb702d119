/** Key expiry in words; a warning when it is less than 14 days away (or past). */
import Box from '@mui/material/Box';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { keyStatus } from '../lib/devices.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';

export function KeyExpiry({ device, now }: { device: TailnetDevice; now: number }) {
  const { t, lang } = useApp();
  const s = keyStatus(device, now);
  switch (s.kind) {
    case 'disabled':
      return <span>{t('keyExpiryDisabled')}</span>;
    case 'none':
      return <span>{t('unknown')}</span>;
    case 'expired':
      return (
        <Box
          component="span"
          sx={{ color: 'error.main', fontWeight: 600 }}
          title={formatDateTime(lang, s.at)}
        >
          {t('keyExpired', { when: formatRelative(lang, s.at, now) })}
        </Box>
      );
    case 'soon':
      return (
        <Box
          component="span"
          role="alert"
          sx={{ color: 'warning.main', fontWeight: 600 }}
          title={formatDateTime(lang, s.at)}
        >
          {t('keyExpirySoon', { when: formatRelative(lang, s.at, now) })}
        </Box>
      );
    case 'ok':
      return (
        <span title={formatDateTime(lang, s.at)}>
          {t('keyExpiresIn', { when: formatRelative(lang, s.at, now) })}
        </span>
      );
  }
}
