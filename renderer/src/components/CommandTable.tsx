/** Commands as an audit table: when, where, what, by whom, and how it ended (with the reason). */
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Link from '@mui/material/Link';
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { formatDateTime } from '../lib/format.ts';
import { commandWords } from '../lib/command-title.ts';
import { routeHref } from '../lib/route.ts';
import { CommandStateChip } from './CommandStateChip.tsx';
import { CommandCards } from './CommandCards.tsx';
import { usePhone } from '../hooks/usePhone.ts';
import { useEventZoneOf } from '../hooks/useEventZone.ts';

export function CommandTable({
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
  const phone = usePhone();
  if (phone) return <CommandCards commands={commands} showFarm={showFarm} label={label} />;
  return (
    <Paper variant="outlined">
      {/* It scrolls: focusable and named so the keyboard can scroll it too (axe: scrollable-region-focusable). */}
      <TableContainer sx={{ maxHeight: 560 }} tabIndex={0} role="region" aria-label={label}>
        <Table size="small" stickyHeader aria-label={label}>
          <TableHead>
            <TableRow>
              <TableCell>{t('colTime')}</TableCell>
              {showFarm && <TableCell>{t('colFarm')}</TableCell>}
              <TableCell>{t('colTarget')}</TableCell>
              <TableCell>{t('colAction')}</TableCell>
              <TableCell>{t('colParams')}</TableCell>
              <TableCell>{t('colBy')}</TableCell>
              <TableCell>{t('colState')}</TableCell>
              <TableCell>{t('colReason')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {commands.map((c) => {
              const words = commandWords(lang, c);
              return (
                <TableRow key={c.id} hover>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(lang, c.createdAt, zoneOf(c.farmId), { seconds: true })}</TableCell>
                  {showFarm && (
                    <TableCell>
                      <Link href={routeHref({ view: 'farm', farmId: c.farmId })}>{c.farmName}</Link>
                    </TableCell>
                  )}
                  <TableCell>{words.target}</TableCell>
                  <TableCell>{words.action}</TableCell>
                  <TableCell>{words.params || '—'}</TableCell>
                  <TableCell>{c.requestedBy}</TableCell>
                  <TableCell>
                    <CommandStateChip state={c.state} />
                  </TableCell>
                  <TableCell sx={{ maxWidth: 280 }}>{c.reason ?? ''}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}
