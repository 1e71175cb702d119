/**
 * The desktop app's part of Settings, as the Electron shell shows it (the renderer is the same; only
 * getAppInfo says `electron`): keep monitoring in the tray, start at login, the plain warning when the
 * system shows no notifications, the keyboard shortcuts (Windows here: start at login is not offered on
 * Linux), and Copy diagnostics — each reachable by its
 * accessible name, and saved through the typed API. The screenshot goes into docs/desktop.md.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { ROLES, makeFarms } from '../renderer/fixtures.ts';
import { installFakeFarms } from './support/fake-farms.ts';
import { waitFor } from '../support/wait-for.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');

describe('Settings in the desktop app', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  const saved: unknown[] = [];

  beforeAll(async () => {
    ctx = await startCoreHost();
    installFakeFarms(ctx.core, { farms: makeFarms(3, { now: Date.now() }), me: ROLES.operator });
    const h = ctx.core.handlers;
    const info = await h.getAppInfo();
    h.getAppInfo = async () => ({
      ...info,
      host: 'electron',
      platform: 'win32',
      desktopNotifications: false,
    });
    const update = h.updateSettings.bind(h);
    h.updateSettings = async (patch) => {
      saved.push(patch);
      return update(patch);
    };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1100 }, locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  it('offers the tray, start at login, the notification warning, shortcuts and diagnostics', async () => {
    await page.goto(`${ctx.host.url}#/settings`);
    // Waited for, not sampled: isVisible() right after the navigation raced the first render.
    await page.getByRole('region', { name: 'Desktop app' }).waitFor();
    const tray = page.getByRole('switch', { name: /Keep monitoring in the tray/ });
    await tray.waitFor();
    expect(await tray.isChecked()).toBe(true);
    await page.getByText(/This system shows no desktop notifications/).waitFor();
    await page.getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    await page.getByRole('button', { name: 'Copy diagnostics' }).waitFor();
    const login = page.getByRole('switch', { name: /Start Agromesh when I sign in/ });
    await login.focus();
    await page.keyboard.press('Space');
    await waitFor(
      () => saved.some((p) => (p as { openAtLogin?: boolean }).openAtLogin === true),
      5_000,
      'the save',
    );
    await page
      .getByRole('region', { name: 'Desktop app' })
      .screenshot({ path: join(SCREENSHOTS_DIR, 'desktop-settings.png') });
  });
});
