/**
 * The phone layout (issue 18, item 5) at 390×844 in Chromium: no view scrolls sideways, the menu is a
 * drawer behind a menu button (keyboard: open, Escape closes, focus returns), wide tables become cards, the
 * chart fits, the command "Send" button and its confirmation fit the screen, the map fills the height.
 * Fixture farms through a real core and browser host (test/e2e/support/fake-farms.ts). Build first: `npx vite build`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { makeCommand, makeDevice, makeFarms, makeSensorAlert, ROLES } from '../renderer/fixtures.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { waitFor } from '../support/wait-for.ts';
import { type FakeFarms, installFakeFarms } from './support/fake-farms.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');
const PHONE = { width: 390, height: 844 };

/** Every view, with what shows it is fully drawn. */
const VIEWS: { name: string; hash: string; heading: string; role: 'operator' | 'support'; ready?: string }[] =
  [
    { name: 'map', hash: '#/map', heading: 'Map', role: 'operator', ready: 'svg' },
    { name: 'farms', hash: '#/farms', heading: 'Farms', role: 'operator', ready: 'main li a' },
    {
      name: 'farm detail',
      hash: '#/farms/farm-0000',
      heading: 'North Field',
      role: 'operator',
      ready: 'path.recharts-curve',
    },
    { name: 'commands', hash: '#/commands', heading: 'Commands', role: 'operator', ready: 'main li' },
    { name: 'alerts', hash: '#/alerts', heading: 'Alerts', role: 'operator', ready: 'main li' },
    { name: 'devices', hash: '#/devices', heading: 'Devices', role: 'support', ready: 'main li' },
    { name: 'settings', hash: '#/settings', heading: 'Settings', role: 'operator' },
  ];

/** What sticks out to the right of the screen (for the failure message): tag, classes and right edge. */
function overflowReport(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > innerWidth + 0.5 && out.length < 12)
        out.push(el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 80) + ' right=' + Math.round(r.right));
    }
    return out;
  })()`);
}

async function expectNoSidewaysScroll(page: Page, view: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth })',
  );
  expect(
    scrollWidth,
    `${view} scrolls sideways (${scrollWidth} > ${innerWidth}):\n${(await overflowReport(page)).join('\n')}`,
  ).toBeLessThanOrEqual(innerWidth);
}

/** The element's box lies wholly within the 390×844 screen. */
async function expectOnScreen(target: Locator, what: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  expect(box, `${what} has no box`).not.toBeNull();
  const b = box!;
  expect(
    b.x >= 0 && b.y >= 0 && b.x + b.width <= PHONE.width + 0.5 && b.y + b.height <= PHONE.height + 0.5,
    `${what} at x=${b.x}..${b.x + b.width}, y=${b.y}..${b.y + b.height} is not inside ${PHONE.width}×${PHONE.height}`,
  ).toBe(true);
}

describe('the phone layout at 390×844', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let fake: FakeFarms;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    ctx = await startCoreHost();
    browser = await launchChromium();
    const now = Date.now();
    const farms = makeFarms(12, { now, unlocatedEvery: 6 });
    fake = installFakeFarms(ctx.core, {
      farms,
      me: ROLES.operator,
      devices: [makeDevice(0, { now }), makeDevice(1, { now, keyDays: 9 }), makeDevice(3, { now, tags: [] })],
      commands: [makeCommand(1, farms[0]!, 'succeeded', now), makeCommand(2, farms[1]!, 'failed', now)],
    });
    fake.putAlert(makeSensorAlert(farms[0]!, 'soil-moisture', { value: 1.9, limit: 20, direction: 'below' }));
    await ctx.core.handlers.updateSettings({ language: 'en', theme: 'light' });
    page = await browser.newPage({ viewport: PHONE, locale: 'en-GB', colorScheme: 'light', hasTouch: true });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  async function show(view: (typeof VIEWS)[number]): Promise<void> {
    if (fake.me !== ROLES[view.role]) {
      fake.me = ROLES[view.role];
      await page.goto(`${ctx.host.url}${view.hash}`);
      await page.reload(); // who-am-I is read at start
    } else {
      await page.goto(`${ctx.host.url}${view.hash}`);
    }
    await page.getByRole('heading', { level: 1, name: view.heading, exact: true }).waitFor();
    if (view.ready) await page.locator(view.ready).first().waitFor();
    await page.locator('[role=progressbar]').first().waitFor({ state: 'detached' }); // not waitForFunction: the page's CSP forbids its eval
  }

  it('scrolls no view sideways, and the menu button is on screen on each', async () => {
    for (const view of VIEWS) {
      await show(view);
      await expectNoSidewaysScroll(page, view.name);
      await expectOnScreen(page.getByRole('button', { name: 'Open menu' }), `[${view.name}] the menu button`);
      // The navigation is not a side column taking half the screen: closed until asked for.
      expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    }
  }, 120_000);

  it('opens and closes the navigation from the keyboard; focus returns to the menu button', async () => {
    await show(VIEWS[1]!);
    const button = page.getByRole('button', { name: 'Open menu' });
    await button.focus();
    await page.keyboard.press('Enter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor();
    // While the drawer is open the page behind it is hidden from assistive technology, its button too.
    expect(await page.locator('header button[aria-label="Open menu"]').getAttribute('aria-expanded')).toBe(
      'true',
    );
    const commands = nav.getByRole('link', { name: 'Commands' });
    await expectOnScreen(commands, 'the Commands link');
    await page.keyboard.press('Escape');
    await nav.waitFor({ state: 'hidden' });
    await waitFor(
      () => button.evaluate((el) => el === el.ownerDocument.activeElement),
      5_000,
      'focus on the menu button',
    );
    // Choosing a page closes the drawer and shows that page.
    await page.keyboard.press('Enter');
    await nav.waitFor();
    await commands.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Commands', exact: true }).waitFor();
    await nav.waitFor({ state: 'hidden' });
  });

  it('shows farms as cards with health, last reading and key figures', async () => {
    await show(VIEWS[1]!);
    const list = page.getByRole('list', { name: 'Farms' });
    const card = list.getByRole('listitem').filter({ hasText: 'North Field' });
    await card.getByRole('link', { name: 'North Field' }).waitFor();
    expect(await list.getByRole('listitem').count()).toBe(12);
    await card
      .getByText(/ago|No readings/)
      .first()
      .waitFor();
    await expectOnScreen(card, 'the North Field card');
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('fits the farm: full-width chart, Send on screen, the confirmation as a bottom sheet', async () => {
    await show(VIEWS[2]!);
    const figure = page.getByRole('region', { name: 'History' }).getByRole('figure').first();
    const chart = await figure.locator('svg.recharts-surface').boundingBox();
    // Full width: the chart takes the screen less the page and card padding.
    expect(chart!.width).toBeGreaterThan(PHONE.width - 100);
    expect(chart!.x + chart!.width).toBeLessThanOrEqual(PHONE.width);
    await figure.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'phone-farm.png') });
    const send = page
      .getByRole('region', { name: 'Commands' })
      .getByRole('form', { name: 'Irrigation valve 1: Close' })
      .getByRole('button', { name: /Send/ });
    await expectOnScreen(send, 'the Send button');
    await send.click();
    const dialog = page.getByRole('dialog', { name: 'Send this command?' });
    await dialog.waitFor();
    await expectOnScreen(dialog, 'the command confirmation');
    await expectOnScreen(dialog.getByRole('button', { name: 'Send command' }), 'Send command');
    await expectOnScreen(dialog.getByRole('button', { name: 'Cancel' }), 'Cancel');
    const box = (await dialog.boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(PHONE.width - 1); // full width, at the bottom
    expect(box.y + box.height).toBeGreaterThanOrEqual(PHONE.height - 1);
    await expectNoSidewaysScroll(page, 'the command confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('lets the map fill the screen below the header', async () => {
    await show(VIEWS[0]!);
    const map = page.getByRole('region', { name: /^Farm map/ });
    const box = (await map.boundingBox())!;
    expect(box.height).toBeGreaterThan(PHONE.height / 2);
    expect(box.width).toBeGreaterThan(PHONE.width - 40);
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'phone-map.png') });
  });
});
