/** Copies the core's diagnostics (versions, backend, tailnet state, recent problems — never secrets). */
import Button from '@mui/material/Button';
import { useState } from 'react';
import { useApp } from '../app/context.tsx';
import { formatDiagnostics } from '../lib/diagnostics.ts';
import { CopyIcon } from './Icons.tsx';

export function DiagnosticsButton() {
  const { api, t } = useApp();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(formatDiagnostics(await api.getDiagnostics()));
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span>
      <Button size="small" variant="outlined" startIcon={<CopyIcon />} onClick={() => void copy()}>
        {state === 'copied' ? t('diagnosticsCopied') : t('copyDiagnostics')}
      </Button>{' '}
      <span role="status" style={{ fontSize: '0.8em' }}>
        {state === 'failed' ? t('copyFailed') : ''}
      </span>
    </span>
  );
}
