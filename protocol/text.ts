/**
 * Text that is stored must not hold NUL: node:sqlite keeps "A\0B" whole but reads it back as "A", so a
 * note or a name would come back cut short. The one check, applied where JSON enters (HTTP bodies, the
 * app's operations).
 */

/** The path of the first string (or key) in `value` that contains NUL, e.g. `notes` or `tags[2]`; undefined when none does. */
export function nulPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes('\0')) return here;
      const found = nulPath(v, here);
      if (found) return found;
    }
  }
  return undefined;
}

export const NUL_MESSAGE = (path: string) => `${path} contains a NUL character, which cannot be stored.`;
