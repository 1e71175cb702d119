/**
 * JSON parsing that keeps 64-bit integers exact. Tailscale's Go structs send int64 IDs (UserID, NodeID)
 * as bare JSON numbers and real IDs exceed 2^53, which `JSON.parse` silently rounds. Here any integer
 * literal that is not a safe integer comes back as its decimal string, so `String(id)` always matches
 * the string keys Go uses for the same ID (e.g. the `User` map in /status).
 */

const INTEGER = /^-?\d+$/;

/**
 * Wrap integer literals that are not safe integers in quotes, outside strings, so a plain JSON.parse
 * keeps them exact. A single pass over char codes with native `indexOf` to skip strings: about 1.5× a bare
 * JSON.parse on a large /status, where a JSON.parse reviver costs 5–9× (bench/tailnet-status.ts).
 */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = text.indexOf('"', i + 1);
      while (j !== -1) {
        let k = j - 1;
        let backslashes = 0;
        while (text.charCodeAt(k) === 92 /* \ */) {
          backslashes++;
          k--;
        }
        if ((backslashes & 1) === 0) break;
        j = text.indexOf('"', j + 1);
      }
      i = j === -1 ? n : j + 1;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 48 && d <= 57) i++;
        else break;
      }
      const next = text.charCodeAt(i);
      if (next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */) {
        i++; // a float: skip the rest of it, it is never an ID
        while (i < n) {
          const e = text.charCodeAt(i);
          if ((e >= 48 && e <= 57) || e === 43 || e === 45 || e === 101 || e === 69 || e === 46) i++;
          else break;
        }
        continue;
      }
      const digits = i - start - (c === 45 ? 1 : 0);
      if (digits >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Parse JSON; unsafe integers become decimal strings. Throws SyntaxError like JSON.parse. */
export function parseLosslessJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
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
