/** 'system' follows prefers-color-scheme. */
export function resolveThemeMode(
  setting: 'system' | 'light' | 'dark',
  prefersDark: boolean,
): 'light' | 'dark' {
  return setting === 'system' ? (prefersDark ? 'dark' : 'light') : setting;
}
