/** Saving a settings patch with honest feedback: busy, saved, or the core's error. */
import { useCallback, useState } from 'react';
import type { Settings } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useAction } from './useAction.ts';

export function useSaver() {
  const { updateSettings } = useApp();
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState(false);
  const save = useCallback(
    async (patch: Partial<Settings>) => {
      setSaved(false);
      setSaved(await run(async () => void (await updateSettings(patch))));
    },
    [updateSettings, run],
  );
  return { save, busy, error, saved };
}
