/**
 * Support's fleet-hygiene radar: one row per finding (severity as colour and word, what, when, what to do)
 * and the action the backend allows, asked for once in a dialog. Checks the backend could not run are said.
 */
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { HygieneFinding } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useAsync } from '../hooks/useAsync.ts';
import { useNow } from '../hooks/useNow.ts';
import { formatDateTime, formatRelative } from '../lib/format.ts';
import type { MessageKey } from '../lib/i18n.ts';
import { EmptyState, ErrorState, Loading } from './StateViews.tsx';

const SEVERITY_COLOR = { critical: 'error', warning: 'warning', info: 'info' } as const;

export function FleetHygiene() {
  const { api, t, lang } = useApp();
  const now = useNow(60_000);
  const report = useAsync(() => api.getFleetHygiene(), [api]);
  const { reload } = report;
  useEffect(() => api.on('devicesChanged', () => reload()), [api, reload]);
  const [asking, setAsking] = useState<HygieneFinding | undefined>(undefined);
  /** Name of the last finding acted on, for the polite status line. */
  const [done, setDone] = useState('');

  const what = (f: HygieneFinding) => {
    const vars = {
      name: f.name,
      date: f.at ? formatDateTime(lang, f.at) : '—',
      version: f.facts.version ?? '',
      latest: f.facts.latest ?? '',
      then: t(f.facts.consequence === 'farm-offline' ? 'hygieneThen_farm' : 'hygieneThen_node'),
    };
    return t(`hygieneWhat_${f.kind}` as MessageKey, vars);
  };
  const todo = (f: HygieneFinding): string => {
    if (f.kind === 'node-key-expiring' || f.kind === 'node-key-expired') {
      const fix = f.facts.fix;
      return t(
        fix === 'disable'
          ? 'hygieneTodo_nodeKeyDisable'
          : fix === 'reauth-or-admin'
            ? 'hygieneTodo_nodeKeyAdmin'
            : 'hygieneTodo_nodeKey',
      );
    }
    return t(`hygieneTodo_${f.kind}` as MessageKey);
  };

  return (
    <section aria-labelledby="fleet-hygiene-title">
      <Typography id="fleet-hygiene-title" component="h2" variant="h6" sx={{ mt: 1 }}>
        {t('hygieneTitle')}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 1 }}>
        {t('hygieneIntro')}
      </Typography>
      {report.error !== undefined && <ErrorState error={report.error} onRetry={reload} compact />}
      {report.loading && !report.data ? (
        <Loading />
      ) : report.data ? (
        <>
          <Stack spacing={1} sx={{ mb: 1 }}>
            {report.data.skipped.map((s) => (
              <Alert key={s.check} severity="info" variant="outlined" title={s.reason}>
                {t(`hygieneSkip_${s.check}` as MessageKey)}
              </Alert>
            ))}
          </Stack>
          <div role="status" aria-live="polite">
            {done && <Typography sx={{ mb: 1 }}>{t('hygieneDone', { name: done })}</Typography>}
          </div>
          {report.data.findings.length === 0 ? (
            <EmptyState>{t('hygieneEmpty')}</EmptyState>
          ) : (
            <Paper variant="outlined" sx={{ mb: 3 }}>
              <TableContainer>
                <Table size="small" aria-label={t('hygieneTableLabel')}>
                  <TableHead>
                    <TableRow>
                      <TableCell>{t('hygieneColSeverity')}</TableCell>
                      <TableCell>{t('hygieneColWhat')}</TableCell>
                      <TableCell>{t('hygieneColWhen')}</TableCell>
                      <TableCell>{t('hygieneColTodo')}</TableCell>
                      <TableCell>{t('hygieneColAction')}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {report.data.findings.map((f) => (
                      <TableRow key={`${f.kind}:${f.id}`} data-kind={f.kind}>
                        <TableCell>
                          <Chip
                            size="small"
                            color={SEVERITY_COLOR[f.severity]}
                            label={t(`hygieneSev_${f.severity}`)}
                            sx={{ fontWeight: 600 }}
                          />
                        </TableCell>
                        <TableCell>{what(f)}</TableCell>
                        <TableCell>
                          {f.at ? (
                            <time dateTime={f.at} title={formatDateTime(lang, f.at)}>
                              {formatRelative(lang, f.at, now)}
                            </time>
                          ) : (
                            '—'
                          )}
                        </TableCell>
                        <TableCell>{todo(f)}</TableCell>
                        <TableCell>
                          <ActionButton finding={f} onAsk={() => setAsking(f)} />
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            </Paper>
          )}
        </>
      ) : null}
      {asking && (
        <ConfirmAction
          finding={asking}
          onClose={() => setAsking(undefined)}
          onDone={() => {
            setDone(asking.name);
            setAsking(undefined);
            reload();
          }}
        />
      )}
    </section>
  );
}

const LABELS = {
  retag: ['hygieneActRetag', 'hygieneActRetagFor', 'hygieneConfirmRetag'],
  'revoke-key': ['hygieneActRevoke', 'hygieneActRevokeFor', 'hygieneConfirmRevoke'],
  'disable-key-expiry': ['hygieneActDisable', 'hygieneActDisableFor', 'hygieneConfirmDisable'],
} as const satisfies Record<string, readonly [MessageKey, MessageKey, MessageKey]>;

function ActionButton({ finding, onAsk }: { finding: HygieneFinding; onAsk: () => void }) {
  const { t } = useApp();
  const { action } = finding;
  if (action.kind === 'none')
    return (
      <Typography component="span" color="text.secondary" variant="body2">
        {t('hygieneActNone')}
      </Typography>
    );
  const [label, named] = LABELS[action.kind];
  return (
    <Button size="small" variant="outlined" onClick={onAsk} aria-label={t(named, { name: finding.name })}>
      {t(label)}
    </Button>
  );
}

function ConfirmAction({
  finding,
  onClose,
  onDone,
}: {
  finding: HygieneFinding;
  onClose: () => void;
  onDone: () => void;
}) {
  const { api, t } = useApp();
  const { busy, error, run } = useAction();
  const { action } = finding;
  if (action.kind === 'none') return null;
  const [label, named, question] = LABELS[action.kind];
  const perform = async () => {
    if (action.kind === 'retag') await api.setDeviceTags({ deviceId: action.deviceId, tags: action.tags });
    if (action.kind === 'revoke-key') await api.revokeAuthKey({ keyId: action.keyId });
    if (action.kind === 'disable-key-expiry') await api.disableKeyExpiry({ deviceId: action.deviceId });
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby="hygiene-action-title">
      <DialogTitle id="hygiene-action-title">{t(named, { name: finding.name })}</DialogTitle>
      <DialogContent>
        <DialogContentText>{t(question, { name: finding.name })}</DialogContentText>
        {error !== undefined && <ErrorState error={error} compact />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {t('cancel')}
        </Button>
        <Button
          variant="contained"
          autoFocus
          disabled={busy}
          onClick={() => void run(perform).then((ok) => ok && onDone())}
        >
          {t(label)}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
