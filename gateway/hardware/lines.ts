/** Splits a byte stream into lines, refusing (and skipping) lines longer than a limit. */
export function lineSplitter(maxLineBytes: number, onLine: (line: string) => void, onTooLong: () => void) {
  let buf = '';
  let skipping = false;
  return (chunk: Buffer | string) => {
    buf += chunk.toString();
    for (;;) {
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > maxLineBytes) {
          if (!skipping) onTooLong();
          skipping = true;
          buf = '';
        }
        return;
      }
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      if (line.length > maxLineBytes) onTooLong();
      else if (line.trim() !== '') onLine(line);
    }
  };
}
