/** The command audit log for a filter, kept live from `commandChanged`. */
import { useEffect, useState } from 'react';
import type { LedgerCommand } from '../../../preload/contract.ts';
import { useApp } from '../app/context.tsx';
import { mergeCommand } from '../lib/commands.ts';

export interface CommandQuery {
  farmId?: string;
  requestedBy?: string;
  from?: number;
  to?: number;
  limit?: number;
}

export function matchesQuery(c: LedgerCommand, q: CommandQuery): boolean {
  if (q.farmId && c.farmId !== q.farmId) return false;
  if (q.requestedBy && !c.requestedBy.toLowerCase().includes(q.requestedBy.toLowerCase())) return false;
  const created = Date.parse(c.createdAt);
  if (q.from !== undefined && created < q.from) return false;
  if (q.to !== undefined && created > q.to) return false;
  return true;
}

export function useCommands(query: CommandQuery) {
  const { api } = useApp();
  const [commands, setCommands] = useState<LedgerCommand[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  const key = JSON.stringify(query);

  useEffect(() => {
    let live = true;
    const off = api.on('commandChanged', (c) => {
      if (matchesQuery(c, query)) setCommands((cur) => mergeCommand(cur, c, query.limit ?? 200));
    });
    setLoading(true);
    setError(undefined);
    api.listCommands({ ...query, limit: query.limit ?? 200 }).then(
      (list) => {
        if (!live) return;
        setCommands(list);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, round]);

  return { commands, loading, error, reload: () => setRound((r) => r + 1) };
}
