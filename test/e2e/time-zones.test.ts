/**
 * One time-zone rule (issue 18, item 7): a farm's events are shown in the farm's own zone, labelled when
 * it is not this computer's, with seconds in the commands log; Settings can switch everything to this
 * computer's zone. The browser runs in UTC here and the farms are in Europe/Moscow (UTC+3, no DST).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { ROLES, makeCommand, makeFarms } from '../renderer/fixtures.ts';
import { installFakeFarms } from './support/fake-farms.ts';

const AT = Date.UTC(2026, 11, 5, 9, 4, 5); // 09:04:05 UTC = 12:04:05 in Moscow

describe('times of farm events', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ctx = await startCoreHost();
    const farms = makeFarms(2, { now: Date.now() });
    installFakeFarms(ctx.core, {
      farms,
      me: ROLES.operator,
      commands: [makeCommand(0, farms[0]!, 'succeeded', AT + 3600_000)],
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  const firstRow = () => page.getByRole('table', { name: 'Commands' }).getByRole('row').nth(1);

  it("shows the commands log in the farm's zone, labelled, to the second", async () => {
    await page.goto(`${ctx.host.url}#/commands`);
    await firstRow().getByText('5 Dec 2026, 12:04:05 GMT+3').waitFor();
  });

  it("shows everything in this computer's zone once Settings say so", async () => {
    await page.goto(`${ctx.host.url}#/settings`);
    await page.getByRole('button', { name: 'This computer’s zone' }).click();
    await page.getByRole('button', { name: 'This computer’s zone', pressed: true }).waitFor();
    await page.goto(`${ctx.host.url}#/commands`);
    await firstRow().getByText('5 Dec 2026, 09:04:05', { exact: true }).waitFor();
    expect(await page.getByText(/GMT\+3/).count()).toBe(0);
    await ctx.core.handlers.updateSettings({ times: 'farm' });
  });
});
