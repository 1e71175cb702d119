/** Acknowledge an alert with an optional note; Enter in the note field does not submit by accident. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { Alert } from '../../../../protocol/app/index.ts';
import { useApp } from '../../app/context.tsx';
import { ErrorState } from '../../components/StateViews.tsx';
import { translate } from '../../lib/i18n.ts';
import { alertText } from './alert-text.ts';

export function AckDialog({
  alert,
  onClose,
  onDone,
}: {
  alert: Alert;
  onClose: () => void;
  onDone: (a: Alert) => void;
}) {
  const { api, lang, t } = useApp();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = () => {
    setBusy(true);
    setError(undefined);
    api.acknowledgeAlert({ id: alert.id, note }).then(
      (a) => {
        setBusy(false);
        onDone(a);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };
  return (
    <Dialog open onClose={onClose} aria-labelledby="ack-title" fullWidth maxWidth="sm">
      <DialogTitle id="ack-title">{translate(lang, 'acknowledgeTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          {alert.farmName}: {alertText(lang, alert, Date.now())}
        </DialogContentText>
        <TextField
          autoFocus
          fullWidth
          multiline
          minRows={2}
          label={translate(lang, 'acknowledgeNote')}
          helperText={translate(lang, 'acknowledgeHint')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          slotProps={{ htmlInput: { maxLength: 1000 } }}
        />
        {error !== undefined && <ErrorState error={error} compact />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('cancel')}</Button>
        <Button variant="contained" onClick={submit} disabled={busy}>
          {translate(lang, 'acknowledge')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
