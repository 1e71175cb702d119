/**
 * States the simulated world does not easily produce, from fixtures served by a real core and browser host
 * (test/e2e/support/fake-farms.ts): farms stale for ten minutes and offline ones in the sorted table, the
 * history requests' pixel budget, tailnet keys about to expire, rejected tags, a failing getFarm, and a firing
 * alert on a farm whose health is OK.
 * Everything else runs against real gateways in control-room.test.ts. Build first: `npx vite build`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { startCoreHost } from '../support/core-host.ts';
import {
  makeCommand,
  makeDevice,
  makeFarm,
  makeFarms,
  makeSensorAlert,
  ROLES,
} from '../renderer/fixtures.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { type FakeFarms, installFakeFarms } from './support/fake-farms.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');

describe('control-room views with farm data', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  let fake: FakeFarms;

  beforeAll(async () => {
    ctx = await startCoreHost();
    browser = await launchChromium();
  });

  beforeEach(async () => {
    const now = Date.now();
    const farms = makeFarms(12, { now, unlocatedEvery: 6 });
    fake = installFakeFarms(ctx.core, {
      farms,
      me: ROLES.operator,
      devices: [
        makeDevice(0, { now }),
        makeDevice(1, { now, keyDays: 9 }),
        makeDevice(2, { now }),
        makeDevice(3, { now, tags: [] }),
      ],
      commands: [makeCommand(1, farms[0]!, 'succeeded', now), makeCommand(2, farms[1]!, 'failed', now)],
    });
    await ctx.core.handlers.updateSettings({ language: 'en', theme: 'light' });
    await page?.close();
    page = await browser.newPage({
      viewport: { width: 1280, height: 860 },
      locale: 'en-GB',
      colorScheme: 'light',
      acceptDownloads: true,
    });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  it('sorts and filters the table; stale values are greyed with their age', async () => {
    const stale = makeFarm(2, { now: Date.now(), readingAgeS: 600, health: 'stale' });
    // Told the way the core tells (farmsChanged): the page loaded its list while signing in, and whether
    // that was before or after this change is a race (it failed on a loaded machine when set silently).
    fake.changeFarm(stale);
    await page.goto(`${ctx.host.url}#/farms`);
    const table = page.getByRole('table', { name: 'Farms' });
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(13);
    await table.getByRole('button', { name: 'Health' }).click();
    await table.getByRole('button', { name: 'Health' }).click();
    expect(await table.getByRole('row').nth(1).getByText('Offline', { exact: true }).count()).toBe(1);
    await table
      .getByRole('row')
      .filter({ hasText: 'Orchard Hill' })
      .getByText(/stale, 10 min/)
      .first()
      .waitFor();
    await page.getByRole('searchbox', { name: 'Filter farms' }).fill('orchard');
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Filter farms' }).fill('no such farm');
    await page.getByText('No farm matches this filter.').waitFor();
  });

  it('shows a farm: readings with units, history charts within the pixel budget, CSV with units', async () => {
    await page.goto(`${ctx.host.url}#/farms/farm-0000`);
    await page.getByRole('heading', { level: 1, name: 'North Field' }).waitFor();
    const readings = page.getByRole('region', { name: 'Current readings' });
    await readings
      .getByRole('listitem', { name: 'Air temperature' })
      .getByText('°C', { exact: true })
      .waitFor();

    const history = page.getByRole('region', { name: 'History' });
    await history
      .getByRole('figure', { name: 'Chart of Air temperature in °C' })
      .locator('path.recharts-curve')
      .waitFor();
    expect(fake.historyRequests.length).toBeGreaterThan(0);
    const chartWidth = await history
      .getByRole('figure')
      .first()
      .locator('svg.recharts-surface')
      .evaluate((el) => el.getBoundingClientRect().width);
    for (const r of fake.historyRequests) expect(r.maxPoints).toBeLessThanOrEqual(Math.ceil(chartWidth));
    await history.getByRole('button', { name: '7 d' }).click();
    await history.getByText(/points shown of \d+ measured/).waitFor();
    const download = page.waitForEvent('download');
    await history.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFtime_utc,epoch_ms,Air temperature (°C),Soil moisture (%),Tank level (%)',
    );
  });

  it('shows a quick command as succeeded even when it finished before its send was answered', async () => {
    fake.finishBeforeReply = true;
    await page.goto(`${ctx.host.url}#/farms/farm-0000`);
    await page.getByRole('heading', { level: 1, name: 'North Field' }).waitFor();
    const valve = page
      .getByRole('region', { name: 'Commands' })
      .getByRole('region', { name: 'Irrigation valve 1' });
    const send = async () => {
      await valve
        .getByRole('form', { name: 'Irrigation valve 1: Close' })
        .getByRole('button', { name: /Send/ })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Send this command?' });
      await dialog.getByRole('button', { name: 'Send command' }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    await send();
    await send(); // two quick commands: the panel follows the second
    // The panel sits in the valve's own card and agrees with the log.
    await valve
      .getByRole('status')
      .filter({ hasText: 'Command progress' })
      .getByText('State: succeeded')
      .waitFor();
    expect(fake.commands.slice(0, 2).map((c) => c.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('warns support staff of expiring keys and checks tags before saving them', async () => {
    fake.me = ROLES.support;
    await page.goto(`${ctx.host.url}#/devices`);
    const table = page.getByRole('table', { name: 'Devices' });
    await table.waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'farm-1' })
      .getByText(/Key expires in 9 days/)
      .waitFor();
    await page.getByRole('checkbox', { name: 'Untagged only' }).check();
    await expect.poll(() => page.locator('table tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Edit tags of farm-3' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit tags of farm-3' });
    await dialog.getByRole('textbox').fill('tag:farm, not-a-tag');
    await dialog.getByText(/Each tag looks like tag:name/).waitFor();
    await dialog.getByRole('textbox').fill('tag:farm, tag:south');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(fake.devices.find((d) => d.name === 'farm-3')!.tags).toEqual(['tag:farm', 'tag:south']);

    // The policy's tags are offered; taking tag:farm away asks first and says what it does.
    await page.getByRole('checkbox', { name: 'Untagged only' }).uncheck();
    await page.getByRole('button', { name: 'Edit tags of farm-1' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit tags of farm-1' });
    await edit.getByRole('button', { name: 'Add tag:south' }).click();
    await expect.poll(() => edit.getByRole('textbox').inputValue()).toBe('tag:farm, tag:south');
    await edit.getByRole('textbox').fill('');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit
      .getByRole('alert')
      .getByText(/Without tag:farm, farm-1 leaves the map and the farm list/)
      .waitFor();
    expect(fake.devices.find((d) => d.name === 'farm-1')!.tags).toEqual(['tag:farm']);
    await edit.getByRole('button', { name: 'Remove tag:farm and save' }).click();
    await edit.waitFor({ state: 'detached' });
    expect(fake.devices.find((d) => d.name === 'farm-1')!.tags).toEqual([]);
  });

  it('shows the API error and what to do when farm details are unavailable', async () => {
    ctx.core.handlers.getFarm = () =>
      Promise.reject(
        new AgromeshError('UNAVAILABLE', 'Farm details needs a tailnet connection; set one up in Settings.'),
      );
    await page.goto(`${ctx.host.url}#/farms/farm-0000`);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Farm details needs a tailnet connection' })
      .getByText(/What to do: set up a tailnet connection in Settings/)
      .waitFor();
    // The live summary still shows what is known.
    await page.getByRole('heading', { level: 1, name: 'North Field' }).waitFor();
  });
  it('shows a firing alert where people look: marker, farm row, header, reading card and chart', async () => {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    // Issue 18.2's case: health OK, soil moisture at 1.9 % against an expected 15–45 %.
    const now = Date.now();
    const north = makeFarm(0, { now });
    const dry = {
      ...north,
      latest: north.latest.map((r) => (r.sensorId === 'soil-moisture' ? { ...r, value: 1.9 } : r)),
    };
    const far = makeFarm(1, { now, location: { lat: -30, lon: 140 } });
    fake.farms = new Map([
      [dry.farmId, dry],
      [far.farmId, far],
    ]);
    await page.goto(`${ctx.host.url}#/map`);
    await page.reload(); // a new hash alone would keep the farms loaded at sign-in
    await page.getByRole('button', { name: /^North Field: OK\. / }).waitFor();
    expect(await page.locator('[data-marker="farm"]').count()).toBe(2);
    expect(await page.locator('[data-marker] .alert-ring').count()).toBe(0);

    // It fires while the map is open: the push alone updates the marker (ring and name), no reload.
    fake.putAlert(makeSensorAlert(dry, 'soil-moisture', { value: 1.9, limit: 15, direction: 'below' }));
    const marker = page.getByRole('button', {
      name: /^North Field: OK\. .* Open alerts: 1, worst: Warning: Soil moisture 1\.9 %, below 15 %$/,
    });
    await marker.waitFor();
    expect(await marker.locator('.alert-ring-warning').getAttribute('stroke')).toBe('#e65100');
    expect(await page.getByRole('button', { name: /^Rivermead: OK\. [^:]*$/ }).count()).toBe(1);
    await marker.hover();
    await page.getByRole('tooltip').getByText('Alert: Warning', { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'alert-map.png') });

    await page.goto(`${ctx.host.url}#/farms`);
    const row = page
      .getByRole('table', { name: 'Farms' })
      .getByRole('row')
      .filter({ hasText: 'North Field' });
    const rowChip = row.getByRole('link', { name: /^Alert: Warning: Soil moisture 1\.9 %, below 15 %$/ });
    expect(await rowChip.getAttribute('href')).toBe('#/alerts/farm-0000');
    expect(
      await page
        .getByRole('table', { name: 'Farms' })
        .getByRole('link', { name: /^Alert:/ })
        .count(),
    ).toBe(1);

    await page.goto(`${ctx.host.url}#/farms/farm-0000`);
    await page.getByRole('heading', { level: 1, name: 'North Field' }).waitFor();
    const headerChip = page
      .getByRole('main')
      .getByRole('link', { name: /^Alert: Warning: Soil moisture 1\.9 %, below 15 %$/ })
      .first();
    await headerChip.waitFor();
    const readings = page.getByRole('region', { name: 'Current readings' });
    const card = readings.getByRole('listitem', { name: 'Soil moisture' });
    await card.waitFor();
    console.log('DBG', await readings.evaluate((e) => e.innerText));
    await card.getByText('Below expected 15–45 %', { exact: true }).waitFor();
    await card.getByText('Alert: Warning', { exact: true }).waitFor();
    const valueColor = (name: string) =>
      readings
        .getByRole('listitem', { name })
        .locator('p.MuiTypography-h5')
        .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).color);
    expect(await valueColor('Soil moisture')).not.toBe(await valueColor('Air temperature'));
    await readings
      .getByRole('listitem', { name: 'Air temperature' })
      .getByText(/^expected /)
      .waitFor();

    // The chart draws the expected range as a labelled band, the legend says what it is.
    const history = page.getByRole('region', { name: 'History' });
    const chart = history.getByRole('figure', {
      name: /^Chart of Soil moisture in %\. Shaded periods of alerts: 1\. Expected 15–45 %$/,
    });
    const band = chart.locator('.expected-range-band path');
    await band.waitFor();
    const box = await band.boundingBox();
    expect(box!.height).toBeGreaterThan(10);
    expect(box!.width).toBeGreaterThan(200);
    await chart.getByText('Expected 15–45 %', { exact: true }).waitFor();
    await history.getByText(/Green band: expected range\./).waitFor();
    expect(await band.getAttribute('fill-opacity')).toBe('0.12');
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'alert-farm-light.png'), fullPage: true });

    // Dark theme: the band stays (stronger, on the dark paper) and so does its label.
    await ctx.core.handlers.updateSettings({ theme: 'dark' });
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect.poll(() => band.getAttribute('fill-opacity')).toBe('0.2');
    await chart.getByText('Expected 15–45 %', { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'alert-farm-dark.png'), fullPage: true });

    // The header's chip leads to the Alerts view filtered to this farm.
    await headerChip.click();
    await page.waitForURL(/#\/alerts\/farm-0000$/);
    await page.getByRole('combobox', { name: 'Farm' }).getByText('North Field').waitFor();
    await page.getByRole('list', { name: /^Firing \(1\)/ }).waitFor();
  });
});
