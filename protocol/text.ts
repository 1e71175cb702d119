/**
 * Text that is stored must not hold NUL: node:sqlite keeps "A\0B" whole but reads it back as "A", so a
 * note or a name would come back cut short. The one check, applied where JSON enters (HTTP bodies, the
 * app's operations).
 */

/**
 * The path of the first string (or key) in `value` that contains NUL, e.g. `notes` or `tags[2]`; undefined
 * when none does. Iterative: a body nested 10,000 deep must get its 422 from the schema, not overflow here.
 */
export function nulPath(value: unknown): string | undefined {
  // Each entry points at its parent, so a path is spelled only when something is found.
  type Entry = { v: unknown; key: string | number | null; parent: Entry | null };
  const spell = (e: Entry | null, last?: string): string => {
    const parts: string[] = last === undefined ? [] : [last];
    for (let at = e; at && at.key !== null; at = at.parent) {
      parts.push(typeof at.key === 'number' ? `[${at.key}]` : `.${at.key}`);
    }
    const path = parts.reverse().join('');
    return path.startsWith('.') ? path.slice(1) : path || '(value)';
  };
  const stack: Entry[] = [{ v: value, key: null, parent: null }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.v;
    if (typeof v === 'string') {
      if (v.includes('\0')) return spell(e);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: e });
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, child] of Object.entries(v).reverse()) {
        if (key.includes('\0')) return spell(e, `.${key}`);
        stack.push({ v: child, key, parent: e });
      }
    }
  }
  return undefined;
}

export const NUL_MESSAGE = (path: string) => `${path} contains a NUL character, which cannot be stored.`;
