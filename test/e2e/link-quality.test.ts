/**
 * Link quality as a person sees it, against the real simulated world (sim/demo-world.ts): two farm
 * gateways, one reached directly but relayed for a few seconds every few seconds (link weather), one always
 * through DERP; an app core sampling every second; the browser host; Chromium. The farm page shows the band
 * under each history chart (segments named with their path and round trip) and the Link card.
 * Build first: `npx vite build`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kit/log.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { type BrowserHost, startBrowserHost } from '../../main/core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';
import { DEMO_FARMS, type DemoWorld, startDemoWorld } from '../../sim/demo-world.ts';
import { launchChromium } from '../support/chromium.ts';
import { RENDERER_DIR } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { waitFor } from '../support/wait-for.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');

describe('link quality on the farm page', () => {
  let dir: string;
  let world: DemoWorld;
  let browser: Browser;
  let core: AppCore;
  let host: BrowserHost;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agromesh-e2e-link-'));
    [world, browser] = await Promise.all([
      startDemoWorld({
        dir,
        farms: DEMO_FARMS.filter((f) => f.id === 'kuban-north' || f.id === 'rostov-dairy'),
        backfillHours: 2,
        linkWeather: [
          { node: 'gw-kuban-north', everyMs: 4_000, forMs: 2_000, change: { kind: 'relay', region: 'fra' } },
        ],
      }),
      launchChromium(),
    ]);
    const seat = await world.seat('operator');
    core = await createAppCore({
      host: 'browser',
      version: '0.0.0-test',
      locale: 'en-GB',
      platform: process.platform,
      dataDir: mkdtempSync(join(dir, 'core-')),
      settings: createMemorySettingsStore({ ...DEFAULT_SETTINGS, language: 'en', theme: 'light' }),
      secrets: createUnavailableSecretStore('No keychain in tests.'),
      log: silentLogger,
      simulatedTailnet: { localApiSocket: seat.localApiSocket, selfAddress: seat.tailnetAddress },
      retryMs: 1_000,
      linkTuning: { intervalMs: 1_000, pingEveryMs: 1_000, pingTimeoutMs: 1_000 },
    });
    await core.ready;
    host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log: silentLogger });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(15_000);
    await signInPage(page, host);
  }, 90_000);

  afterAll(async () => {
    await host?.dispose();
    await core?.dispose();
    await browser?.close();
    await world?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows the path under each chart and the Link card, direct and relayed with round trips', async () => {
    // Samples first (the page fetches once a minute): both paths seen, with pings.
    await waitFor(
      async () => {
        const link = await core.handlers.getFarmLink({
          farmId: 'kuban-north',
          from: Date.now() - 3_600_000,
          to: Date.now(),
        });
        const kinds = new Set(link.samples.filter((s) => s.rttMs !== null).map((s) => s.kind));
        return kinds.has('direct') && kinds.has('relayed');
      },
      30_000,
      'direct and relayed samples of Kuban North',
    );
    await page.goto(`${host.url}#/farms/kuban-north`);
    await page.getByRole('heading', { level: 1, name: 'Kuban North' }).waitFor();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: '1 h' }).click();
    const chart = history.getByRole('figure', { name: /^Chart of Soil moisture, zone 1 in %/ });
    const band = chart.getByRole('group', { name: 'Link to the farm over this range' });
    await band.waitFor({ timeout: 30_000 });
    await band
      .getByRole('img', { name: /^direct, \d\d:\d\d–\d\d:\d\d, round trip \d+ ms$/ })
      .first()
      .waitFor();
    await band
      .getByRole('img', { name: /^relayed via DERP fra, \d\d:\d\d–\d\d:\d\d, round trip \d+ ms$/ })
      .first()
      .waitFor();
    // Before the app started there were no samples: said so, with a tooltip on hover.
    const unsampled = band.getByRole('img', { name: /^not sampled, / }).first();
    await unsampled.hover();
    await page
      .getByRole('tooltip')
      .getByText(/^not sampled, \d\d:\d\d–\d\d:\d\d$/)
      .waitFor();

    const card = page.getByRole('region', { name: 'Link' });
    await card.getByText('The last 7 days, as this control room reached the farm.').waitFor();
    const value = (term: string) => card.locator('dt', { hasText: term }).locator('+ dd');
    await expect.poll(() => value('Now').textContent()).toMatch(/^(direct|relayed via DERP fra)/);
    expect(await value('Median round trip').textContent()).toMatch(/^\d+ ms$/);
    expect(await value('Worst round trip').textContent()).toMatch(/^\d+ ms$/);
    expect(await value('Time relayed').textContent()).toMatch(/\(\d+(\.\d)? %\)$/);
    expect(await value('DERP regions used').textContent()).toBe('fra');
    expect(await value('Reconnects').textContent()).toBe('0');
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'link-quality.png'), fullPage: true });
  });

  it('a farm that is always relayed shows only relayed time, through its region', async () => {
    await waitFor(
      async () =>
        (
          await core.handlers.getFarmLink({
            farmId: 'rostov-dairy',
            from: Date.now() - 60_000,
            to: Date.now(),
          })
        ).summary.pings > 0,
      30_000,
      'a ping to Rostov Dairy',
    );
    await page.goto(`${host.url}#/farms/rostov-dairy`);
    const card = page.getByRole('region', { name: 'Link' });
    const value = (term: string) => card.locator('dt', { hasText: term }).locator('+ dd');
    await expect.poll(() => value('Time relayed').textContent()).toMatch(/\(100 %\)$/);
    expect(await value('DERP regions used').textContent()).toBe('waw');
    expect(await value('Now').textContent()).toMatch(/^relayed via DERP waw · \d+ ms$/);
  });
});
