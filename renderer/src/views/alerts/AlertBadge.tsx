/**
 * Count of firing alerts for the app shell. With children it badges them (e.g. the nav icon); alone it is
 * a small chip, hidden at zero. It also shows pushed notices as browser notifications in the browser host
 * (it is always mounted), unless `notify={false}`.
 */
import Badge from '@mui/material/Badge';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import type { ReactNode } from 'react';
import { useApp } from '../../app/context.tsx';
import { translate } from '../../lib/i18n.ts';
import { useBrowserNotices } from './browser-notices.ts';
import { useAlertCounts } from './useAlerts.ts';

const hidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

export function AlertBadge({
  children,
  notify = true,
  spoken = true,
}: {
  children?: ReactNode;
  notify?: boolean;
  /** false when the surrounding control already says the count in its name. */
  spoken?: boolean;
}) {
  const { lang } = useApp();
  const { firing } = useAlertCounts();
  useBrowserNotices(notify);
  const label = translate(lang, 'badge', { n: firing });
  if (children === undefined) {
    if (firing === 0) return null;
    return (
      <Chip
        size="small"
        color="error"
        label={firing > 99 ? '99+' : firing}
        aria-label={label}
        title={label}
      />
    );
  }
  return (
    <Badge badgeContent={firing} max={99} color="error" slotProps={{ badge: { 'aria-hidden': true } }}>
      {children}
      {firing > 0 && spoken && (
        <Box component="span" sx={hidden}>
          {label}
        </Box>
      )}
    </Badge>
  );
}
