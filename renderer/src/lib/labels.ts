/** Dictionary keys for enum values shown in the top bar (shared with tests). */
import type { AppInfo, Me } from '../../../protocol/app/index.ts';
import type { MessageKey } from './i18n.ts';

export const TAILNET_LABEL: Record<AppInfo['tailnet'], MessageKey> = {
  simulated: 'tailnetSimulated',
  localapi: 'tailnetLocalapi',
  'api-v2': 'tailnetApiV2',
  headscale: 'tailnetHeadscale',
  none: 'tailnetNone',
};

export const ROLE_LABEL: Record<Me['roles'][number], MessageKey> = {
  agronomist: 'roleAgronomist',
  operator: 'roleOperator',
  support: 'roleSupport',
};
