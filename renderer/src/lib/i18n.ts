/**
 * A tiny typed dictionary: English is the reference, Russian must have every key (the compiler checks).
 * `{name}` placeholders are filled by `translate`, the one lookup for every view (one dictionary per
 * language). No library: the app has two languages and few plurals.
 */
import { en } from './i18n-en.ts';
import { ru } from './i18n-ru.ts';

export type Lang = 'en' | 'ru';
export type MessageKey = keyof typeof en;
export type Vars = Record<string, string | number>;

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ru };

/** 'system' follows the browser's language; anything that is not Russian falls back to English. */
export function resolveLanguage(setting: 'system' | Lang, navigatorLanguage: string | undefined): Lang {
  if (setting !== 'system') return setting;
  return (navigatorLanguage ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const template = dictionaries[lang][key] ?? en[key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
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
