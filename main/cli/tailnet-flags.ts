/** The backend flags shared by every subcommand that talks to a tailnet (`tailnet`, `farms`). */
import { AgromeshError } from '../../protocol/errors.ts';
import type { Logger } from '../../kit/log.ts';
import type { TailnetConfig } from '../core/tailnet/factory.ts';

export const TAILNET_FLAG_OPTIONS = {
  backend: { type: 'string' },
  'local-api-socket': { type: 'string' },
  'api-url': { type: 'string' },
  tailnet: { type: 'string' },
  'headscale-url': { type: 'string' },
  'headscale-api-key': { type: 'string' },
} as const;

export type TailnetFlagValues = Partial<Record<keyof typeof TAILNET_FLAG_OPTIONS, string | undefined>>;

const BACKENDS = ['auto', 'localapi', 'api-v2', 'headscale'] as const;

/** Flags → TailnetConfig (credentials from flags, else TS_API_KEY / TS_OAUTH_* / HEADSCALE_API_KEY). */
export function tailnetConfigFromFlags(
  v: TailnetFlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): TailnetConfig {
  const backend = v.backend ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new AgromeshError(
      'VALIDATION',
      `--backend must be auto, localapi, api-v2 or headscale (not "${backend}").`,
    );
  }
  return {
    backend: backend as TailnetConfig['backend'],
    env,
    logger,
    ...(v['local-api-socket'] ? { localApiSocket: v['local-api-socket'] } : {}),
    ...(v['api-url'] ? { apiUrl: v['api-url'] } : {}),
    ...(v.tailnet ? { tailnet: v.tailnet } : {}),
    ...(v['headscale-url'] ? { headscaleUrl: v['headscale-url'] } : {}),
    ...(v['headscale-api-key'] ? { headscaleApiKey: v['headscale-api-key'] } : {}),
  };
}
