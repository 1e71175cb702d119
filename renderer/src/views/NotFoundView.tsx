import Typography from '@mui/material/Typography';
import { useApp } from '../app/context.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';

export function NotFoundView() {
  const { t } = useApp();
  return (
    <>
      <ViewHeader title={t('notFound')} />
      <Typography>{t('notFoundBody')}</Typography>
    </>
  );
}
