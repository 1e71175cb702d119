/**
 * Secrets through Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet).
 * On Linux without a keyring safeStorage falls back to a hard-coded key ('basic_text'): we refuse that
 * and tell the user, rather than store a secret in what amounts to plain text.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { AgromeshError } from '../../protocol/errors.ts';
import { registerSecret } from '../../kit/log.ts';
import type { SecretName, SecretStore } from '../core/settings/secret-store.ts';

const StoredSecrets = z.record(z.string(), z.string());

/** Runs synchronous file work so that its errors reject the promise instead of throwing. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

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
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new AgromeshError(
        'SECRETS_UNAVAILABLE',
        `Could not read the secrets file ${file}: ${String(err)}.`,
      );
    }
    try {
      const parsed = StoredSecrets.parse(JSON.parse(text));
      return parsed;
    } catch {
      // Never read a damaged file as empty: the next save would silently drop the other secrets.
      // Keep it, moved aside, and say so; the next save starts a fresh file.
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      throw new AgromeshError(
        'SECRETS_UNAVAILABLE',
        `The secrets file ${file} is damaged, so it was moved to ${aside}. Enter your secrets again in Settings.`,
      );
    }
  };
  const decrypt = (name: SecretName, blob: string): string => {
    try {
      return safeStorage.decryptString(Buffer.from(blob, 'base64'));
    } catch {
      throw new AgromeshError(
        'SECRETS_UNAVAILABLE',
        `The stored ${name} could not be decrypted with this computer's keychain. Enter it again in Settings.`,
      );
    }
  };
  const save = (data: Partial<Record<SecretName, string>>) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(data), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const refuse = () => {
    throw new AgromeshError(
      'SECRETS_UNAVAILABLE',
      `${problem} Use environment variables instead (see docs/tailnet.md).`,
    );
  };
  return {
    available: problem === undefined,
    get: (name) =>
      settle(() => {
        const blob = load()[name];
        if (problem || blob === undefined) return undefined;
        const value = decrypt(name, blob);
        registerSecret(value);
        return value;
      }),
    set: (name, value) =>
      settle(() => {
        if (problem) refuse();
        registerSecret(value);
        save({ ...load(), [name]: safeStorage.encryptString(value).toString('base64') });
      }),
    delete: (name) =>
      settle(() => {
        const data = load();
        delete data[name];
        save(data);
      }),
    list: () => settle(() => (problem ? [] : (Object.keys(load()) as SecretName[]))),
  };
}
