/** `host:port` as written in URLs and flags, with IPv6 literals in brackets. The one parser and printer. */

/** `host:port` for a URL or a message, bracketing IPv6 literals. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** `ADDR:PORT`, `[V6]:PORT` or `:PORT` (host then ''); undefined when malformed or the port is over 65535. */
export function splitHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  if (!m || m[3] === undefined) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '', port };
}
