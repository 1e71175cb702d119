/**
 * `agromesh farms --prometheus-sd FILE`: the farms discovery found, as a Prometheus file_sd target list
 * (docs/monitoring.md). Written to a temporary file and renamed, so Prometheus never reads half a file.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FarmSummary } from '../../protocol/app/index.ts';
import { FARM_HTTP_PORT } from '../../protocol/farm-api.ts';
import { hostPort } from '../../protocol/host-port.ts';

export interface SdGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** One group per farm: its gateway's tailnet `host:port`, labelled with the farm id, name and tailnet node. */
export function prometheusTargets(farms: readonly FarmSummary[]): SdGroup[] {
  return farms
    .filter((f) => f.address !== '')
    .map((f) => ({
      targets: [hostPort(f.address, FARM_HTTP_PORT)],
      labels: {
        farm_id: f.farmId,
        farm_name: f.displayName,
        tailnet_node: f.dnsName.split('.')[0] || f.address,
      },
    }));
}

export function writePrometheusSd(file: string, farms: readonly FarmSummary[]): number {
  const groups = prometheusTargets(farms);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(groups, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, file);
  return groups.length;
}
