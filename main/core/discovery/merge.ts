/**
 * Conflict rules when the three sources disagree about a farm:
 *  - the tailnet is right about reachability, tags and addresses (and whether it is a farm at all);
 *  - the gateway (/api/info) is right about its farm id, sensors, actuators and time zone;
 *  - people (registry displayName / locationOverride / notes / region / crop / owner) are right about
 *    names, location, notes and the farm's region, crop and owner.
 * The registry's copy of gateway fields (from heartbeats) only fills in while /api/info is unknown.
 */
import type { FarmRecord } from '../../../protocol/discovery-api.ts';
import type { TailnetDevice } from '../../../protocol/device.ts';
import type { FarmInfo, Location } from '../../../protocol/farm-api.ts';
import type { SensorBrief } from '../../../protocol/app/index.ts';
import { canonicalTailnetAddress } from '../../../protocol/tailnet-address.ts';

export interface MergedFields {
  /** The farm id before de-duplication across nodes. */
  farmId: string;
  address: string;
  dnsName: string;
  displayName: string;
  location: Location | null;
  timeZone: string;
  tags: string[];
  notes: string;
  region: string;
  crop: string;
  owner: string;
  apiPort: number;
}

/** The address the app dials: the node's first IPv4, else its first IPv6 (canonical form). */
export function deviceAddress(device: Pick<TailnetDevice, 'ipv4' | 'ipv6'>): string {
  const raw = device.ipv4[0] ?? device.ipv6[0] ?? '';
  return canonicalTailnetAddress(raw) ?? raw;
}

/** Every canonical address of a device (registry records may be keyed by either family). */
export function deviceAddresses(device: Pick<TailnetDevice, 'ipv4' | 'ipv6'>): string[] {
  return [...device.ipv4, ...device.ipv6].flatMap((a) => canonicalTailnetAddress(a) ?? []);
}

const nonEmpty = (s: string | null | undefined) => (s ? s : undefined);

export function mergeFarm(
  device: TailnetDevice,
  info: FarmInfo | null,
  record: FarmRecord | null,
  defaultPort: number,
): MergedFields {
  return {
    farmId: info?.farmId ?? nonEmpty(record?.farmId) ?? device.name,
    address: deviceAddress(device),
    dnsName: device.dnsName,
    displayName:
      nonEmpty(record?.displayName) ?? nonEmpty(info?.name) ?? nonEmpty(record?.name) ?? device.name,
    location: record?.locationOverride ?? info?.location ?? record?.location ?? null,
    timeZone: nonEmpty(info?.timeZone) ?? nonEmpty(record?.timeZone) ?? 'UTC',
    tags: [...device.tags],
    notes: record?.notes ?? '',
    region: record?.region ?? '',
    crop: record?.crop ?? '',
    owner: record?.owner ?? '',
    apiPort: record?.apiPort ?? defaultPort,
  };
}

/** The gateway is right about its sensors: their ids, labels, units and kinds, in its own order. */
export function sensorBriefs(info: FarmInfo | null): SensorBrief[] {
  return (info?.sensors ?? []).map(({ id, label, labels, unit, kind }) =>
    labels ? { id, label, labels, unit, kind } : { id, label, unit, kind },
  );
}
