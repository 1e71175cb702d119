import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FarmSummary } from '../../protocol/app/index.ts';
import { prometheusTargets, writePrometheusSd } from '../../main/cli/prometheus-sd.ts';

const farm = (farmId: string, address: string, dnsName: string) =>
  ({ farmId, address, dnsName, displayName: `${farmId} name` }) as FarmSummary;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('agromesh farms --prometheus-sd', () => {
  it('lists each farm gateway on its tailnet address and port 8080 with farm labels, written atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agromesh-sd-'));
    dirs.push(dir);
    const file = join(dir, 'farms.json');
    const farms = [
      farm('north', '100.64.0.7', 'gw-north.example.ts.net'),
      farm('v6', 'fd7a:115c:a1e0::9', ''),
      farm('unreachable', '', ''),
    ];
    expect(writePrometheusSd(file, farms)).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
      {
        targets: ['100.64.0.7:8080'],
        labels: { farm_id: 'north', farm_name: 'north name', tailnet_node: 'gw-north' },
      },
      {
        targets: ['[fd7a:115c:a1e0::9]:8080'],
        labels: { farm_id: 'v6', farm_name: 'v6 name', tailnet_node: 'fd7a:115c:a1e0::9' },
      },
    ]);
    expect(readdirSync(dir)).toEqual(['farms.json']); // no temporary file left behind
    expect(prometheusTargets([])).toEqual([]);
  });
});
