/** The TAILNET_UNSUPPORTED error every backend uses, naming what would make the feature work. */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { TailnetBackendKind } from '../../../protocol/device.ts';
import type { TailnetCapability } from './manager.ts';

const NEEDS_API =
  'needs API access: set TS_API_KEY (or TS_OAUTH_CLIENT_ID and TS_OAUTH_CLIENT_SECRET) for the Tailscale API, or --headscale-url with a Headscale API key';

const HINTS: Record<TailnetBackendKind, Partial<Record<TailnetCapability, string>>> = {
  localapi: {
    setTags: NEEDS_API,
    createAuthKey: NEEDS_API,
    policy: NEEDS_API,
    posture:
      'needs the Tailscale API (TS_API_KEY or an OAuth client with the devices:posture_attributes scope)',
  },
  'api-v2': {
    whois:
      'needs the local tailscaled (LocalAPI): pass --local-api-socket as well, or use the LocalAPI backend',
  },
  headscale: {
    whois: 'needs the local tailscaled (LocalAPI): pass --local-api-socket as well',
    posture: 'is a Tailscale feature Headscale does not have',
  },
};

export function unsupported(kind: TailnetBackendKind, capability: TailnetCapability): AgromeshError {
  const hint = HINTS[kind][capability] ?? 'is not available with this backend';
  return new AgromeshError(
    'TAILNET_UNSUPPORTED',
    `The ${kind} backend cannot do "${capability}": it ${hint}.`,
  );
}
