/** One function decides per-farm command rights; the core's Me carries the scope the UI asks it about. */
import { describe, expect, it } from 'vitest';
import { meFromIdentity } from '../../main/core/me.ts';
import { AGROMESH_CAPABILITY, type CallerIdentity, mayCommand, permissionsOf } from '../../protocol/identity.ts';

const who = (grants: unknown[]): CallerIdentity => ({
  address: '100.64.0.9',
  nodeId: 'n1',
  nodeName: 'olga-laptop',
  user: 'olga@example.com',
  userDisplayName: 'Olga',
  tags: [],
  capabilities: { [AGROMESH_CAPABILITY]: grants },
});

describe('per-farm command rights', () => {
  it('lets an operator limited to north command north, from the app, and not south', () => {
    const me = meFromIdentity(who([{ role: 'operator', farms: ['north'] }]), 'localapi');
    expect(me.canCommand).toBe(true);
    expect(mayCommand(me.commandFarms, 'north')).toBe(true);
    expect(mayCommand(me.commandFarms, 'south')).toBe(false);
  });

  it('gives every farm to an unscoped or `*` operator, none to an agronomist', () => {
    expect(permissionsOf(who([{ role: 'operator' }])).canCommand('south')).toBe(true);
    expect(permissionsOf(who([{ role: 'operator', farms: ['*'] }])).canCommand('south')).toBe(true);
    const anna = meFromIdentity(who([{ role: 'agronomist', farms: ['north'] }]), 'localapi');
    expect(anna.canCommand).toBe(false);
    expect(mayCommand(anna.commandFarms, 'north')).toBe(false);
  });

  it('matches a farm by any of its names (id or hostname)', () => {
    const p = permissionsOf(who([{ role: 'operator', farms: ['farm-north.tailnet.ts.net'] }]));
    expect(p.canCommand(['north', 'farm-north.tailnet.ts.net'])).toBe(true);
    expect(p.canCommand(['south', 'farm-south'])).toBe(false);
  });
});
