/**
 * The page's Content-Security-Policy names only the tile origin the user configured (issue 12): with no
 * online tiles no https image loads at all; after choosing a tile server the page reloads itself, its
 * tiles load from that origin, and an image from any other origin is still refused by the browser.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { ROLES, makeFarms } from '../renderer/fixtures.ts';
import { installFakeFarms } from './support/fake-farms.ts';
import { waitFor } from '../support/wait-for.ts';

// A 1×1 transparent PNG, so a tile that is allowed really loads.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** Loads an image from `url` in the page; says whether the policy blocked it (no request leaves then). */
const probeImage = (url: string) => `new Promise((resolve) => {
  const onViolation = (e) => { if (e.blockedURI.startsWith(${JSON.stringify(url)})) resolve('blocked'); };
  document.addEventListener('securitypolicyviolation', onViolation);
  const img = new Image();
  img.onload = () => resolve('loaded');
  img.src = ${JSON.stringify(url)};
})`;

describe('map tiles and the page policy', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    ctx = await startCoreHost();
    installFakeFarms(ctx.core, { farms: makeFarms(3, { now: Date.now() }), me: ROLES.support });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    // Nothing leaves the machine: every https request is answered here, and recorded.
    await page.route('https://**/*', (route) => {
      requested.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
    });
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  it('loads no https image at all while the bundled basemap is in use', async () => {
    await page.goto(`${ctx.host.url}#/map`);
    await page.locator('[data-marker]').first().waitFor();
    expect(await page.evaluate(probeImage('https://tiles.example.org/1/0/0.png'))).toBe('blocked');
    expect(requested).toEqual([]);
  });

  it('after choosing a tile server, reloads and loads tiles from it, and only from it', async () => {
    await page.goto(`${ctx.host.url}#/settings`);
    const map = page.getByRole('region', { name: 'Map' });
    await map.getByLabel(/Online tile URL/).fill('https://tiles.example.org/{z}/{x}/{y}.png');
    const reloaded = page.waitForEvent('load');
    await map.getByRole('button', { name: 'Save' }).click();
    await reloaded;
    expect(page.url()).toMatch(/#\/settings$/); // the view survives the reload

    await page.goto(`${ctx.host.url}#/map`);
    await waitFor(() => requested.some((u) => u.startsWith('https://tiles.example.org/')), 10_000);
    expect(requested.every((u) => u.startsWith('https://tiles.example.org/'))).toBe(true);
    expect(await page.evaluate(probeImage('https://evil.example/pixel.png'))).toBe('blocked');
    expect(requested.some((u) => u.startsWith('https://evil.example/'))).toBe(false);
  });
});
