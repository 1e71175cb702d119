/**
 * Secrets live only in the OS keychain. The Electron adapter implements this with safeStorage; where no
 * keychain exists (the browser host, a Linux box without a keyring) the store refuses and says so, and
 * credentials come from the environment instead (TS_API_KEY, TS_OAUTH_CLIENT_SECRET, HEADSCALE_API_KEY).
 */
import { AgromeshError } from '../../../protocol/errors.ts';
import type { SecretsStatus } from '../../../protocol/app/index.ts';

export type SecretName = SecretsStatus['stored'][number];

export interface SecretStore {
  readonly available: boolean;
  get(name: SecretName): Promise<string | undefined>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
  list(): Promise<SecretName[]>;
}

export function createUnavailableSecretStore(reason: string): SecretStore {
  const refuse = () => Promise.reject(new AgromeshError('SECRETS_UNAVAILABLE', reason));
  return {
    available: false,
    get: () => Promise.resolve(undefined),
    set: refuse,
    delete: refuse,
    list: () => Promise.resolve([]),
  };
}
