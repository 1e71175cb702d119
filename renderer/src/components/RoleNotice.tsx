/** A hidden control is explained, not silently omitted: what is not allowed, and why (from the tailnet). */
import Alert from '@mui/material/Alert';
import { useApp } from '../app/context.tsx';
import type { MessageKey } from '../lib/i18n.ts';

export function RoleNotice({ message }: { message: MessageKey }) {
  const { me, t } = useApp();
  return (
    <Alert severity="info" role="note">
      {t(message)} {me?.explanation}
    </Alert>
  );
}
