/** Copies text to the clipboard and says whether it worked. */
import Button from '@mui/material/Button';
import { useState } from 'react';
import { useApp } from '../app/context.tsx';
import { CopyIcon } from './Icons.tsx';

export function CopyButton({ text, what }: { text: string; what: string }) {
  const { t } = useApp();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <Button
        size="small"
        startIcon={<CopyIcon />}
        aria-label={`${t('copy')}: ${what}`}
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          )
        }
      >
        {state === 'copied' ? t('copied') : t('copy')}
      </Button>
      <span role="status" style={{ fontSize: '0.8em' }}>
        {state === 'failed' ? t('copyFailed') : ''}
      </span>
    </>
  );
}
