/**
 * The commands log's filter says why it refuses (issue 18, item 12): a person filter over the core's bound
 * and a "To" before "From" are named beside their field, nothing is asked meanwhile, and a filter that
 * matches nothing says so instead of "No commands yet".
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { ROLES, makeFarms } from '../renderer/fixtures.ts';
import { installFakeFarms } from './support/fake-farms.ts';

describe('the commands log filter', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  const asked: unknown[] = [];

  beforeAll(async () => {
    ctx = await startCoreHost();
    installFakeFarms(ctx.core, { farms: makeFarms(3, { now: Date.now() }), me: ROLES.operator });
    const list = ctx.core.handlers.listCommands.bind(ctx.core.handlers);
    ctx.core.handlers.listCommands = (q) => {
      asked.push(q);
      return list(q);
    };
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
    await page.goto(`${ctx.host.url}#/commands`);
    await page.getByRole('heading', { name: 'Commands' }).first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  it('names a too-long person filter beside the field and asks nothing', async () => {
    const person = page.getByLabel('Person', { exact: true });
    const before = asked.length;
    await person.fill('x'.repeat(201));
    await page.getByText('At most 200 characters.').waitFor();
    expect(await person.getAttribute('aria-invalid')).toBe('true');
    expect(asked.length).toBe(before);
    expect(await page.getByText(/No commands/).count()).toBe(0);
    await person.fill('');
  });

  it('says when "To" is before "From", and what to do', async () => {
    await page.getByLabel('From', { exact: true }).fill('2026-12-05T12:00');
    await page.getByLabel('To', { exact: true }).fill('2026-12-05T08:00');
    await page.getByText('“To” is before “From”: pick a later end or an earlier start.').waitFor();
    expect(await page.getByRole('button', { name: 'Download CSV' }).isDisabled()).toBe(true);
  });

  it('says that nothing matches rather than that there are no commands', async () => {
    await page.getByLabel('To', { exact: true }).fill('2026-12-05T13:00');
    await page.getByLabel('Person', { exact: true }).fill('nobody-by-this-name');
    await page.getByText('No commands match these filters. Widen the time range or clear a filter.').waitFor();
  });
});
