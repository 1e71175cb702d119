/** Edit a device's ACL tags (support role): comma-separated, each validated like the contract does. */
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { FARM_TAG, type TailnetDevice } from '../../../protocol/device.ts';
import { useApp } from '../app/context.tsx';
import { parseTags } from '../lib/devices.ts';
import { ErrorState } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';
import { useAsync } from '../hooks/useAsync.ts';

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
  const policy = useAsync(() => api.listPolicyTags(), [api]);
  const offered = (policy.data?.tags ?? []).filter((tag) => !tags.includes(tag));
  // Taking tag:farm away removes the farm from the map and the list: say so and ask once more.
  const dropsFarm = device.tags.includes(FARM_TAG) && !tags.includes(FARM_TAG);
  const [confirming, setConfirming] = useState(false);
  const save = () => {
    if (dropsFarm && !confirming) return setConfirming(true);
    void run(async () => onSaved(await api.setDeviceTags({ deviceId: device.id, tags })));
  };
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
        {offered.length > 0 && (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5, alignItems: 'center' }}>
            <Typography variant="body2" color="text.secondary" component="span">
              {t('tagsOffered')}
            </Typography>
            {offered.map((tag) => (
              <Chip
                key={tag}
                size="small"
                label={tag}
                onClick={() => setText([...tags, tag].join(', '))}
                aria-label={t('tagsAdd', { tag })}
              />
            ))}
          </Box>
        )}
        {dropsFarm && confirming && (
          <Alert severity="warning" role="alert" sx={{ mt: 1 }}>
            {t('tagsDropFarm', { name: device.name })}
          </Alert>
        )}
        {error !== undefined && <ErrorState error={error} compact />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {t('cancel')}
        </Button>
        <Button
          variant="contained"
          color={dropsFarm && confirming ? 'warning' : 'primary'}
          onClick={save}
          disabled={busy || invalid.length > 0}
        >
          {dropsFarm && confirming ? t('tagsDropFarmConfirm') : t('save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
