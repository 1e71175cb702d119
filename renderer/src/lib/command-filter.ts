/**
 * The commands log's filter, checked before anything is asked: a refused filter says why beside its field
 * instead of a raw validation message or a misleading "no commands yet".
 */
import { CommandFilter } from '../../../protocol/app/index.ts';
import type { MessageKey } from './i18n.ts';

/** The core's bound on the person filter (CommandFilter.requestedBy). */
export const PERSON_FILTER_MAX = CommandFilter.shape.requestedBy.unwrap().maxLength ?? 200;

export function commandFilterProblems(
  person: string,
  fromMs: number | undefined,
  toMs: number | undefined,
): { person?: MessageKey; to?: MessageKey } {
  return {
    ...(person.trim().length > PERSON_FILTER_MAX ? { person: 'filterTooLong' as const } : {}),
    ...(fromMs !== undefined && toMs !== undefined && fromMs > toMs
      ? { to: 'filterToBeforeFrom' as const }
      : {}),
  };
}
