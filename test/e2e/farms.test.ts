/**
 * The views with farm data: map markers live from farmsChanged, the farm table, a farm's detail with
 * history charts and the command flow (operator), the explained absence of commands (agronomist), devices
 * and onboarding (support), and the command log's CSV export. Data comes from fixtures served by a real
 * core and browser host (test/e2e/support/fake-farms.ts). Build first: `npx vite build`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgromeshError } from '../../protocol/errors.ts';
import { ARTIFACTS_DIR } from '../support/chromium.ts';
import { startCoreHost } from '../support/core-host.ts';
import { makeCommand, makeDevice, makeFarm, makeFarms, ROLES } from '../renderer/fixtures.ts';
import { launchChromium } from '../support/chromium.ts';
import { type FakeFarms, installFakeFarms } from './support/fake-farms.ts';

const SCREENSHOTS_DIR = join(process.cwd(), 'docs', 'screenshots');

describe('control-room views with farm data', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let page: Page;
  let fake: FakeFarms;

  beforeAll(async () => {
    ctx = await startCoreHost();
    browser = await launchChromium();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
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
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  it('puts farms on the map by health, explains on hover, and follows live changes', async () => {
    await page.goto(`${ctx.host.url}#/map`);
    const map = page.getByRole('region', { name: /Farm map/ });
    await map.waitFor();
    await page.getByRole('heading', { level: 2, name: 'Farms without a location' }).waitFor();
    const unlocated = page.getByRole('complementary').getByRole('link');
    expect(await unlocated.count()).toBe(2);

    const north = page.getByRole('button', { name: /^North Field: OK\./ });
    // Zoom until the farm is its own marker (clusters open with a click).
    for (let i = 0; i < 8 && (await north.count()) === 0; i++) {
      await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    }
    await north.waitFor();
    await north.hover();
    await page.getByRole('tooltip').filter({ hasText: 'all layers answer; data is fresh' }).waitFor();

    const farm0 = fake.farms.get('farm-0000')!;
    fake.changeFarm({
      ...farm0,
      health: { ...farm0.health, overall: 'offline', reason: 'the node has been offline for 2 hours' },
    });
    await page
      .getByRole('button', { name: /^North Field: Offline\. the node has been offline for 2 hours/ })
      .waitFor();

    // Keyboard: focus the map, zoom out with "-", reset with "0".
    await map.focus();
    const before = await page.locator('[data-marker]').count();
    await page.keyboard.press('0');
    for (let i = 0; i < 5; i++) await page.keyboard.press('-');
    await page.waitForFunction(`document.querySelectorAll('[data-marker]').length < ${before}`);
    await page.keyboard.press('0');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'map.png') });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'map.png') });
  });

  it('lists farms in a sortable, filterable table with stale values greyed and aged', async () => {
    const stale = makeFarm(2, { now: Date.now(), readingAgeS: 600, health: 'stale' });
    fake.farms.set(stale.farmId, stale);
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
    await page.waitForFunction("document.querySelectorAll('table tbody tr').length === 1");
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'farms.png') });
    await page.getByRole('searchbox', { name: 'Filter farms' }).fill('no such farm');
    await page.getByText('No farm matches this filter.').waitFor();
  });

  it('shows a farm: readings, history charts within the pixel budget, and a confirmed command', async () => {
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

    const commands = page.getByRole('region', { name: 'Commands' });
    const valve = commands.getByRole('form', { name: 'Irrigation valve 1: Open for a while' });
    await valve.getByRole('spinbutton', { name: /Duration/ }).fill('500');
    await valve.getByRole('button', { name: /Send/ }).click();
    await valve.getByText('At most 120.').waitFor();
    await valve.getByRole('spinbutton', { name: /Duration/ }).fill('15');
    await valve.getByRole('button', { name: /Send/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this command?' });
    await dialog
      .getByText('Farm: North Field. Actuator: Irrigation valve 1. Action: Open for a while.')
      .waitFor();
    await dialog.getByText('Values: Duration 15 min').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'command-confirm.png') });
    await dialog.getByRole('button', { name: 'Send command' }).click();
    const progress = page.getByRole('status').filter({ hasText: 'Command progress' });
    await progress.getByText('State: queued').waitFor();
    const id = fake.commands[0]!.id;
    fake.advance(id, 'running');
    await progress.getByText('State: running').waitFor();
    fake.advance(id, 'succeeded');
    await progress.getByText('State: succeeded').waitFor();
    // The farm's command history picked the new command up live.
    await page
      .getByRole('table', { name: 'Command history on this farm' })
      .getByRole('row')
      .filter({ hasText: 'durationMin 15' })
      .waitFor();
    await page.getByRole('region', { name: 'Tailnet' }).getByText('100.64.0.2').waitFor();
    // A tall viewport rather than fullPage: the app bar and navigation are fixed.
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page.getByRole('region', { name: 'History' }).locator('path.recharts-curve').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'farm-detail.png') });
  });

  it('explains to an agronomist why there are no command controls', async () => {
    fake.me = ROLES.agronomist;
    await page.goto(`${ctx.host.url}#/farms/farm-0001`);
    const commands = page.getByRole('region', { name: 'Commands' });
    await commands
      .getByText(
        /Your tailnet role does not allow commands\. The tailnet policy grants you the agronomist role/,
      )
      .waitFor();
    expect(await commands.getByRole('button', { name: /Send/ }).count()).toBe(0);
    await page.getByText('Anna Agronomist').waitFor();
  });

  it('lets support staff see key expiry, edit tags and onboard a farm', async () => {
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
    await page.waitForFunction("document.querySelectorAll('table tbody tr').length === 2");
    await page.getByRole('button', { name: 'Edit tags of farm-3' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit tags of farm-3' });
    await dialog.getByRole('textbox').fill('tag:farm, not-a-tag');
    await dialog.getByText(/Each tag looks like tag:name/).waitFor();
    await dialog.getByRole('textbox').fill('tag:farm, tag:south');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(fake.devices.find((d) => d.name === 'farm-3')!.tags).toEqual(['tag:farm', 'tag:south']);

    const onboard = page.getByRole('region', { name: 'Onboard a farm' });
    await onboard.getByRole('textbox', { name: /Farm name/ }).fill('south-field');
    await onboard.getByRole('button', { name: 'Create auth key' }).click();
    await onboard.getByText(/This key is shown only once/).waitFor();
    await onboard.getByRole('button', { name: 'Copy: Auth key (shown once)' }).waitFor();
    await onboard.getByRole('button', { name: 'Copy: Install command' }).waitFor();
    await onboard.getByText(/agromesh gateway join --name south-field/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'devices.png') });
  });

  it('shows the command audit log and exports it as CSV', async () => {
    await page.goto(`${ctx.host.url}#/commands`);
    const table = page.getByRole('table', { name: 'Commands' });
    await table.getByRole('row').filter({ hasText: 'valve did not respond' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(3);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('agromesh-commands.csv');
    expect(readFileSync(await file.path(), 'utf8')).toContain('cmd-2,Rivermead,open,failed');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'commands.png') });
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
});
