/**
 * When a command whose outcome was unknown resolves later, say so prominently: the operator may have acted
 * on "unknown" meanwhile, so "it ran after all" or "it never ran" must not hide in a table row.
 */
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import { useEffect, useRef, useState } from 'react';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { isTerminal } from '../../../protocol/farm-api.ts';
import { STATE_LABEL } from '../lib/commands.ts';
import { commandWords } from '../lib/command-title.ts';
import { formatDateTime } from '../lib/format.ts';
import { useEventZoneOf } from '../hooks/useEventZone.ts';

/** At most this many notices stay on screen; older ones are in the commands log. */
const MAX_NOTICES = 3;

export function LateOutcomeNotices() {
  const { api, lang, t } = useApp();
  const zoneOf = useEventZoneOf();
  const [notices, setNotices] = useState<LedgerCommand[]>([]);
  const wasUnknown = useRef(new Set<string>());

  useEffect(
    () =>
      api.on('commandChanged', (c) => {
        if (c.state === 'unknown') {
          wasUnknown.current.add(c.id);
          return;
        }
        if (!isTerminal(c.state) || !wasUnknown.current.delete(c.id)) return;
        setNotices((cur) => [c, ...cur.filter((n) => n.id !== c.id)].slice(0, MAX_NOTICES));
      }),
    [api],
  );

  if (notices.length === 0) return null;
  return (
    // Fixed under the app bar: the operator may be scrolled anywhere when the outcome arrives.
    <Stack
      spacing={0.5}
      sx={{
        position: 'fixed',
        top: 56,
        right: 16,
        left: { xs: 16, sm: 'auto' },
        width: { sm: 480 },
        zIndex: (theme) => theme.zIndex.snackbar,
      }}
    >
      {notices.map((c) => {
        const ran = c.state === 'succeeded';
        return (
          <Alert
            key={c.id}
            role="alert"
            severity={ran ? 'warning' : c.state === 'expired' ? 'info' : 'error'}
            variant="filled"
            onClose={() => setNotices((cur) => cur.filter((n) => n.id !== c.id))}
            slotProps={{ closeButton: { 'aria-label': t('lateDismiss') } }}
          >
            <AlertTitle>
              {t(ran ? 'lateRanTitle' : 'lateNotRunTitle', {
                ...commandWords(lang, c),
                farm: c.farmName,
              })}
            </AlertTitle>
            {t(ran ? 'lateRanBody' : 'lateNotRunBody', {
              sent: formatDateTime(lang, c.createdAt, zoneOf(c.farmId), { seconds: true }),
              at: formatDateTime(lang, c.updatedAt, zoneOf(c.farmId), { seconds: true }),
              state: t(STATE_LABEL[c.state]),
              reason: c.reason ?? '',
            })}
          </Alert>
        );
      })}
    </Stack>
  );
}
