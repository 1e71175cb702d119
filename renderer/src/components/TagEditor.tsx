/** Edit a device's ACL tags (support role): comma-separated, each validated like the contract does. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { parseTags } from '../lib/devices.ts';
import { ErrorState } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';

export function TagEditor({
  device,
  onClose,
  onSaved,
}: {
  device: TailnetDevice;
  onClose: () => void;
  onSaved: (d: TailnetDevice) => void;
}) {
  const { api, t } = useApp();
  const [text, setText] = useState(device.tags.join(', '));
  const { busy, error, run } = useAction();
  const { tags, invalid } = parseTags(text);
  const save = () => run(async () => onSaved(await api.setDeviceTags({ deviceId: device.id, tags })));
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby="tag-editor-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="tag-editor-title">{t('editTagsFor', { name: device.name })}</DialogTitle>
      <DialogContent>
        <TextField
          autoFocus
          fullWidth
          margin="dense"
          label={t('tagsInput')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          error={invalid.length > 0}
          helperText={invalid.length ? `${t('tagsInvalid')} ${invalid.join(', ')}` : ' '}
        />
        {error !== undefined && <ErrorState error={error} compact />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {t('cancel')}
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy || invalid.length > 0}>
          {t('save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
