/** Names the farm, the actuator, the action and every value before anything is sent. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useApp } from '../app/context.tsx';
import { describeParams, type ParamField, type ParamValue } from '../lib/params.ts';

export interface PendingCommand {
  farmName: string;
  actuatorId: string;
  actuatorLabel: string;
  action: string;
  actionLabel: string;
  params: Record<string, ParamValue>;
  fields: ParamField[];
}

export function ConfirmCommandDialog({
  pending,
  busy,
  onCancel,
  onConfirm,
}: {
  pending: PendingCommand | undefined;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useApp();
  const values = pending ? describeParams(pending.params, pending.fields) : '';
  return (
    <Dialog
      open={pending !== undefined}
      onClose={busy ? undefined : onCancel}
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
    >
      <DialogTitle id="confirm-title">{t('confirmTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText id="confirm-body">
          {pending &&
            t('confirmBody', {
              farm: pending.farmName,
              actuator: pending.actuatorLabel,
              action: pending.actionLabel,
            })}{' '}
          {values ? t('confirmParams', { params: values }) : t('confirmNoParams')}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          {t('cancel')}
        </Button>
        <Button onClick={onConfirm} variant="contained" color="warning" disabled={busy} autoFocus>
          {t('confirmSend')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
