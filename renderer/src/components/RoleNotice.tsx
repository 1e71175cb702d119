/** A hidden control is explained, not silently omitted: what is not allowed, and why (from the tailnet). */
import Alert from '@mui/material/Alert';
import { useApp } from '../app/context.tsx';
import type { MessageKey } from '../lib/i18n.ts';
import { explainMe } from '../lib/me-text.ts';

export function RoleNotice({ message }: { message: MessageKey }) {
  const { me, t, lang } = useApp();
  return (
    <Alert severity="info" role="note">
      {t(message)} {me && explainMe(me, t, lang)}
    </Alert>
  );
}
