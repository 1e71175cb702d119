/**
 * The seed's tailnet policy in Headscale's dialect (0.29: grants with app capabilities, nodeAttrs; no
 * autogroup:admin, so tags are owned by a real user): only the control room and people reach the Farm
 * API; farms reach the registry but never each other; roles travel as the Agromesh app capability.
 */
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';

export const FARM_API_PORT = 8080;
export const REGISTRY_PORT = 8090;

/** People on the real tailnet: a Headscale user each, one machine each. */
export const PEOPLE = {
  operator: { user: 'olga', grants: [{ role: 'operator', farms: ['*'] }] },
  northOperator: { user: 'nora', grants: [{ role: 'operator', farms: ['farm-1'] }] },
  agronomist: { user: 'anna', grants: [{ role: 'agronomist' }] },
  support: { user: 'sam', grants: [{ role: 'support' }] },
  visitor: { user: 'vic', grants: null },
} as const;

export function seedPolicy(): Record<string, unknown> {
  const people = Object.values(PEOPLE);
  return {
    tagOwners: {
      'tag:farm': ['ops@', 'tag:controlroom'],
      'tag:controlroom': ['ops@'],
      'tag:registry': ['ops@'],
    },
    grants: [
      {
        src: ['tag:controlroom', ...people.filter((p) => p.grants).map((p) => `${p.user}@`)],
        dst: ['tag:farm'],
        ip: [`tcp:${FARM_API_PORT}`],
      },
      // The visitor reaches the port (so the gateway, not the network, is what refuses it).
      { src: [`${PEOPLE.visitor.user}@`], dst: ['tag:farm'], ip: [`tcp:${FARM_API_PORT}`] },
      {
        src: ['tag:controlroom', 'tag:farm', ...people.map((p) => `${p.user}@`)],
        dst: ['tag:registry'],
        ip: [`tcp:${REGISTRY_PORT}`],
      },
      // The app capability's dst includes the caller's own node: the control room learns its own roles
      // from who-is of its own address, which only sees grants whose dst is that node.
      {
        src: ['tag:controlroom'],
        dst: ['tag:farm', 'tag:registry', 'tag:controlroom'],
        app: { [AGROMESH_CAPABILITY]: [{ role: 'operator', farms: ['*'] }] },
      },
      ...people
        .filter((p) => p.grants)
        .map((p) => ({
          src: [`${p.user}@`],
          dst: ['tag:farm', 'tag:registry', 'autogroup:self'],
          app: { [AGROMESH_CAPABILITY]: p.grants },
        })),
    ],
    nodeAttrs: [{ target: ['*'], attr: ['disable-captive-portal-detection'] }],
  };
}
