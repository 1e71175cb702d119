/**
 * How a command is named to people wherever it is shown (progress, the commands log, notices): the farm
 * layout's labels in the UI's language, as the confirmation dialog words it; the ids when the core does
 * not know the layout.
 */
import type { LedgerCommand } from '../../../protocol/app/index.ts';
import type { Lang } from './i18n.ts';
import { localLabel } from './local-labels.ts';
import { describeParams } from './params.ts';

export interface CommandWords {
  target: string;
  action: string;
  /** "Duration 15 min", or '' without parameters. */
  params: string;
}

export function commandWords(
  lang: Lang,
  c: Pick<LedgerCommand, 'target' | 'action' | 'params' | 'names'>,
): CommandWords {
  const n = c.names;
  const fields = Object.entries(n?.params ?? {}).map(([name, p]) => ({
    name,
    title: localLabel(lang, p.title, p.titles),
    ...(p.unit ? { unit: p.unit } : {}),
  }));
  return {
    target: n ? localLabel(lang, n.target, n.targetLabels) : c.target,
    action: n ? localLabel(lang, n.action, n.actionLabels) : c.action,
    params: describeParams(c.params, fields),
  };
}

/** "Irrigation valve, zone 1 · Open · Duration 15 min". */
export function commandLine(
  lang: Lang,
  c: Pick<LedgerCommand, 'target' | 'action' | 'params' | 'names'>,
): string {
  const w = commandWords(lang, c);
  return [w.target, w.action, w.params].filter(Boolean).join(' · ');
}
