/**
 * People's details of a farm — name, notes, location, region, crop, owner — shown to everyone and edited (through the registry)
 * by those whose tailnet role allows it; others see why they cannot.
 */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { FarmSummary } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { metadataDraftOf, metadataPatch, POLICY_TEXT_FIELDS } from '../lib/farm-metadata.ts';
import { formatNumber } from '../lib/format.ts';
import { RoleNotice } from './RoleNotice.tsx';
import { ErrorState } from './StateViews.tsx';
import { useAction } from '../hooks/useAction.ts';

const FIELD_LABEL = { region: 'farmRegion', crop: 'farmCrop', owner: 'farmOwner' } as const;

/** The saved details reach every window through farmsChanged; the dialog closes and `onSaved` is told. */
export function FarmAbout({ farm, onSaved }: { farm: FarmSummary; onSaved?: () => void }) {
  const { me, t, lang } = useApp();
  const [editing, setEditing] = useState(false);
  return (
    <Stack spacing={1.5}>
      <Box
        component="dl"
        sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}
      >
        <Box component="dt" sx={{ color: 'text.secondary' }}>
          {t('farmLocation')}
        </Box>
        <Box component="dd" sx={{ m: 0 }}>
          {farm.location
            ? `${formatNumber(lang, farm.location.lat, 4)}, ${formatNumber(lang, farm.location.lon, 4)}`
            : t('farmLocationNone')}
        </Box>
        <Box component="dt" sx={{ color: 'text.secondary' }}>
          {t('farmNotes')}
        </Box>
        <Box component="dd" sx={{ m: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {farm.notes || (
            <Typography component="span" color="text.secondary">
              {t('farmNoNotes')}
            </Typography>
          )}
        </Box>
        {POLICY_TEXT_FIELDS.map((f) => (
          <Box key={f} sx={{ display: 'contents' }}>
            <Box component="dt" sx={{ color: 'text.secondary' }}>
              {t(FIELD_LABEL[f])}
            </Box>
            <Box component="dd" sx={{ m: 0, wordBreak: 'break-word' }} data-field={f}>
              {farm[f] || (
                <Typography component="span" color="text.secondary">
                  {t('farmPolicyTextNone')}
                </Typography>
              )}
            </Box>
          </Box>
        ))}
      </Box>
      {me?.canEditFarmMetadata ? (
        <Box>
          <Button variant="outlined" size="small" onClick={() => setEditing(true)}>
            {t('farmEdit')}
          </Button>
        </Box>
      ) : (
        <RoleNotice message="metadataHidden" />
      )}
      {editing && (
        <FarmMetadataDialog
          farm={farm}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onSaved?.();
          }}
        />
      )}
    </Stack>
  );
}

function FarmMetadataDialog({
  farm,
  onClose,
  onSaved,
}: {
  farm: FarmSummary;
  onClose: () => void;
  onSaved: (f: FarmSummary) => void;
}) {
  const { api, t } = useApp();
  const [draft, setDraft] = useState(() => metadataDraftOf(farm));
  const { busy, error, run } = useAction();
  const { patch, errors } = metadataPatch(draft, farm);
  const helper = (field: keyof typeof errors, fallback = ' ') => {
    const e = errors[field];
    return e ? t(e) : fallback;
  };
  const save = async () => {
    if (!patch) return;
    if (Object.keys(patch).length === 0) return onClose();
    await run(async () => onSaved(await api.updateFarmMetadata({ farmId: farm.farmId, ...patch })));
  };
  return (
    <Dialog
      open
      onClose={busy ? undefined : onClose}
      aria-labelledby="farm-meta-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="farm-meta-title">{t('farmEditTitle', { name: farm.displayName })}</DialogTitle>
      <DialogContent>
        <Box
          component="form"
          id="farm-meta-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TextField
            autoFocus
            fullWidth
            margin="dense"
            label={t('farmName')}
            value={draft.displayName}
            onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
            error={errors.displayName !== undefined}
            helperText={helper('displayName')}
          />
          <TextField
            fullWidth
            multiline
            minRows={3}
            margin="dense"
            label={t('farmNotes')}
            value={draft.notes}
            onChange={(e) => setDraft({ ...draft, notes: e.target.value })}
            error={errors.notes !== undefined}
            helperText={helper('notes')}
          />
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
            <TextField
              fullWidth
              margin="dense"
              label={t('farmLatitude')}
              value={draft.lat}
              onChange={(e) => setDraft({ ...draft, lat: e.target.value })}
              error={errors.lat !== undefined}
              helperText={helper('lat')}
              slotProps={{ htmlInput: { inputMode: 'decimal' } }}
            />
            <TextField
              fullWidth
              margin="dense"
              label={t('farmLongitude')}
              value={draft.lon}
              onChange={(e) => setDraft({ ...draft, lon: e.target.value })}
              error={errors.lon !== undefined}
              helperText={helper('lon')}
              slotProps={{ htmlInput: { inputMode: 'decimal' } }}
            />
          </Stack>
          <Typography variant="body2" color="text.secondary">
            {t('farmLocationHelp')}
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
            {POLICY_TEXT_FIELDS.map((f) => (
              <TextField
                key={f}
                fullWidth
                margin="dense"
                label={t(FIELD_LABEL[f])}
                value={draft[f]}
                onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
                error={errors[f] !== undefined}
                helperText={helper(f)}
              />
            ))}
          </Stack>
          <Typography variant="body2" color="text.secondary">
            {t('farmPolicyTextHelp')}
          </Typography>
        </Box>
        {error !== undefined && <ErrorState error={error} compact />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          {t('cancel')}
        </Button>
        <Button type="submit" form="farm-meta-form" variant="contained" disabled={busy || !patch}>
          {t('save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
