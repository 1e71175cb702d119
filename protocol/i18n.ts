/**
 * The app's one translation mechanism, shared by the renderer and the desktop shell (each keeps its own
 * dictionaries: the shell's menu and tray words are not the page's): which language, and `{name}`
 * placeholders filled from values. Two languages and few plurals need no library.
 */
export type Lang = 'en' | 'ru';
export type Vars = Record<string, string | number>;

/** 'system' follows the OS or browser locale; anything that is not Russian falls back to English. */
export function resolveLanguage(setting: 'system' | Lang, locale: string | undefined): Lang {
  if (setting !== 'system') return setting;
  return (locale ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** `{name}` replaced by `vars[name]`; a name without a value stays as written, so a gap shows. */
export function fillTemplate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}
