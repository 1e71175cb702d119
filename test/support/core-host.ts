/** Starts an app core behind the browser host on 127.0.0.1, the way `agromesh host` does. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../kit/log.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { type BrowserHost, startBrowserHost } from '../../main/core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';

export const RENDERER_DIR = join(process.cwd(), 'dist', 'renderer');

export async function startCoreHost(): Promise<{
  core: AppCore;
  host: BrowserHost;
  dispose: () => Promise<void>;
}> {
  const core = await createAppCore({
    host: 'browser',
    version: '0.0.0-test',
    locale: 'en-US',
    platform: process.platform,
    dataDir: mkdtempSync(join(tmpdir(), 'agromesh-core-')),
    settings: createMemorySettingsStore(),
    secrets: createUnavailableSecretStore('No keychain in tests.'),
    log: silentLogger,
  });
  const host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log: silentLogger });
  return {
    core,
    host,
    dispose: async () => {
      await host.dispose();
      await core.dispose();
    },
  };
}
