/** What the person at this computer may do, from the tailnet's who-is of this node (never from settings). */
import {
  AGROMESH_CAPABILITY,
  type CallerIdentity,
  mayCommandAny,
  permissionsOf,
} from '../../protocol/identity.ts';
import type { Me } from '../../protocol/app/index.ts';

export function meFromIdentity(self: CallerIdentity | null, backend: string): Me {
  if (!self) {
    return {
      user: 'unknown',
      displayName: 'Unknown',
      nodeName: '',
      roles: [],
      canCommand: false,
      commandFarms: [],
      canEditTags: false,
      canOnboard: false,
      canEditFarmMetadata: false,
      explanation:
        backend === 'localapi'
          ? 'This computer is not connected to a tailnet. Start Tailscale and sign in, then reopen Agromesh.'
          : 'The tailnet could not say who you are from this computer, so Agromesh gives no role. Run Tailscale on this computer.',
    };
  }
  const p = permissionsOf(self);
  const roles = p.roles;
  const who = `${self.userDisplayName || self.user} on ${self.nodeName}`;
  const explanation =
    roles.length === 0
      ? `The tailnet policy grants ${who} no Agromesh role (app capability ${AGROMESH_CAPABILITY}), so you can watch farms but not send commands, edit tags or onboard farms. Ask your tailnet admin for the operator or support role.`
      : `The tailnet policy grants ${who} the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')}.` +
        (!mayCommandAny(p.commandScope)
          ? ' Commands need the operator role.'
          : p.commandScope === '*'
            ? ''
            : ` Commands are allowed on ${p.commandScope.join(', ')} only.`);
  return {
    user: self.user,
    displayName: self.userDisplayName || self.user,
    nodeName: self.nodeName,
    roles,
    canCommand: mayCommandAny(p.commandScope),
    commandFarms: p.commandScope,
    canEditTags: p.canEditTags,
    canOnboard: p.canOnboard,
    canEditFarmMetadata: p.canEditFarmMetadata,
    explanation,
  };
}
