/** The alert rules: a table with scope and condition in words, an on/off switch, edit and delete. */
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { AlertRule, FarmSummary } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { ErrorState, Loading } from '../../components/StateViews.tsx';
import { useAsync } from '../../hooks/useAsync.ts';
import { ruleDisplayName } from '../../lib/rule-name.ts';
import { conditionText } from './alert-text.ts';
import { RuleDialog } from './RuleDialog.tsx';
import { SeverityChip } from './SeverityChip.tsx';

/** "All farms", "North field", "North field · t1". */
export function scopeText(rule: AlertRule, farmName: (id: string) => string, allFarms: string): string {
  if (rule.farmId === null) return allFarms;
  return rule.sensorId === null ? farmName(rule.farmId) : `${farmName(rule.farmId)} · ${rule.sensorId}`;
}

export function RulesPanel({ farms }: { farms: readonly FarmSummary[] }) {
  const { api, lang, t } = useApp();
  const { data, error, loading, reload, setData } = useAsync(() => api.listAlertRules(), [api]);
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const farmName = (id: string) => farms.find((f) => f.farmId === id)?.displayName ?? id;
  const rules = data ?? [];

  const toggle = (rule: AlertRule, enabled: boolean) => {
    setActionError(undefined);
    const { id, name, severity, farmId, sensorId, condition, notify, webhookUrl } = rule;
    api
      .saveAlertRule({ id, name, enabled, severity, farmId, sensorId, condition, notify, webhookUrl })
      .then((saved) => setData(rules.map((r) => (r.id === saved.id ? saved : r))), setActionError);
  };
  const remove = (rule: AlertRule) => {
    setActionError(undefined);
    api.deleteAlertRule({ id: rule.id }).then(() => {
      setDeleting(null);
      reload();
    }, setActionError);
  };

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1 }}>
          {t('rulesIntro')}
        </Typography>
        <Button variant="contained" onClick={() => setEditing('new')}>
          {t('addRule')}
        </Button>
      </Stack>
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {actionError !== undefined && <ErrorState error={actionError} compact />}
      {loading && !data ? (
        <Loading />
      ) : (
        <TableContainer>
          <Table size="small" aria-label={t('rulesTable')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('colRule')}</TableCell>
                <TableCell>{t('colScope')}</TableCell>
                <TableCell>{t('colCondition')}</TableCell>
                <TableCell>{t('colSeverity')}</TableCell>
                <TableCell>{t('colOn')}</TableCell>
                <TableCell>{t('colActions')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rules.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>
                    {ruleDisplayName(t, r.id, r.name)}{' '}
                    {r.builtin && <Chip size="small" variant="outlined" label={t('builtin')} />}
                  </TableCell>
                  <TableCell>{scopeText(r, farmName, t('scopeAll'))}</TableCell>
                  <TableCell>{conditionText(lang, r)}</TableCell>
                  <TableCell>
                    <SeverityChip severity={r.severity} />
                  </TableCell>
                  <TableCell>
                    <Switch
                      checked={r.enabled}
                      onChange={(e) => toggle(r, e.target.checked)}
                      slotProps={{
                        input: { 'aria-label': t('enabledAria', { name: ruleDisplayName(t, r.id, r.name) }) },
                      }}
                    />
                  </TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      onClick={() => setEditing(r)}
                      aria-label={t('editRuleAria', { name: ruleDisplayName(t, r.id, r.name) })}
                    >
                      {t('editRule')}
                    </Button>
                    {!r.builtin && (
                      <Button
                        size="small"
                        color="error"
                        onClick={() => setDeleting(r)}
                        aria-label={t('deleteRuleAria', { name: r.name })}
                      >
                        {t('deleteRule')}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {editing !== null && (
        <RuleDialog
          rule={editing === 'new' ? null : editing}
          farms={farms}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {deleting && (
        <Dialog open onClose={() => setDeleting(null)} aria-describedby="delete-rule-text">
          <DialogContent>
            <DialogContentText id="delete-rule-text">
              {t('deleteConfirm', { name: deleting.name })}
            </DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setDeleting(null)}>{t('cancel')}</Button>
            <Button color="error" variant="contained" onClick={() => remove(deleting)}>
              {t('delete')}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Stack>
  );
}
