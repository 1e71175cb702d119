/** Says honestly when the bridge to the core is down; the last data stays on screen meanwhile. */
import Alert from '@mui/material/Alert';
import { useRef } from 'react';
import { useApp } from '../app/context.tsx';

export function ReconnectBanner() {
  const { bridge, t } = useApp();
  // Once connected, any later 'connecting' is a reconnect attempt, not the first start.
  const everOpen = useRef(false);
  if (bridge === 'open') everOpen.current = true;
  if (bridge === 'open') return null;
  const reconnecting = everOpen.current || bridge === 'closed';
  return (
    <Alert severity={reconnecting ? 'warning' : 'info'} role="status" sx={{ borderRadius: 0 }}>
      {reconnecting ? t('bridgeReconnecting') : t('bridgeConnecting')}
    </Alert>
  );
}
