/** Electron shell edge cases, with stand-ins for Electron: a destroyed window, a damaged secrets file. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const decryptString = vi.fn((b: Buffer) => b.toString('utf8').replace(/^enc:/, ''));
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s: string) => Buffer.from(`enc:${s}`),
    decryptString: (b: Buffer) => decryptString(b),
  },
}));

const { createSafeStorageSecretStore } = await import('../../main/electron/secrets.ts');
const { focusExisting } = await import('../../main/electron/window-options.ts');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agromesh-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('second launch', () => {
  it('does not touch a destroyed window (macOS keeps the app alive) and asks for a new one', () => {
    const gone = {
      isDestroyed: () => true,
      isMinimized: () => {
        throw new TypeError('Object has been destroyed');
      },
      restore: vi.fn(),
      focus: vi.fn(),
    };
    expect(focusExisting(gone)).toBe(false);
    expect(gone.focus).not.toHaveBeenCalled();
    const live = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), focus: vi.fn() };
    expect(focusExisting(live)).toBe(true);
    expect(live.restore).toHaveBeenCalledOnce();
    expect(live.focus).toHaveBeenCalledOnce();
  });
});

describe('secrets file', () => {
  it('never reads a damaged file as empty: it is moved aside with a clear message, not overwritten', async () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(file, '{"tailscale-api-key": "ZW5jOmtleQ==", "webhookTo');
    const store = createSafeStorageSecretStore(file);
    await expect(store.get('tailscale-api-key')).rejects.toMatchObject({
      code: 'SECRETS_UNAVAILABLE',
      message: expect.stringMatching(
        /secrets\.json is damaged, so it was moved to .*secrets\.json\.corrupt-\d+/,
      ),
    });
    const aside = readdirSync(dir).find((f) => f.startsWith('secrets.json.corrupt-'));
    expect(aside && readFileSync(join(dir, aside), 'utf8')).toContain('webhookTo');
    expect(existsSync(file)).toBe(false);
  });

  it('turns a decrypt failure into a coded error naming the secret', async () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ 'tailscale-api-key': Buffer.from('enc:key').toString('base64') }));
    const store = createSafeStorageSecretStore(file);
    await expect(store.get('tailscale-api-key')).resolves.toBe('key');
    decryptString.mockImplementationOnce(() => {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    });
    await expect(store.get('tailscale-api-key')).rejects.toMatchObject({
      code: 'SECRETS_UNAVAILABLE',
      message: expect.stringContaining('tailscale-api-key could not be decrypted'),
    });
  });
});
