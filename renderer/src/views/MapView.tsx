import { useApp } from '../app/context.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';

export function MapView() {
  const { t } = useApp();
  return <ViewHeader title={t('navMap')} />;
}
