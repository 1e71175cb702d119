import Chip from '@mui/material/Chip';
import type { LedgerState } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { STATE_COLOR, STATE_LABEL } from '../lib/commands.ts';

export function CommandStateChip({ state }: { state: LedgerState }) {
  const { t } = useApp();
  return (
    <Chip
      size="small"
      label={t(STATE_LABEL[state])}
      color={STATE_COLOR[state]}
      variant={state === 'succeeded' ? 'filled' : 'outlined'}
    />
  );
}
