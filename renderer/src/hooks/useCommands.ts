/** The command audit log for a filter, kept live from `commandChanged`. */
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import { useApp } from '../app/context.tsx';
import { mergeCommand } from '../lib/commands.ts';
import { useLiveLoad } from './useLiveLoad.ts';

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

/** `null`: the filter is not valid yet (the view says why), so nothing is asked and nothing is listed. */
export function useCommands(query: CommandQuery | null) {
  const { api } = useApp();
  const limit = query?.limit ?? 200;
  const { data, loading, error, reload } = useLiveLoad<LedgerCommand[]>(
    [],
    JSON.stringify(query),
    () => (query ? api.listCommands({ ...query, limit }) : Promise.resolve([])),
    (setCommands) =>
      api.on('commandChanged', (c) => {
        if (query && matchesQuery(c, query)) setCommands((cur) => mergeCommand(cur, c, limit));
      }),
  );
  return { commands: data, loading, error, reload };
}
