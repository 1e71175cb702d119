/** English messages: farm region, crop and owner, and their tailnet posture attributes. */
export const enPosture = {
  // ---- farm metadata in the tailnet policy (issue 19 item 3): region, crop, owner as posture attributes ----
  farmRegion: 'Region',
  farmCrop: 'Crop',
  farmOwner: 'Owner',
  farmPolicyTextNone: 'not set',
  farmPolicyTextTooLong: 'At most 100 characters.',
  farmPolicyTextHelp:
    'Region, crop and owner are also written to the farm’s tailnet device, so the tailnet policy can match on them.',
  postureSection: 'Tailnet policy attributes',
  postureInStep: 'in step',
  postureWillUpdate: 'will be updated',
  postureUnset: 'not set',
  postureUnusable: 'no Latin letters or digits a policy can match',
  postureUnsupportedHeadscale:
    'Not supported on Headscale: it has no posture attributes, so the registry alone holds the region, crop and owner.',
  postureUnsupportedLocal:
    'Not supported with the local tailscaled alone: posture attributes need the Tailscale API (an API key or OAuth client). The registry alone holds the region, crop and owner.',
  postureError: 'Could not read or write them: {error}',
  postureHelp:
    'Values are written in lowercase with _ between words; the text as typed stays in the registry.',
} as const;
