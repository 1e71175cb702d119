/**
 * A built-in alert rule's name in the UI's language. The core ships them in English under stable ids
 * (main/core/alerts/defaults.ts); once someone renames one, their name is shown as they typed it.
 */
import { en } from './i18n-en.ts';
import type { MessageKey, Vars } from './i18n.ts';

type T = (key: MessageKey, vars?: Vars) => string;

export function ruleDisplayName(t: T, ruleId: string, name: string): string {
  if (!ruleId.startsWith('builtin:')) return name;
  const key = `builtinRule_${ruleId.slice('builtin:'.length)}`;
  if (!Object.hasOwn(en, key)) return name;
  const k = key as MessageKey;
  return en[k] === name ? t(k) : name;
}
