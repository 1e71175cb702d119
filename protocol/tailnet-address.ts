/**
 * Which addresses belong to a tailnet. The app dials only these (and MagicDNS names);
 * registries and gateways refuse records for anything else.
 */

/** 4 for a dotted-quad IPv4, 6 for an IPv6 literal, 0 otherwise (pure: the renderer imports this too). */
export function ipVersion(ip: string): 0 | 4 | 6 {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip)) return 4;
  if (ip.includes(':') && expandIpv6(ip) !== undefined) return 6;
  return 0;
}

const CGNAT_V4 = { base: 0x64400000, maskBits: 10 }; // 100.64.0.0/10
const TAILNET_V6_PREFIX = [0xfd7a, 0x115c, 0xa1e0]; // fd7a:115c:a1e0::/48

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

function expandIpv6(ip: string): number[] | undefined {
  const zoneless = ip.split('%')[0] ?? '';
  const [head = '', tail] = zoneless.split('::');
  if (zoneless.split('::').length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const a = parse(head);
  const b = tail === undefined ? [] : parse(tail);
  const mapped = b.length > 0 ? b[b.length - 1] : a[a.length - 1];
  if (mapped !== undefined && mapped.includes('.')) return undefined; // mapped forms are handled by callers
  if (![...a, ...b].every((h) => /^[0-9a-f]{1,4}$/i.test(h))) return undefined;
  const missing = 8 - a.length - b.length;
  if (tail === undefined ? a.length !== 8 : missing < 0) return undefined;
  return [...a, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...b].map((h) =>
    Number.parseInt(h, 16),
  );
}

export function isTailnetIPv4(ip: string): boolean {
  if (ipVersion(ip) !== 4) return false;
  const mask = (~0 << (32 - CGNAT_V4.maskBits)) >>> 0;
  return (ipv4ToInt(ip) & mask) >>> 0 === CGNAT_V4.base;
}

export function isTailnetIPv6(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return isTailnetIPv4(mapped[1]);
  const groups = expandIpv6(ip);
  if (groups === undefined) return false;
  return TAILNET_V6_PREFIX.every((g, i) => groups[i] === g);
}

export function isTailnetAddress(ip: string): boolean {
  return isTailnetIPv4(ip) || isTailnetIPv6(ip);
}

export function isLoopbackAddress(ip: string): boolean {
  if (ipVersion(ip) === 4) return ip.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1].startsWith('127.');
  return ip === '::1';
}

/** A MagicDNS name: a tailnet FQDN (`*.ts.net`) or a bare machine name. */
export function isMagicDnsName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (!/^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/i.test(name)) return false;
  return name.endsWith('.ts.net') || !name.includes('.');
}

/** Strip the IPv4-mapped prefix Node puts on dual-stack sockets' remote addresses. */
export function normalizeRemoteAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped?.[1] ?? ip;
}

/**
 * Why a control-plane URL (Tailscale API, Headscale) may not carry an API key, or undefined when it may:
 * `https:` only, except plain `http:` to this computer's loopback (a local Headscale in development).
 */
export function controlPlaneUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.username || url.password) return 'put credentials in the keychain, not in the URL';
  if (url.protocol === 'https:') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol === 'http:' && (host === 'localhost' || isLoopbackAddress(host))) return undefined;
  return `${url.protocol}//${url.host} would send the API key unencrypted: use https:// (plain http only to this computer's loopback)`;
}

/**
 * The canonical form of a tailnet address (IPv4 dotted quad, IPv6 compressed lowercase), or null when it is
 * not one: records are keyed by one spelling, so `fd7a:…:0::4` and `fd7a:…::4` are the same farm.
 */
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
