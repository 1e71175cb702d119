/**
 * Farm metadata in the tailnet policy, on screen: support edits a farm's region on a simulated tailnet
 * (Tailscale API v2 formats, embedded registry) and sees custom:agromesh_region = 'south' "in step" on the
 * farm page; drift made in the admin console shows as "will be updated"; in Russian the section is worded
 * in Russian; a seat with the local tailscaled alone is told the registry alone holds them. Build first:
 * `npx vite build`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { AGROMESH_CAPABILITY } from '../../protocol/identity.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';
import type { AppCore } from '../../main/core/app-core.ts';
import { type BrowserHost, startBrowserHost } from '../../main/core/host/browser-host.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { type SimTailnetHandle, startSimTailnet } from '../../sim/tailnet/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { RENDERER_DIR } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { startSimCore } from '../support/sim-core.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');

describe('tailnet policy attributes on the farm page', () => {
  let dir: string;
  let sim: SimTailnetHandle;
  let core: AppCore;
  let localCore: AppCore;
  let host: BrowserHost;
  let localHost: BrowserHost;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agromesh-e2e-posture-'));
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    sim = await startSimTailnet({ dir });
    sim.tailnet.addDevice({ name: 'kuban-south', tags: ['tag:farm'] });
    ({ core } = await startSimCore({
      sim,
      dir,
      device: {
        name: 'support-desk',
        user: 'sam@example.com',
        capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
      },
      core: {
        settings: createMemorySettingsStore({
          ...DEFAULT_SETTINGS,
          language: 'en',
          theme: 'light',
          registry: { embedded: true },
        }),
      },
    }));
    host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log: silentLogger });
    ({ core: localCore } = await startSimCore({
      sim,
      dir,
      api: false,
      device: {
        name: 'field-laptop',
        user: 'sam@example.com',
        capMap: { [AGROMESH_CAPABILITY]: [{ role: 'support' }] },
      },
      core: { settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, language: 'en', theme: 'light' }) },
    }));
    localHost = await startBrowserHost({ core: localCore, rendererDir: RENDERER_DIR, log: silentLogger });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    page.setDefaultTimeout(15_000);
    await signInPage(page, host);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.dispose();
    await localHost?.dispose();
    await core?.dispose();
    await localCore?.dispose();
    await sim?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('support sets the region and sees the attribute on the device, in step', async () => {
    await page.goto(`${host.url}#/farms/kuban-south`);
    await page.getByRole('heading', { level: 1, name: 'kuban-south' }).waitFor();
    const section = page.getByRole('region', { name: 'Tailnet policy attributes' });
    const region = section.locator('[data-posture-key="custom:agromesh_region"]');
    await region.getByText('—').waitFor();
    await section.getByText('not set').first().waitFor();

    await page.getByRole('button', { name: 'Edit details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit the details of kuban-south' });
    await dialog.getByRole('textbox', { name: 'Region' }).fill('South');
    await dialog.getByRole('textbox', { name: 'Crop' }).fill('Winter wheat');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('region', { name: 'About this farm' }).getByText('Winter wheat').waitFor();
    await region.getByText("'south'").waitFor();
    await section.locator('[data-posture-key="custom:agromesh_crop"]').getByText("'winter_wheat'").waitFor();
    expect(await section.getByText('in step').count()).toBe(2);
    expect(sim.tailnet.device('kuban-south')?.posture['custom:agromesh_region']).toBe('south');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'farm-posture.png'), fullPage: true });
  });

  it('drift from the admin console shows as "will be updated"; the section reads in Russian', async () => {
    sim.tailnet.deletePosture('kuban-south', 'custom:agromesh_region');
    await page.reload();
    const section = page.getByRole('region', { name: 'Tailnet policy attributes' });
    // The wanted value is shown beside the state until the reconcile writes it.
    await section.getByText('will be updated').waitFor();
    await section.locator('[data-posture-key="custom:agromesh_region"]').getByText("'south'").waitFor();

    await core.handlers.updateSettings({ language: 'ru' });
    await page.reload();
    const ru = page.getByRole('region', { name: 'Атрибуты для политики tailnet' });
    await ru
      .getByText(/совпадает|будет обновлён/)
      .first()
      .waitFor();
    await page.getByRole('region', { name: 'О ферме' }).getByText('Культура').waitFor();
  });

  it('a seat with the local tailscaled alone says it cannot, and why', async () => {
    const local = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
    local.setDefaultTimeout(15_000);
    await signInPage(local, localHost);
    await local.goto(`${localHost.url}#/farms/kuban-south`);
    const section = local.getByRole('region', { name: 'Tailnet policy attributes' });
    await section
      .getByText(/^Not supported with the local tailscaled alone: posture attributes need the Tailscale API/)
      .waitFor();
    await section.getByText(/The registry alone holds the region, crop and owner\./).waitFor();
    await local.close();
  });
});
