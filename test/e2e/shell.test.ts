/**
 * The control-room shell in a real browser against a real core (browser host, no tailnet yet): navigation
 * by role and name, honest empty states, keyboard reachability, theme and language switching, reconnect banner.
 * Build the renderer first: `npx vite build && npx vitest run --project e2e`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR } from '../support/chromium.ts';
import { startCoreHost } from '../support/core-host.ts';
import { translate } from '../../renderer/src/lib/i18n.ts';
import { TAILNET_LABEL } from '../../renderer/src/lib/labels.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';

const NAV = ['Map', 'Farms', 'Devices', 'Commands', 'Alerts', 'Settings'];

describe('control-room shell', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  let hostDisposed = false;

  beforeAll(async () => {
    ctx = await startCoreHost();
    browser = await launchChromium();
    page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      locale: 'en-GB',
      colorScheme: 'light',
    });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
  });

  beforeEach(async () => {
    // Every test starts in English and the light theme, whatever the previous one left.
    if (!hostDisposed) await ctx.core.handlers.updateSettings({ language: 'en', theme: 'light' });
  });

  afterAll(async () => {
    await browser?.close();
    if (hostDisposed) await ctx?.core.dispose();
    else await ctx?.dispose();
  });

  it('shows the navigation, who I am, the tailnet mode and an honest empty state', async () => {
    await page.goto(ctx.host.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    for (const name of NAV) {
      expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    }
    await page.getByRole('heading', { level: 1, name: 'Map' }).waitFor();
    await page
      .getByText(/No farms yet — farms appear here when a gateway tagged tag:farm joins your tailnet/)
      .waitFor();
    // Who I am and the tailnet mode come from the core (getMe, getAppInfo), whatever it says here.
    const me = await ctx.core.handlers.getMe();
    const info = await ctx.core.handlers.getAppInfo();
    const mode = translate('en', TAILNET_LABEL[info.tailnet]);
    await page.getByText(`Tailnet: ${mode}`, { exact: true }).waitFor();
    await page.getByText(me.displayName, { exact: true }).waitFor();
    if (me.roles.length === 0) await page.getByText('no role', { exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Map' }).getAttribute('aria-current')).toBe('page');
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'shell.png'), fullPage: true });
  });

  it('reaches every section from the keyboard', async () => {
    await page.goto(`${ctx.host.url}#/map`);
    await page.getByRole('heading', { level: 1, name: 'Map' }).waitFor();
    const farms = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Farms' });
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await farms.evaluate((el) => el === el.ownerDocument.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Farms' }).waitFor();
    // Focus moves to the new view's heading after navigation.
    expect(
      await page
        .getByRole('heading', { level: 1, name: 'Farms' })
        .evaluate((el) => el === el.ownerDocument.activeElement),
    ).toBe(true);
    for (const [link, heading] of [
      ['Devices', 'Devices'],
      ['Commands', 'Commands'],
      ['Alerts', 'Alerts'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    await page.goto(`${ctx.host.url}#/no-such-page`);
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  });

  it('says so when the connection to the core is lost', async () => {
    await page.goto(`${ctx.host.url}#/farms`);
    await page.getByRole('heading', { level: 1, name: 'Farms' }).waitFor();
    hostDisposed = true;
    await ctx.host.dispose();
    await page.getByRole('status').filter({ hasText: 'Reconnecting to Agromesh' }).waitFor();
    // The last screen stays: the heading is still there.
    await page.getByRole('heading', { level: 1, name: 'Farms' }).waitFor();
  });
});
