/** Command states in words and colours, and merging of live `commandChanged` updates into a list. */
import type { LedgerCommand, LedgerState } from '../../../protocol/app/index.ts';
import type { MessageKey } from './i18n.ts';

export const STATE_LABEL: Record<LedgerState, MessageKey> = {
  sending: 'stateSending',
  queued: 'stateQueued',
  running: 'stateRunning',
  succeeded: 'stateSucceeded',
  failed: 'stateFailed',
  interrupted: 'stateInterrupted',
  expired: 'stateExpired',
  rejected: 'stateRejected',
  unknown: 'stateUnknown',
};

export const STATE_COLOR: Record<LedgerState, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  sending: 'info',
  queued: 'info',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  interrupted: 'warning',
  expired: 'warning',
  rejected: 'error',
  unknown: 'warning',
};

/** Whether a command's state is its last: the one rule, in protocol/farm-api.ts. */

/** Newer updates win (by updatedAt); new commands go on top; the list stays newest-first and bounded. */
export function mergeCommand(
  list: readonly LedgerCommand[],
  update: LedgerCommand,
  limit = 500,
): LedgerCommand[] {
  const i = list.findIndex((c) => c.id === update.id);
  if (i >= 0) {
    const next = [...list];
    next[i] = newerCommand(list[i]!, update);
    return next;
  }
  return [update, ...list]
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, limit);
}

/** The later of two views of one command: by `updatedAt`, then by how much history it has seen. */
export function newerCommand(a: LedgerCommand, b: LedgerCommand): LedgerCommand {
  const ta = Date.parse(a.updatedAt);
  const tb = Date.parse(b.updatedAt);
  if (ta !== tb) return ta > tb ? a : b;
  return b.history.length >= a.history.length ? b : a;
}
