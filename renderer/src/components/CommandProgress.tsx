/** A sent command's live state, from `commandChanged`, through to succeeded / failed / expired / unknown. */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { isTerminal } from '../../../protocol/farm-api.ts';
import { newerCommand, STATE_LABEL } from '../lib/commands.ts';
import { formatDateTime } from '../lib/format.ts';
import { commandLine } from '../lib/command-title.ts';
import { CommandStateChip } from './CommandStateChip.tsx';
import { useEventZoneOf } from '../hooks/useEventZone.ts';

export function CommandProgress({ initial }: { initial: LedgerCommand }) {
  const { api, bridge, t, lang } = useApp();
  const zoneOf = useEventZoneOf();
  const [cmd, setCmd] = useState(initial);
  useEffect(() => setCmd((cur) => newerCommand(cur.id === initial.id ? cur : initial, initial)), [initial]);
  // Subscribe, then ask once: updates that went out before this listener existed (a quick command can
  // finish before its own send answer is rendered) are in the answer; later ones arrive as events.
  // Asked again after a reconnect, since events may have been missed meanwhile.
  useEffect(() => {
    if (bridge !== 'open') return;
    let live = true;
    const off = api.on('commandChanged', (c) => {
      if (c.id === initial.id) setCmd((cur) => newerCommand(cur, c));
    });
    api.getCommand({ id: initial.id }).then(
      (c) => live && setCmd((cur) => newerCommand(cur, c)),
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, [api, bridge, initial.id]);

  const final = isTerminal(cmd.state);
  return (
    <Alert
      severity={
        cmd.state === 'succeeded'
          ? 'success'
          : cmd.state === 'unknown' || cmd.state === 'expired' || cmd.state === 'interrupted'
            ? 'warning'
            : final
              ? 'error'
              : 'info'
      }
      role="status"
      aria-live="polite"
      sx={{ mt: 1 }}
    >
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <strong>{t('commandLive')}:</strong> {commandLine(lang, cmd)}{' '}
        <CommandStateChip state={cmd.state} />
        <span>{t('commandState', { state: t(STATE_LABEL[cmd.state]) })}</span>
      </Box>
      {!final && cmd.state !== 'unknown' && (
        <LinearProgress sx={{ my: 1 }} aria-label={t(STATE_LABEL[cmd.state])} />
      )}
      {cmd.reason && <Typography variant="body2">{cmd.reason}</Typography>}
      {cmd.state === 'unknown' && <Typography variant="body2">{t('stateUnknownHelp')}</Typography>}
      <Box component="ol" sx={{ m: 0, pl: 2.5, fontSize: '0.85em' }}>
        {cmd.history.map((h, i) => (
          <li key={`${h.state}-${h.at}-${i}`}>
            {formatDateTime(lang, h.at, zoneOf(cmd.farmId), { seconds: true })} — {t(STATE_LABEL[h.state])}
            {h.reason ? `: ${h.reason}` : ''}
          </li>
        ))}
      </Box>
    </Alert>
  );
}
