/** Saving a settings patch with honest feedback: busy, saved, or the core's error. */
import { useCallback, useState } from 'react';
import type { Settings } from '../../../preload/contract.ts';
import { useApp } from '../app/context.tsx';

export function useSaver() {
  const { updateSettings } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);
  const save = useCallback(
    async (patch: Partial<Settings>) => {
      setBusy(true);
      setError(undefined);
      setSaved(false);
      try {
        await updateSettings(patch);
        setSaved(true);
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    },
    [updateSettings],
  );
  return { save, busy, error, saved };
}
