/**
 * HuJSON (JSON with comments and trailing commas), the Tailscale policy-file format. We only need to
 * read it (validate locally, show it); the control plane keeps the original text with its comments.
 */

/** Standard JSON text for a HuJSON document: comments blanked, trailing commas dropped (offsets kept). */
export function hujsonToJson(text: string): string {
  const out = text.split('');
  let i = 0;
  let lastSignificant = -1; // index of the last non-space, non-comment char
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      lastSignificant = j;
      i = j + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      let j = i;
      while (j < text.length && text[j] !== '\n') j++;
      blank(i, j);
      i = j;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end === -1 ? text.length : end + 2;
      blank(i, j);
      i = j;
      continue;
    }
    if ((c === '}' || c === ']') && lastSignificant >= 0 && out[lastSignificant] === ',') {
      out[lastSignificant] = ' ';
    }
    if (!/\s/.test(c)) lastSignificant = i;
    i++;
  }
  return out.join('');
}

/** Parse HuJSON; throws SyntaxError with the JSON parser's message. */
export function parseHujson(text: string): unknown {
  return JSON.parse(hujsonToJson(text));
}
