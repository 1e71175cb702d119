/** The fleet-hygiene radar at fixed clocks: each kind of finding, and the edges of its window. */
import { describe, expect, it } from 'vitest';
import { type TailnetDevice } from '../../protocol/device.ts';
import { compareSemver, fleetHygiene, type HygieneInput } from '../../main/core/hygiene.ts';
import type { AuthKeyInfo } from '../../main/core/tailnet/manager.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function dev(name: string, o: Partial<TailnetDevice> = {}): TailnetDevice {
  const n = name.length;
  return {
    id: `id-${name}`,
    name,
    dnsName: `${name}.tail.ts.net`,
    hostname: name,
    ipv4: [`100.64.0.${n}`],
    ipv6: [],
    tags: ['tag:farm'],
    os: 'linux',
    online: true,
    lastSeen: null,
    keyExpiry: null,
    keyExpiryDisabled: true,
    clientVersion: '1.90.1',
    updateAvailable: false,
    authorized: true,
    owner: 'tagged-devices',
    connection: { kind: 'unknown' },
    source: 'api-v2',
    ...o,
  };
}
const expiring = (inMs: number): Partial<TailnetDevice> => ({
  keyExpiry: iso(NOW + inMs),
  keyExpiryDisabled: false,
});
const key = (id: string, o: Partial<AuthKeyInfo> = {}): AuthKeyInfo => ({
  id,
  description: `Agromesh farm ${id}`,
  expires: iso(NOW + 30 * DAY),
  invalid: false,
  tags: ['tag:farm'],
  ...o,
});

function run(o: Partial<HygieneInput>) {
  return fleetHygiene({
    now: NOW,
    appVersion: '1.4.0',
    backend: 'api-v2',
    devices: [],
    authKeys: [],
    gateways: [],
    can: { retag: true, revokeKey: true, disableKeyExpiry: false },
    ...o,
  });
}
const kinds = (o: Partial<HygieneInput>) => run(o).findings.map((f) => `${f.kind} ${f.name}`);

describe('fleet hygiene', () => {
  it('warns of node keys expiring within 14 days, exactly 14 included, and says what happens', () => {
    const r = run({
      devices: [
        dev('a', expiring(14 * DAY)),
        dev('bb', expiring(14 * DAY + 1)),
        dev('ccc', expiring(2 * DAY)),
        dev('dddd', { ...expiring(DAY), keyExpiryDisabled: true }),
      ],
    });
    expect(r.findings.map((f) => `${f.kind} ${f.name}`)).toEqual([
      'node-key-expiring ccc',
      'node-key-expiring a',
    ]);
    const a = r.findings.find((f) => f.name === 'a')!;
    expect(a).toMatchObject({ severity: 'warning', at: iso(NOW + 14 * DAY), action: { kind: 'none' } });
    expect(a.what).toBe(
      'The node key expires on 2026-06-15; then the node drops off the tailnet; its farm goes offline.',
    );
    expect(a.todo).toMatch(/force-reauth.*disable key expiry/);
  });

  it('flags expired node keys as critical, from the moment of expiry', () => {
    const r = run({ devices: [dev('a', expiring(0)), dev('bb', expiring(-3 * DAY))] });
    expect(r.findings.map((f) => [f.kind, f.severity])).toEqual([
      ['node-key-expired', 'critical'],
      ['node-key-expired', 'critical'],
    ]);
  });

  it('offers to disable key expiry where the backend can (Tailscale API v2)', () => {
    const r = run({
      devices: [dev('a', expiring(DAY))],
      can: { retag: true, revokeKey: true, disableKeyExpiry: true },
    });
    expect(r.findings[0]!.action).toEqual({ kind: 'disable-key-expiry', deviceId: 'id-a' });
    expect(r.findings[0]!.todo).toMatch(/^Disable key expiry/);
  });

  it('warns of onboarding keys expiring within 3 days with a revoke action, skipping invalid keys', () => {
    const r = run({
      authKeys: [
        key('k1', { expires: iso(NOW + 3 * DAY) }),
        key('k2', { expires: iso(NOW + 3 * DAY + 1) }),
        key('k3', { expires: iso(NOW + DAY), invalid: true }),
        key('k4', { expires: null }),
      ],
    });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      kind: 'auth-key-expiring',
      subject: 'auth-key',
      id: 'k1',
      name: 'Agromesh farm k1',
      action: { kind: 'revoke-key', keyId: 'k1' },
    });
    // The Tailscale API lists keys but not their use: said, not guessed.
    expect(r.skipped).toEqual([{ check: 'auth-key-usage', reason: expect.stringMatching(/used/) }]);
  });

  it('names never-used keys where the format says so (Headscale)', () => {
    const r = run({
      backend: 'headscale',
      authKeys: [key('1', { used: false, description: null }), key('2', { used: true })],
    });
    expect(r.findings.map((f) => `${f.kind} ${f.name}`)).toEqual(['auth-key-unused 1']);
    expect(r.skipped.map((s) => s.check)).toEqual(['client-versions']);
  });

  it('says why auth keys were not checked when the backend cannot list them', () => {
    const r = run({ backend: 'localapi', authKeys: null, authKeysUnavailable: 'No API here.' });
    expect(r.skipped).toContainEqual({ check: 'auth-keys', reason: 'No API here.' });
  });

  it('finds gateways older than this control room and clients with an update', () => {
    const devices = [dev('a'), dev('bb'), dev('ccc', { updateAvailable: true, clientVersion: '1.80.0' })];
    const gateways = [
      { address: '100.64.0.1', farmId: 'farm-a', version: '1.3.9' },
      { address: '100.64.0.2', farmId: 'farm-b', version: '1.4.0' },
      { address: '100.64.0.3', farmId: 'farm-c', version: '1.10.0' },
    ];
    const r = run({ devices, gateways });
    expect(r.findings.map((f) => `${f.kind} ${f.name}`)).toEqual([
      'gateway-outdated a',
      'client-update-available ccc',
    ]);
    expect(r.findings[0]!.facts).toMatchObject({ version: '1.3.9', latest: '1.4.0' });
  });

  it('offers tag:farm for a node running a gateway without it, and only with the right to retag', () => {
    const devices = [dev('a', { tags: ['tag:south'] }), dev('bb', { tags: [] })];
    const gateways = [
      { address: '100.64.0.1', farmId: 'farm-a', version: '1.4.0' },
      { address: '100.64.0.2', farmId: 'farm-b', version: '1.4.0' },
    ];
    const r = run({ devices, gateways });
    expect(r.findings.map((f) => f.action)).toEqual([
      { kind: 'retag', deviceId: 'id-a', tags: ['tag:south', 'tag:farm'] },
      { kind: 'retag', deviceId: 'id-bb', tags: ['tag:farm'] },
    ]);
    const readOnly = run({
      devices,
      gateways,
      can: { retag: false, revokeKey: false, disableKeyExpiry: false },
    });
    expect(readOnly.findings.map((f) => f.action.kind)).toEqual(['none', 'none']);
  });

  it('finds tagged nodes not seen for 7 days, exactly 7 included; untagged and online nodes aside', () => {
    const seen = (agoMs: number) => ({ online: false, lastSeen: iso(NOW - agoMs) });
    expect(
      kinds({
        devices: [
          dev('a', seen(7 * DAY)),
          dev('bb', seen(7 * DAY - 1)),
          dev('ccc', { ...seen(30 * DAY), tags: [] }),
          dev('dddd', { online: true, lastSeen: iso(NOW - 30 * DAY) }),
        ],
      }),
    ).toEqual(['tagged-node-unseen a']);
  });

  it('compares versions as semver, a pre-release before its release', () => {
    expect(compareSemver('1.10.0', '1.9.9')).toBe(1);
    expect(compareSemver('1.4.0-rc.1', '1.4.0')).toBe(-1);
    expect(compareSemver('v2.0.0', '2.0.0')).toBe(0);
    expect(compareSemver('dev', '1.0.0')).toBe(0);
  });
});
