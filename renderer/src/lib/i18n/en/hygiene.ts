/** English messages: fleet hygiene (support). */
export const enHygiene = {
  // fleet hygiene (support)
  hygieneTitle: 'Fleet hygiene',
  hygieneIntro:
    'What to fix before it hurts: node keys about to expire, onboarding keys about to lapse or never used, old gateways and Tailscale clients, gateways without tag:farm, tagged nodes gone quiet for a week.',
  hygieneEmpty: 'Nothing to fix: every check this tailnet allows came out clean.',
  hygieneTableLabel: 'Fleet hygiene findings',
  hygieneColSeverity: 'Severity',
  hygieneColWhat: 'What',
  hygieneColWhen: 'When',
  hygieneColTodo: 'What to do',
  hygieneColAction: 'Action',
  hygieneSev_critical: 'Critical',
  hygieneSev_warning: 'Warning',
  hygieneSev_info: 'Info',
  hygieneThen_farm: 'the node drops off the tailnet and its farm goes offline',
  hygieneThen_node: 'the node drops off the tailnet',
  'hygieneWhat_node-key-expiring': '{name}: the node key expires on {date}; then {then}.',
  'hygieneWhat_node-key-expired': '{name}: the node key expired on {date}; {then}.',
  'hygieneWhat_auth-key-expiring':
    'Onboarding key “{name}” expires on {date}; a farm that has not joined with it by then cannot.',
  'hygieneWhat_auth-key-unused':
    'Onboarding key “{name}” has never been used: anyone holding it can join a node to the tailnet.',
  'hygieneWhat_gateway-outdated':
    '{name}: the farm gateway runs Agromesh {version}, older than this control room’s {latest}.',
  'hygieneWhat_client-update-available': '{name}: Tailscale {version} runs here and an update is available.',
  'hygieneWhat_gateway-untagged':
    '{name}: a farm gateway runs here but the node lacks tag:farm, so the farm is not on the map or the farm list.',
  'hygieneWhat_tagged-node-unseen': '{name}: not seen on the tailnet since {date}.',
  hygieneTodo_nodeKey: 'Sign the node in again (tailscale up --force-reauth on that computer).',
  hygieneTodo_nodeKeyAdmin:
    'Sign the node in again (tailscale up --force-reauth on that computer), or disable key expiry for it in the Tailscale admin console.',
  hygieneTodo_nodeKeyDisable:
    'Disable key expiry for the node (tagged servers need none), or sign it in again (tailscale up --force-reauth).',
  'hygieneTodo_auth-key-expiring':
    'If the farm has yet to join, create a new key under Onboard a farm; revoke keys no longer needed.',
  'hygieneTodo_auth-key-unused': 'Revoke it unless a farm is about to join with it.',
  'hygieneTodo_gateway-outdated': 'Install the current agromesh-gateway package on the farm computer.',
  'hygieneTodo_client-update-available': 'Update Tailscale on that computer (tailscale update).',
  'hygieneTodo_gateway-untagged': 'Add tag:farm to the node.',
  'hygieneTodo_tagged-node-unseen':
    'Check the computer’s power and network; if it was retired, remove it from the tailnet.',
  hygieneActRetag: 'Add tag:farm',
  hygieneActRetagFor: 'Add tag:farm to {name}',
  hygieneActRevoke: 'Revoke key',
  hygieneActRevokeFor: 'Revoke onboarding key {name}',
  hygieneActDisable: 'Disable key expiry',
  hygieneActDisableFor: 'Disable key expiry of {name}',
  hygieneActNone: 'None here',
  hygieneConfirmRetag: 'Add tag:farm to {name}? The farm then appears on the map and in the farm list.',
  hygieneConfirmRevoke:
    'Revoke onboarding key “{name}”? A farm that has not joined with it yet will need a new key.',
  hygieneConfirmDisable:
    'Disable key expiry of {name}? Its key then never expires; you can turn expiry back on in the Tailscale admin console.',
  hygieneDone: 'Done: {name}.',
  'hygieneSkip_auth-keys':
    'Onboarding keys were not checked: this tailnet backend (or its API key) cannot list them.',
  'hygieneSkip_auth-key-usage':
    'Whether an onboarding key was ever used is not checked: the Tailscale API does not say.',
  'hygieneSkip_client-versions':
    'Tailscale client updates are not checked: this backend does not report them for every node.',
  'hygieneSkip_gateway-versions': 'Gateway versions were not checked.',
  'hygieneSkip_gateway-tags': 'Gateways without tag:farm were not checked.',
  'hygieneSkip_node-keys': 'Node keys were not checked.',
  'hygieneSkip_unseen-nodes': 'Silent tagged nodes were not checked.',
} as const;
