/** Tailnet device helpers: key-expiry warnings, filters, tag parsing. */
import type { TailnetDevice } from '../../../protocol/device.ts';

export const KEY_WARN_DAYS = 14;
const DAY_MS = 86_400_000;

export type KeyStatus =
  | { kind: 'disabled' }
  | { kind: 'none' }
  | { kind: 'expired'; at: string }
  | { kind: 'soon'; at: string }
  | { kind: 'ok'; at: string };

export function keyStatus(d: Pick<TailnetDevice, 'keyExpiry' | 'keyExpiryDisabled'>, now: number): KeyStatus {
  if (d.keyExpiryDisabled) return { kind: 'disabled' };
  if (!d.keyExpiry) return { kind: 'none' };
  const at = Date.parse(d.keyExpiry);
  if (Number.isNaN(at)) return { kind: 'none' };
  if (at <= now) return { kind: 'expired', at: d.keyExpiry };
  if (at - now < KEY_WARN_DAYS * DAY_MS) return { kind: 'soon', at: d.keyExpiry };
  return { kind: 'ok', at: d.keyExpiry };
}

export interface DeviceFilter {
  tag: string;
  untagged: boolean;
  onlineOnly: boolean;
  text: string;
}

export function filterDevices(devices: readonly TailnetDevice[], f: DeviceFilter): TailnetDevice[] {
  const needle = f.text.trim().toLowerCase();
  return devices.filter(
    (d) =>
      (!f.untagged || d.tags.length === 0) &&
      (f.tag === '' || d.tags.includes(f.tag)) &&
      (!f.onlineOnly || d.online) &&
      (needle === '' ||
        d.name.toLowerCase().includes(needle) ||
        d.dnsName.toLowerCase().includes(needle) ||
        d.ipv4.some((a) => a.includes(needle)) ||
        d.owner.toLowerCase().includes(needle)),
  );
}

export function allTags(devices: readonly Pick<TailnetDevice, 'tags'>[]): string[] {
  return [...new Set(devices.flatMap((d) => d.tags))].sort();
}

export const TAG_RE = /^tag:[a-z0-9-]+$/i;

/** "tag:farm, tag:north" → tags, or the entries that are not valid tags. */
export function parseTags(text: string): { tags: string[]; invalid: string[] } {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const tags = [...new Set(parts.filter((p) => TAG_RE.test(p)))];
  return { tags, invalid: parts.filter((p) => !TAG_RE.test(p)) };
}
