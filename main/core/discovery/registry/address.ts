/** Registry records are keyed by one spelling of a tailnet address, so `fd7a:…:0::4` and `fd7a:…::4` are the same farm. */
import { ipVersion, isTailnetAddress, normalizeRemoteAddress } from '../../../../protocol/tailnet-address.ts';

/** The canonical form of a tailnet address (IPv4 dotted quad, IPv6 compressed lowercase), or null when it is not one. */
export function canonicalTailnetAddress(raw: string): string | null {
  const ip = normalizeRemoteAddress(raw.trim());
  if (!isTailnetAddress(ip)) return null;
  if (ipVersion(ip) === 4) return ip;
  try {
    // WHATWG URL serialises IPv6 hosts canonically (RFC 5952).
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/** `host:port` for a URL, bracketing IPv6 literals. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Parse `ADDR:PORT` or `[V6]:PORT`; undefined when malformed. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (!m?.[1] || m[2] === undefined) return undefined;
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port > 65535) return undefined;
  return { host: m[1], port };
}
