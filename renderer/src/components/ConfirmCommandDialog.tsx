/** Names the farm, the actuator, the action and every value before anything is sent. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useApp } from '../app/context.tsx';
import { formatAge } from '../lib/format.ts';
import type { ParamValue } from '../../../protocol/farm-api.ts';
import { describeParams, type ParamField } from '../lib/params.ts';

export interface PendingCommand {
  farmName: string;
  actuatorId: string;
  actuatorLabel: string;
  action: string;
  actionLabel: string;
  params: Record<string, ParamValue>;
  fields: ParamField[];
  /** How long after sending it may still start (the farm refuses it later). */
  deliveryWindowS: number;
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
  const { lang, t } = useApp();
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
        {pending && (
          <DialogContentText sx={{ mt: 1 }}>
            {t('confirmWindow', { window: formatAge(lang, pending.deliveryWindowS) })}
          </DialogContentText>
        )}
      </DialogContent>
      <DialogActions>
        {/* Cancel has the focus: a second Enter must not open a valve. */}
        <Button onClick={onCancel} disabled={busy} autoFocus>
          {t('cancel')}
        </Button>
        <Button onClick={onConfirm} variant="contained" color="warning" disabled={busy}>
          {t('confirmSend')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
