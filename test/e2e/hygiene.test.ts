/**
 * The fleet-hygiene radar on screen: a support seat on a simulated tailnet (Tailscale API v2 formats) whose
 * farm's node key expires in five days and whose onboarding key lapses tomorrow. Support sees both, with
 * what to do, acts from the keyboard, and sees the radar in Russian and dark too. Build first: `npx vite build`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { type BrowserHost, startBrowserHost } from '../../main/core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { RENDERER_DIR } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');
const DAY = 86_400_000;

describe('fleet hygiene radar in the Devices view', () => {
  let dir: string;
  let sim: SimTailnetHandle;
  let core: AppCore;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let farmId: string;
  let keyId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agromesh-e2e-hygiene-'));
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    sim = await startSimTailnet({ dir });
    const farm = sim.tailnet.addDevice({ name: 'kuban-north', tags: ['tag:farm'] });
    sim.tailnet.setKeyExpiry(farm.stableId, {
      expiry: new Date(Date.now() + 5 * DAY).toISOString(),
      disabled: false,
    });
    farmId = farm.stableId;
    keyId = sim.tailnet.createKey({ tags: ['tag:farm'], expirySeconds: 86_400, description: 'farm east' }).id;
    const seat = sim.tailnet.addDevice({
      name: 'support-desk',
      user: 'sam@example.com',
      capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
    });
    const socket = join(dir, 'support.sock');
    await sim.serveLocalApi(seat.name, socket);
    core = await createAppCore({
      host: 'browser',
      version: '0.0.0-test',
      locale: 'en-GB',
      platform: process.platform,
      dataDir: mkdtempSync(join(dir, 'core-')),
      settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, language: 'en', theme: 'light' }),
      secrets: createUnavailableSecretStore('No keychain in tests.'),
      log: silentLogger,
      simulatedTailnet: {
        localApiSocket: socket,
        selfAddress: seat.ipv4!,
        api: { url: sim.apiUrl, apiKey: sim.apiKey, pollIntervalMs: 1_000 },
      },
      retryMs: 1_000,
    });
    await core.ready;
    host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log: silentLogger });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(15_000);
    await signInPage(page, host);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.dispose();
    await core?.dispose();
    await sim?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows support the soon-expiring node key and onboarding key, with what to do, and acts from the keyboard', async () => {
    await page.goto(`${host.url}#/devices`);
    const radar = page.getByRole('region', { name: 'Fleet hygiene' });
    const table = radar.getByRole('table', { name: 'Fleet hygiene findings' });
    const nodeRow = table.getByRole('row').filter({ hasText: 'kuban-north: the node key expires on' });
    await nodeRow.getByText(/then the node drops off the tailnet and its farm goes offline/).waitFor();
    await nodeRow.getByText('Warning', { exact: true }).waitFor();
    await nodeRow.getByText('in 5 days').waitFor();
    await nodeRow.getByText(/^Disable key expiry for the node/).waitFor();
    const keyRow = table.getByRole('row').filter({ hasText: 'Onboarding key “farm east” expires on' });
    await keyRow.getByRole('button', { name: 'Revoke onboarding key farm east' }).waitFor();
    // The API v2 cannot say whether a key was used: said, not guessed.
    await radar.getByText(/Whether an onboarding key was ever used is not checked/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'fleet-hygiene.png'), fullPage: true });

    // Keyboard only: focus the action, Enter opens the question, Enter on its focused button confirms.
    await nodeRow.getByRole('button', { name: 'Disable key expiry of kuban-north' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Disable key expiry of kuban-north' });
    await dialog.getByText(/Its key then never expires/).waitFor();
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await radar.getByRole('status').getByText('Done: kuban-north.').waitFor();
    await nodeRow.waitFor({ state: 'detached' });
    expect(sim.tailnet.device(farmId)?.keyExpiryDisabled).toBe(true);

    await keyRow.getByRole('button', { name: 'Revoke onboarding key farm east' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke onboarding key farm east' })
      .getByRole('button', { name: 'Revoke key' })
      .click();
    await radar.getByText('Nothing to fix: every check this tailnet allows came out clean.').waitFor();
    expect(sim.tailnet.keys.get(keyId)?.revoked).not.toBeNull();
  });

  it('words the radar in Russian and draws it in the dark theme', async () => {
    sim.tailnet.createKey({ tags: ['tag:farm'], expirySeconds: 2 * 86_400, description: 'farm south' });
    await core.handlers.updateSettings({ language: 'ru', theme: 'dark' });
    await page.goto(`${host.url}#/devices`);
    const radar = page.getByRole('region', { name: 'Гигиена парка' });
    const row = radar
      .getByRole('table', { name: 'Находки гигиены парка' })
      .getByRole('row')
      .filter({ hasText: 'Ключ подключения «farm south» истекает' });
    await row.getByRole('button', { name: 'Отозвать ключ подключения farm south' }).waitFor();
    await row.getByText('Предупреждение', { exact: true }).waitFor();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'fleet-hygiene-dark-ru.png'), fullPage: true });
  });
});
