/**
 * The page's typed dictionary: English is the reference, Russian must have every key (the compiler checks).
 * `translate` is the one lookup for every view; the mechanism (language, placeholders) is protocol/i18n.ts,
 * which the desktop shell's own few words use too.
 */
import { en } from './i18n-en.ts';
import { ru } from './i18n-ru.ts';
import { fillTemplate, type Lang, type Vars } from '../../../protocol/i18n.ts';

export { resolveLanguage, type Lang, type Vars } from '../../../protocol/i18n.ts';
export type MessageKey = keyof typeof en;

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ru };

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  return fillTemplate(dictionaries[lang][key] ?? en[key], vars);
}

/** Russian has three plural forms; Intl.PluralRules picks the category, the dictionary holds the words. */
export function pluralKey(lang: Lang, n: number, base: 'farms' | 'devices' | 'commands'): MessageKey {
  const cat = new Intl.PluralRules(lang).select(n);
  const suffix = cat === 'one' ? 'One' : cat === 'few' ? 'Few' : 'Many';
  return `${base}Count${suffix}` as MessageKey;
}

export function localeOf(lang: Lang): string {
  return lang === 'ru' ? 'ru-RU' : 'en-GB';
}
