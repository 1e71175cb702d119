/** Loading, empty and error states in plain words: every list and panel uses these. */
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { useApp } from '../app/context.tsx';
import { adviceFor, toShownError } from '../lib/errors.ts';

export function Loading({ label }: { label?: string }) {
  const { t } = useApp();
  return (
    <Box role="status" sx={{ display: 'flex', alignItems: 'center', gap: 1.5, p: 2 }}>
      <CircularProgress size={20} aria-label={label ?? t('loading')} />
      <Typography color="text.secondary">{label ?? t('loading')}</Typography>
    </Box>
  );
}

export function EmptyState({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <Box role="status" sx={{ p: 3, textAlign: 'center', color: 'text.secondary' }}>
      {title && (
        <Typography component="h2" variant="h6" color="text.primary" gutterBottom>
          {title}
        </Typography>
      )}
      <Typography sx={{ maxWidth: 560, mx: 'auto' }}>{children}</Typography>
    </Box>
  );
}

/** Shows the API's message and what to do about it, with a retry when one makes sense. */
export function ErrorState({
  error,
  onRetry,
  compact,
}: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}) {
  const { t } = useApp();
  const shown = toShownError(error);
  return (
    <Alert
      severity="error"
      sx={{ my: compact ? 1 : 2 }}
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            {t('retry')}
          </Button>
        ) : undefined
      }
    >
      {!compact && <AlertTitle>{t('errorTitle')}</AlertTitle>}
      {shown.message} {t('errorWhatToDo', { advice: t(adviceFor(shown.code)) })}
    </Alert>
  );
}
