/** The command log on a phone: one card per command (when, state, farm, what, by whom, why). */
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { formatDateTime } from '../lib/format.ts';
import { commandLine } from '../lib/command-title.ts';
import { routeHref } from '../lib/route.ts';
import { CommandStateChip } from './CommandStateChip.tsx';
import { useEventZoneOf } from '../hooks/useEventZone.ts';

export function CommandCards({
  commands,
  showFarm,
  label,
}: {
  commands: LedgerCommand[];
  showFarm: boolean;
  label: string;
}) {
  const { t, lang } = useApp();
  const zoneOf = useEventZoneOf();
  return (
    <Box
      component="ul"
      aria-label={label}
      sx={{ listStyle: 'none', p: 0, m: 0, display: 'flex', flexDirection: 'column', gap: 1 }}
    >
      {commands.map((c) => {
        return (
          <Paper component="li" variant="outlined" key={c.id} sx={{ p: 1.5, minWidth: 0 }}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
              <Box sx={{ fontSize: '0.85em', color: 'text.secondary', mr: 'auto' }}>
                {formatDateTime(lang, c.createdAt, zoneOf(c.farmId), { seconds: true })}
              </Box>
              <CommandStateChip state={c.state} />
            </Box>
            {showFarm && (
              <Link href={routeHref({ view: 'farm', farmId: c.farmId })} sx={{ fontWeight: 600 }}>
                {c.farmName}
              </Link>
            )}
            <Box sx={{ overflowWrap: 'anywhere' }}>
              {commandLine(lang, c)}
            </Box>
            <Box sx={{ fontSize: '0.85em', color: 'text.secondary', overflowWrap: 'anywhere' }}>
              {t('colBy')}: {c.requestedBy}
              {c.reason ? ` · ${c.reason}` : ''}
            </Box>
          </Paper>
        );
      })}
    </Box>
  );
}
