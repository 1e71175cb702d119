/**
 * Secrets through Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet).
 * On Linux without a keyring safeStorage falls back to a hard-coded key ('basic_text'): we refuse that
 * and tell the user, rather than store a secret in what amounts to plain text.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { safeStorage } from 'electron';
import { AgromeshError } from '../../protocol/errors.ts';
import { registerSecret } from '../../kit/log.ts';
import type { SecretName, SecretStore } from '../core/settings/secret-store.ts';

function keychainProblem(): string | undefined {
  if (!safeStorage.isEncryptionAvailable()) return 'No OS keychain is available on this computer.';
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return 'No keyring (GNOME Keyring or KWallet) is running, so secrets would be stored unprotected.';
  }
  return undefined;
}

export function createSafeStorageSecretStore(file: string): SecretStore {
  const problem = keychainProblem();
  const load = (): Partial<Record<SecretName, string>> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretName, string>>;
    } catch {
      return {};
    }
  };
  const save = (data: Partial<Record<SecretName, string>>) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(data), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const refuse = () => {
    throw new AgromeshError('SECRETS_UNAVAILABLE', `${problem} Use environment variables instead (see docs/tailnet.md).`);
  };
  return {
    available: problem === undefined,
    get(name) {
      const blob = load()[name];
      if (problem || blob === undefined) return Promise.resolve(undefined);
      const value = safeStorage.decryptString(Buffer.from(blob, 'base64'));
      registerSecret(value);
      return Promise.resolve(value);
    },
    set(name, value) {
      if (problem) refuse();
      registerSecret(value);
      save({ ...load(), [name]: safeStorage.encryptString(value).toString('base64') });
      return Promise.resolve();
    },
    delete(name) {
      const data = load();
      delete data[name];
      save(data);
      return Promise.resolve();
    },
    list() {
      return Promise.resolve(problem ? [] : (Object.keys(load()) as SecretName[]));
    },
  };
}
