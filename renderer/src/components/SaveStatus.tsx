/** The result of a save, announced politely. */
import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { ErrorState } from './StateViews.tsx';

export function SaveStatus({ saved, error }: { saved: boolean; error: unknown }) {
  const { t } = useApp();
  if (error !== undefined) return <ErrorState error={error} compact />;
  return (
    <Typography role="status" variant="body2" color="success.main" sx={{ minHeight: 20 }}>
      {saved ? t('settingsSaved') : ''}
    </Typography>
  );
}
