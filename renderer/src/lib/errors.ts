/** Errors from the bridge are AgromeshError-shaped ({code, message}); turn any failure into words and advice. */
import type { MessageKey } from './i18n.ts';

export interface ShownError {
  code: string;
  message: string;
}

export function toShownError(err: unknown): ShownError {
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' ? code : 'INTERNAL',
      message: typeof message === 'string' && message !== '' ? message : 'Unexpected error',
    };
  }
  return { code: 'INTERNAL', message: typeof err === 'string' && err !== '' ? err : 'Unexpected error' };
}

const ADVICE: Record<string, MessageKey> = {
  UNAVAILABLE: 'adviceUnavailable',
  LOCALAPI_UNAVAILABLE: 'adviceUnavailable',
  TAILNET_UNREACHABLE: 'adviceTailnetUnreachable',
  TAILNET_AUTH: 'adviceTailnetAuth',
  TAILNET_REJECTED: 'adviceTailnetRejected',
  TAILNET_SCOPE: 'adviceTailnetAuth',
  FORBIDDEN: 'adviceForbidden',
  UNAUTHENTICATED: 'adviceForbidden',
  FARM_UNREACHABLE: 'adviceFarmUnreachable',
  FARM_BAD_RESPONSE: 'adviceFarmUnreachable',
  VALIDATION: 'adviceValidation',
  BAD_REQUEST: 'adviceValidation',
  TIMEOUT: 'adviceTimeout',
  TAILNET_RATE_LIMITED: 'adviceTimeout',
  COMMAND_UNKNOWN_STATE: 'adviceTimeout',
  SECRETS_UNAVAILABLE: 'adviceSecrets',
};

export function adviceFor(code: string): MessageKey {
  return ADVICE[code] ?? 'adviceDefault';
}
