import { useApp } from '../app/context.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';

export function FarmDetailView({ farmId }: { farmId: string }) {
  const { t } = useApp();
  return <ViewHeader title={farmId} subtitle={t('loading')} />;
}
