/** A farm's link samples over [from, to] (getFarmLink), refreshed each minute while the window follows now. */
import { useEffect, useState } from 'react';
import type { FarmLink } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { useAsync } from './useAsync.ts';

const REFRESH_MS = 60_000;

export function useFarmLink(farmId: string, from: number, to: number, live = false) {
  const { api } = useApp();
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setRound((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  return useAsync<FarmLink>(
    () => api.getFarmLink({ farmId, from: Math.floor(from), to: Math.ceil(to) }),
    [api, farmId, Math.floor(from), Math.ceil(to), round],
  );
}
