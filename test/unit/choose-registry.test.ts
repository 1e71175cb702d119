/** With several registries, gateways and control rooms pick the same one: online, lowest address. */
import { describe, expect, it } from 'vitest';
import { chooseRegistry } from '../../protocol/discovery-api.ts';

describe('chooseRegistry', () => {
  it('takes the online registry with the numerically lowest address, IPv4 before IPv6', () => {
    const peers = [
      { address: '100.64.0.10', online: true },
      { address: '100.64.0.9', online: true },
      { address: '100.64.0.2', online: false },
      { address: 'fd7a:115c:a1e0::1', online: true },
    ];
    expect(chooseRegistry(peers)).toBe('100.64.0.9');
    // Listed in any order, the answer is the same.
    expect(chooseRegistry([...peers].reverse())).toBe('100.64.0.9');
    expect(chooseRegistry([{ address: 'fd7a:115c:a1e0::1', online: true }])).toBe('fd7a:115c:a1e0::1');
    expect(chooseRegistry(peers.map((p) => ({ ...p, online: false })))).toBeNull();
  });
});
