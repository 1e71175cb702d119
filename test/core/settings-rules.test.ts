/**
 * Settings a person could save that make no sense are refused with the field and the reason: a registry
 * address that is not http(s) (it read "Saved" for `ftp://💥`), and a reading that turns stale only after
 * its farm is already called offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { dispatch } from '../../main/core/rpc/dispatch.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'agromesh-settings-'));
let core: AppCore;
beforeAll(async () => {
  core = await createAppCore({
    host: 'browser',
    version: '0.0.0-test',
    locale: 'en',
    platform: 'linux',
    dataDir: dir,
    settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, tailnet: { backend: 'headscale' } }),
    secrets: createUnavailableSecretStore('none'),
    log: silentLogger,
  });
});
afterAll(async () => {
  await core.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('settings rules', () => {
  it('refuses a registry address that is not http or https, and keeps the old one', async () => {
    for (const url of ['ftp://💥', 'ftp://registry:8090', 'file:///etc/passwd']) {
      const r = await dispatch(core.handlers, 'updateSettings', { registry: { embedded: false, url } });
      expect(r, url).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(JSON.stringify(r)).toMatch(/http:\/\/ or https:\/\//);
    }
    const ok = await dispatch(core.handlers, 'updateSettings', {
      registry: { embedded: false, url: 'http://registry:8090' },
    });
    expect(ok).toMatchObject({ ok: true, value: { registry: { url: 'http://registry:8090' } } });
  });

  it('refuses "stale after" longer than "offline after", naming the field', async () => {
    const r = await dispatch(core.handlers, 'updateSettings', { staleAfterS: 900, offlineAfterS: 300 });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { field: 'staleAfterS' } },
    });
    expect((await core.handlers.getSettings()).staleAfterS).toBe(DEFAULT_SETTINGS.staleAfterS);
    const ok = await dispatch(core.handlers, 'updateSettings', { staleAfterS: 300, offlineAfterS: 300 });
    expect(ok.ok).toBe(true);
  });
});
