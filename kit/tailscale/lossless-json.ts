/**
 * JSON parsing that keeps 64-bit integers exact. Tailscale's Go structs send int64 IDs (UserID, NodeID)
 * as bare JSON numbers and real IDs exceed 2^53, which `JSON.parse` silently rounds. Here any integer
 * literal that is not a safe integer comes back as its decimal string, so `String(id)` always matches
 * the string keys Go uses for the same ID (e.g. the `User` map in /status).
 */

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const INTEGER = /^-?\d+$/;

const keepBigIntegers: Reviver = (_key, value, context) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (INTEGER.test(context.source)) return context.source;
  }
  return value;
};

/** Whether this runtime passes the literal's source text to revivers (V8 ≥ 11.4, Node ≥ 21). */
const SOURCE_TEXT_ACCESS = (() => {
  let seen = false;
  JSON.parse('1', ((_k: string, v: unknown, ctx?: { source?: string }) => {
    seen = ctx?.source === '1';
    return v;
  }) as Reviver as Parameters<typeof JSON.parse>[1]);
  return seen;
})();

/** Fallback: quote integer literals of 16+ digits outside strings before a plain parse. */
function quoteLongIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      if (INTEGER.test(literal) && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(last, i) + '"' + literal + '"';
        last = j;
      }
      i = j - 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Parse JSON; unsafe integers become decimal strings. Throws SyntaxError like JSON.parse. */
export function parseLosslessJson(text: string): unknown {
  if (SOURCE_TEXT_ACCESS) return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
  return JSON.parse(quoteLongIntegers(text));
}

/** An int64 as Go would send it: a safe number, or the exact decimal string of a larger one. */
export type Int64 = number | string;

/** Canonical decimal string of an int64 that came through parseLosslessJson. */
export function int64String(value: Int64): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : value;
}

/**
 * Serialize like JSON.stringify, but emit the given decimal strings as bare JSON numbers where the
 * value is wrapped with `rawInt64` (used by the simulator to answer exactly as Go does).
 */
export function rawInt64(value: string | number): unknown {
  const text = String(value);
  if (!INTEGER.test(text)) throw new TypeError(`not an integer: ${text}`);
  const raw = (JSON as unknown as { rawJSON?: (t: string) => unknown }).rawJSON;
  return raw ? raw(text) : Number(text);
}

export { quoteLongIntegers as _quoteLongIntegersForTest };
