/**
 * The control room against the REAL simulated world: a simulated tailnet, the discovery registry and
 * twelve farm gateways running as child processes (sim/demo-world.ts). Each person has their own app
 * core on their own tailnet node (seat) and their own browser page: an operator, an agronomist and support
 * staff (who, like an admin with an API key, may edit tags and create auth keys).
 * Screenshots go to test-results/screenshots/; `npm run screenshots` refreshes the README's own
 * (docs/screenshots/) from the same run. Build first: `npx vite build`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FARM_HTTP_PORT } from '../../protocol/farm-api.ts';
import type { Role } from '../../protocol/identity.ts';
import { silentLogger } from '../../kit/log.ts';
import { type AppCore, createAppCore } from '../../main/core/app-core.ts';
import { type BrowserHost, startBrowserHost } from '../../main/core/host/browser-host.ts';
import { createUnavailableSecretStore } from '../../main/core/settings/secret-store.ts';
import { DEFAULT_SETTINGS } from '../../protocol/app/index.ts';
import { createMemorySettingsStore } from '../../main/core/settings/settings-store.ts';
import { type ControlRoomSeat, DEMO_FARMS, type DemoWorld, startDemoWorld } from '../../sim/demo-world.ts';
import { simLoopbackFor } from '../../sim/tailnet/index.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { RENDERER_DIR } from '../support/core-host.ts';

const SCREENSHOTS_DIR =
  process.env.AGROMESH_SCREENSHOTS_DIR ?? join(process.cwd(), 'test-results', 'screenshots');
/** Thresholds for these people: a farm that stops answering is offline after 10 s (the minimum). */
const OFFLINE_AFTER_S = 10;

interface Person {
  seat: ControlRoomSeat;
  core: AppCore;
  host: BrowserHost;
  page: Page;
  /** Open a route (`#/…`) and wait for its level-1 heading. */
  open(route: string, heading: string | RegExp): Promise<void>;
}

/** How many farms the map shows: single markers plus the counts of clusters. */
function farmsOnMap(page: Page): Promise<number> {
  return page
    .locator('[data-marker]')
    .evaluateAll((els) =>
      els.reduce(
        (n, el) =>
          n +
          (el.getAttribute('data-marker') === 'farm'
            ? 1
            : Number(/^(\d+)/.exec(el.getAttribute('aria-label') ?? '')?.[1] ?? 0)),
        0,
      ),
    );
}

/** POST /api/commands straight to a gateway from a node's loopback alias (who-is then names that node). */
function postCommand(gatewayHost: string, fromAddress: string): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify({
    id: `direct-${Date.now()}`,
    action: 'open',
    target: 'valve-1',
    params: { durationMin: 1 },
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: gatewayHost,
        port: FARM_HTTP_PORT,
        path: '/api/commands',
        method: 'POST',
        localAddress: fromAddress,
        headers: { 'content-type': 'application/json' },
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('control room on a simulated tailnet with twelve farm gateways', () => {
  let dir: string;
  let world: DemoWorld;
  let browser: Browser;
  const people: Person[] = [];
  let operator: Person;
  let agronomist: Person;
  let support: Person;

  const person = async (roles: Role[], withApi: boolean): Promise<Person> => {
    const seat = await world.seat(roles);
    const core = await createAppCore({
      host: 'browser',
      version: '0.0.0-test',
      locale: 'en-GB',
      platform: process.platform,
      dataDir: mkdtempSync(join(dir, `core-${seat.node}-`)),
      settings: createMemorySettingsStore({
        ...DEFAULT_SETTINGS,
        language: 'en',
        theme: 'light',
        staleAfterS: 120,
        offlineAfterS: OFFLINE_AFTER_S,
      }),
      secrets: createUnavailableSecretStore('No keychain in tests.'),
      log: silentLogger,
      simulatedTailnet: {
        localApiSocket: seat.localApiSocket,
        selfAddress: seat.tailnetAddress,
        ...(withApi ? { api: { ...world.api, pollIntervalMs: 1_000 } } : {}),
      },
      retryMs: 1_000,
    });
    const host = await startBrowserHost({ core, rendererDir: RENDERER_DIR, log: silentLogger });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      locale: 'en-GB',
      colorScheme: 'light',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signInPage(page, host);
    const p: Person = {
      seat,
      core,
      host,
      page,
      async open(route, heading) {
        await page.goto(`${host.url}${route}`);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      },
    };
    people.push(p);
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agromesh-e2e-world-'));
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    // Kuban South drifts from the start at 240× farm time: below its expected range within a minute.
    [world, browser] = await Promise.all([
      startDemoWorld({
        dir,
        // Dinskaya Orchard's commands must start within 5 s of being sent (the late-command test).
        farms: DEMO_FARMS.map((f) => (f.id === 'dinskaya-orchard' ? { ...f, commandWindowS: 5 } : f)),
        backfillHours: 24,
        driftAfterMin: 0,
        driftSpeed: 240,
        heartbeatIntervalS: 5,
      }),
      launchChromium(),
    ]);
    [operator, agronomist, support] = await Promise.all([
      person(['operator'], false),
      person(['agronomist'], false),
      person(['support'], true),
    ]);
    // The operator's range alert waits 3 s instead of 10 min, so the drift alerts during the run.
    const rule = (await operator.core.handlers.listAlertRules()).find(
      (r) => r.id === 'builtin:expected-range',
    )!;
    if (rule.condition.kind !== 'range') throw new Error('unexpected built-in range rule');
    await operator.core.handlers.saveAlertRule({
      id: rule.id,
      name: rule.name,
      enabled: true,
      severity: rule.severity,
      farmId: null,
      sensorId: null,
      condition: { ...rule.condition, forS: 3 },
      notify: rule.notify,
      webhookUrl: null,
    });
    await Promise.all(people.map((p) => p.core.ready));
  }, 90_000);

  afterAll(async () => {
    for (const p of people) {
      await p.host.dispose();
      await p.core.dispose();
    }
    await browser?.close();
    await world?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('puts all twelve farms on the map and in the table, with labelled figures', async () => {
    const { page } = operator;
    await operator.open('#/map', 'Map');
    await page.getByText('12 farms', { exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(() => farmsOnMap(page), { timeout: 15_000 }).toBe(12);
    expect(await page.getByRole('heading', { name: 'Farms without a location' }).count()).toBe(0);
    // Keyboard: zoomed out with "-" the farms gather into clusters; "0" fits them again. The reference is
    // taken after a "0" (a key event renders at once), not from the automatic fit, which may still be
    // catching up with the last farm to arrive.
    const markers = page.locator('[data-marker]');
    await page.getByRole('region', { name: /Farm map/ }).focus();
    await page.keyboard.press('0');
    const fitted = await markers.count();
    for (let i = 0; i < 5; i++) await page.keyboard.press('-');
    await expect.poll(() => markers.count()).toBeLessThan(fitted);
    expect(await farmsOnMap(page)).toBe(12);
    await page.keyboard.press('0');
    await expect.poll(() => markers.count()).toBe(fitted);
    // Rostov Dairy stands alone up north: hovering explains its health and shows its figures with units.
    await page.getByRole('button', { name: /^Rostov Dairy: / }).hover();
    const tooltip = page.getByRole('tooltip').filter({ hasText: 'Rostov Dairy' });
    await tooltip.getByText(/relay/).waitFor({ timeout: 20_000 });
    await tooltip
      .getByText(/^[\d.]+ (%|°C|L\/min)$/)
      .first()
      .waitFor({ timeout: 30_000 });

    await operator.open('#/farms', 'Farms');
    const table = page.getByRole('table', { name: 'Farms' });
    await expect.poll(() => table.getByRole('row').count()).toBe(13);
    for (const f of DEMO_FARMS) await table.getByRole('link', { name: f.name, exact: true }).waitFor();
    await table
      .getByRole('row')
      .filter({ hasText: 'Kuban North' })
      .getByText(/^(Soil moisture, zone 1|Air temperature|Water tank|Air humidity|Irrigation main flow):\s*$/)
      .first()
      .waitFor({ timeout: 30_000 });
  });

  it('opens a farm whose chart plots its real history', async () => {
    const { page } = operator;
    await operator.open('#/farms/kuban-north', 'Kuban North');
    const readings = page.getByRole('region', { name: 'Current readings' });
    await readings
      .getByRole('listitem', { name: 'Air temperature' })
      .getByText('°C', { exact: true })
      .waitFor();
    const history = page.getByRole('region', { name: 'History' });
    const curve = history
      .getByRole('figure', { name: /^Chart of Soil moisture, zone 1 in %/ })
      .locator('path.recharts-curve');
    await curve.waitFor({ timeout: 30_000 });
    // A day of one-minute readings, thinned to the chart's width: hundreds of plotted segments.
    await expect
      .poll(async () => ((await curve.getAttribute('d')) ?? '').split('L').length, { timeout: 15_000 })
      .toBeGreaterThan(300);
    await history.getByText(/points shown of \d+ measured/).waitFor();
  });

  it('lets an operator send a command, named in the confirmation, and see it succeed', async () => {
    const { page } = operator;
    await operator.open('#/farms/kuban-north', 'Kuban North');
    const form = page.getByRole('region', { name: 'Commands' }).getByRole('form', {
      name: 'Irrigation valve, zone 1: Open',
    });
    await form.getByRole('spinbutton', { name: /Duration/ }).fill('500');
    await form.getByRole('button', { name: /Send/ }).click();
    await form.getByText('At most 120.').waitFor();
    await form.getByRole('spinbutton', { name: /Duration/ }).fill('2');
    await form.getByRole('button', { name: /Send/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this command?' });
    await dialog.getByText('Farm: Kuban North. Actuator: Irrigation valve, zone 1. Action: Open.').waitFor();
    await dialog.getByText('Values: Duration 2 min').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'command-confirm.png') });
    await dialog.getByRole('button', { name: 'Send command' }).click();
    const progress = page.getByRole('status').filter({ hasText: 'Command progress' });
    // The gateway runs it and confirms it by the flow sensor's next reading (every 15 s).
    await progress.getByText('State: succeeded').waitFor({ timeout: 45_000 });

    await operator.open('#/commands', 'Commands');
    const log = page.getByRole('table', { name: 'Commands' });
    // Labels, not ids: the log names the valve, the action and the parameter as the confirmation did.
    const row = log
      .getByRole('row')
      .filter({ hasText: 'Kuban North' })
      .filter({ hasText: 'Irrigation valve, zone 1' })
      .filter({ hasText: 'Duration 2 min' });
    await row.getByText('succeeded').first().waitFor();
    await row.getByText(/operator@example\.com/).waitFor();
    const download = page.waitForEvent('download');
    // From the keyboard: on a loaded machine the POST may time out, the command pass through `unknown`,
    // and its "did run after all" notice then lies over this button (the notice is right to appear).
    await page.getByRole('button', { name: 'Download CSV' }).focus();
    await page.keyboard.press('Enter');
    const csv = readFileSync(await (await download).path(), 'utf8');
    expect(csv).toMatch(/^[\w-]+,kuban-north,Kuban North,open,valve-1,.*,succeeded,/m);
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'commands.png') });
  });

  it('never runs a command late: a frozen farm refuses it once thawed, and the operator is told', async () => {
    const { page } = operator;
    await operator.open('#/farms/dinskaya-orchard', 'Dinskaya Orchard');
    const form = page.getByRole('region', { name: 'Commands' }).getByRole('form', {
      name: 'Irrigation valve, zone 1: Open',
    });
    await form.getByRole('spinbutton', { name: /Duration/ }).fill('1');
    await form.getByRole('button', { name: /Send/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this command?' });
    await dialog
      .getByText(/^It must start within 5 secs? of being sent, or it will not run at all\.$/)
      .waitFor();
    // Cancel is the default: a second Enter must not open a valve.
    await expect
      .poll(() =>
        dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === b.ownerDocument.activeElement),
      )
      .toBe(true);
    const gateway = world.gateways.get('dinskaya-orchard')!;
    gateway.freeze();
    try {
      await dialog.getByRole('button', { name: 'Send command' }).click();
      const progress = page.getByRole('status').filter({ hasText: 'Command progress' });
      await progress.getByText('State: unknown').waitFor({ timeout: 30_000 });
    } finally {
      gateway.thaw();
    }
    // The request reaches the gateway after its window: it is refused, never run, and the operator sees it.
    const notice = page
      .getByRole('alert')
      .filter({ hasText: 'Irrigation valve, zone 1: Open on Dinskaya Orchard did not run' });
    await notice.getByText(/the farm now reports it expired/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'command-late.png') });
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it('keeps the progress beside the button and in step with the log after two quick commands', async () => {
    const { page } = operator;
    await operator.open('#/farms/krasnodar-greenhouse', 'Krasnodar Greenhouse');
    const pump = page
      .getByRole('region', { name: 'Commands' })
      .getByRole('region', { name: 'Well pump (fills the tank)' });
    const send = async () => {
      await pump
        .getByRole('form', { name: 'Well pump (fills the tank): Stop' })
        .getByRole('button', { name: /Send/ })
        .click();
      await page
        .getByRole('dialog', { name: 'Send this command?' })
        .getByRole('button', { name: 'Send command' })
        .click();
    };
    await send();
    await send();
    // The panel sits in the pump's own card and ends where the log ends.
    await pump
      .getByRole('status')
      .filter({ hasText: 'Command progress: Well pump (fills the tank) · Stop' })
      .getByText('State: succeeded')
      .waitFor({ timeout: 20_000 });
    const { commands } = await operator.core.handlers
      .listCommands({ farmId: 'krasnodar-greenhouse', limit: 2 })
      .then((c) => ({ commands: c }));
    expect(commands.map((c) => c.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('shows an agronomist no command controls but the reason, and the gateway refuses them too', async () => {
    const { page } = agronomist;
    await agronomist.open('#/farms/kuban-north', 'Kuban North');
    const commands = page.getByRole('region', { name: 'Commands' });
    await commands
      .getByText(
        /^Your tailnet role does not allow commands\. The tailnet policy grants Agronomist on agronomist-desktop the role agronomist\. Commands need the operator role\.$/,
      )
      .waitFor();
    expect(await commands.getByRole('button', { name: /Send/ }).count()).toBe(0);
    expect(await commands.getByRole('form').count()).toBe(0);
    await page.getByText(/^Your tailnet role does not allow editing farm details\./).waitFor();
    expect(await page.getByRole('button', { name: 'Edit details' }).count()).toBe(0);
    // Not just hidden: the gateway asks the tailnet who is calling and refuses the agronomist's node.
    const gw = world.gateways.get('kuban-north')!;
    const refused = await postCommand(gw.host, simLoopbackFor(agronomist.seat.tailnetAddress));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/FORBIDDEN/);
  });

  it('turns a farm whose gateway stopped offline with the reason, and back when it restarts', async () => {
    const { page } = operator;
    await operator.open('#/farms', 'Farms');
    const row = page
      .getByRole('table', { name: 'Farms' })
      .getByRole('row')
      .filter({ hasText: 'Timashevsk Rice' });
    await row.getByText('OK', { exact: true }).waitFor({ timeout: 20_000 });
    const gateway = world.gateways.get('timashevsk-rice')!;
    await gateway.stop();
    await row.getByText('Offline', { exact: true }).waitFor({ timeout: (OFFLINE_AFTER_S + 10) * 1000 });
    await row
      .getByText(
        'The gateway is not answering; the tailnet says the node is online, so the gateway program is likely stopped.',
      )
      .waitFor();
    await gateway.start();
    // The farm link reconnects with backoff (at most ~20 s after a short outage).
    await row.getByText('OK', { exact: true }).waitFor({ timeout: 45_000 });
  });

  it('onboards a farm: support creates the key, the farm computer joins with it and appears on the map', async () => {
    const { page } = support;
    await support.open('#/devices', 'Devices');
    const onboard = page.getByRole('region', { name: 'Onboard a farm' });
    await onboard.getByRole('textbox', { name: /Farm name/ }).fill('novaya-zarya');
    // A refused value says why, next to the field (it only turned red).
    const hours = onboard.getByRole('spinbutton', { name: /Key valid for/ });
    await hours.fill('0');
    await onboard.getByText('Whole hours from 1 to 2160 (90 days).').waitFor();
    expect(await onboard.getByRole('button', { name: 'Create auth key' }).isDisabled()).toBe(true);
    await hours.fill('24');
    await onboard.getByRole('button', { name: 'Create auth key' }).click();
    await onboard.getByText(/This key is shown only once/).waitFor();
    const key = (await onboard.getByLabel('Auth key (shown once)', { exact: true }).textContent()) ?? '';
    expect(key).toMatch(/^tskey-auth-/);
    // The command asks for the key at a hidden prompt: it names the farm but never holds the key.
    const command = onboard.getByText(/read -rs TS_AUTHKEY <\/dev\/tty[\s\S]*--hostname='novaya-zarya'/);
    await command.waitFor();
    expect(await command.textContent()).not.toContain(key);
    // This seat's registry is not its own, so it has no package to serve, and says what that means.
    await onboard.getByText(/expects the agromesh-gateway package installed first/).waitFor();
    // For a phone: the command as a QR code, on request.
    await onboard.getByRole('button', { name: 'Show QR code' }).nth(1).click();
    await onboard.getByRole('img', { name: /^QR code of Install command/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'devices.png') });
    await onboard.getByRole('button', { name: 'Close' }).click();
    expect(await page.getByText(key).count()).toBe(0);

    // The farm computer: a logged-out tailscaled, and the gateway started with the key (tailscale up).
    const joined = await world.onboardFarm({ id: 'novaya-zarya', name: 'Novaya Zarya' }, key);
    expect(world.sim.tailnet.device(joined.node)?.tags).toEqual(['tag:farm']);
    // The key was for one machine: a second one is refused.
    await expect(world.onboardFarm({ id: 'second-try', name: 'Second Try' }, key)).rejects.toThrow(
      /refused the auth key.*already been used/s,
    );

    // It joined without a location: listed apart until someone places it.
    await support.open('#/map', 'Map');
    await page.getByText('13 farms', { exact: true }).waitFor({ timeout: 30_000 });
    const unlocated = page.getByRole('complementary');
    await unlocated.getByRole('link', { name: 'Novaya Zarya' }).click();
    await page.getByRole('heading', { level: 1, name: 'Novaya Zarya' }).waitFor();
    await page.getByRole('button', { name: 'Edit details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit the details of Novaya Zarya' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Novaya Zarya Orchard');
    await dialog.getByRole('textbox', { name: 'Notes' }).fill('Gate code 4512. Ask for Pavel.');
    await dialog.getByRole('textbox', { name: 'Latitude' }).fill('45,71');
    await dialog.getByRole('textbox', { name: 'Longitude' }).fill('40.3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1, name: 'Novaya Zarya Orchard' }).waitFor({ timeout: 15_000 });
    const about = page.getByRole('region', { name: 'About this farm' });
    await about.getByText('Gate code 4512. Ask for Pavel.').waitFor();
    await about.getByText('45.71, 40.3').waitFor();

    await support.open('#/map', 'Map');
    await expect.poll(() => farmsOnMap(page), { timeout: 15_000 }).toBe(13);
    expect(await page.getByRole('heading', { name: 'Farms without a location' }).count()).toBe(0);
  });

  it('fires an alert for the drifting farm: badge, Alerts view, chart band, acknowledged with a note', async () => {
    const { page } = operator;
    await operator.open('#/map', 'Map');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: /^Alerts, [1-9]\d* firing$/ }).waitFor({ timeout: 60_000 });
    // The alert shows where people look: the marker, the farm list, the farm header, the reading card.
    await page
      .locator('[data-alert]')
      .filter({ has: page.locator('.alert-ring') })
      .and(
        page.getByRole('button', { name: /Kuban South.*Open alerts: [1-9]\d*, worst: (Warning|Critical)/ }),
      )
      .or(page.getByRole('button', { name: /farms here.*Open alerts: [1-9]\d*, worst: (Warning|Critical)/ }))
      .first()
      .waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'map-alert.png') });
    await operator.open('#/farms', 'Farms');
    const southRow = page
      .getByRole('table', { name: 'Farms' })
      .getByRole('row')
      .filter({ hasText: 'Kuban South' });
    await southRow.getByRole('link', { name: /^Alert: (Warning|Critical): Soil moisture, zone 1/ }).waitFor();
    await operator.open('#/farms/kuban-south', 'Kuban South');
    await page
      .getByRole('link', { name: /^Alert: (Warning|Critical): Soil moisture, zone 1/ })
      .first()
      .waitFor();
    const card = page.getByRole('listitem', { name: 'Soil moisture, zone 1' });
    await card.getByText(/^Alert: (Warning|Critical)$/).waitFor();
    await card.getByText(/^Below expected \d+–\d+ %$/).waitFor(); // in words, not colour alone
    // The expected range is drawn on the chart (two dashed lines across it), beside the line that left it.
    const rangeLines = page
      .getByRole('region', { name: 'History' })
      .getByRole('figure', { name: /^Chart of Soil moisture, zone 1 in %/ })
      .locator('.expected-range line');
    await rangeLines.first().waitFor({ state: 'attached', timeout: 20_000 });
    const ys = await rangeLines.evaluateAll((ls) =>
      ls.map((l) => [l.getAttribute('y1'), l.getAttribute('x2')]),
    );
    expect(new Set(ys.map(([y]) => y)).size).toBe(2);
    expect(ys.every(([, x2]) => Number(x2) > 100)).toBe(true);
    // ...and the band between them, labelled.
    await page
      .getByRole('figure', { name: /^Chart of Soil moisture, zone 1 in %.*\. Expected \d+–\d+ %$/ })
      .locator('.expected-range-band path')
      .waitFor({ state: 'attached' });

    await operator.open('#/alerts', 'Alerts');
    const firing = page.getByRole('list', { name: /^Firing \(\d+\): \d+ alerts$/ });
    const item = firing
      .getByRole('listitem')
      .filter({ hasText: 'Kuban South' })
      .filter({ hasText: /Soil moisture, zone 1 .* below 20/ });
    await item.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'alerts.png') });
    await item.getByRole('button', { name: /^Acknowledge: Kuban South/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alert' });
    await dialog.getByRole('textbox', { name: /Note/ }).fill('Crew sent to check the zone 1 emitters.');
    await dialog.getByRole('button', { name: 'Acknowledge' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: /^Acknowledged \([1-9]/ }).click();
    const acked = page
      .getByRole('list', { name: /^Acknowledged/ })
      .getByRole('listitem')
      .filter({ hasText: 'Kuban South' });
    await acked.getByText(/Acknowledged by operator@example\.com/).waitFor();
    await acked.getByText('Crew sent to check the zone 1 emitters.').waitFor();
    const { alerts } = await operator.core.handlers.listAlerts({
      farmId: 'kuban-south',
      state: ['acknowledged'],
      limit: 10,
    });
    expect(alerts[0]).toMatchObject({
      acknowledgedBy: 'operator@example.com (operator-desktop)',
      note: 'Crew sent to check the zone 1 emitters.',
    });

    // A rule that cannot be saved says which field and why (Save did nothing before).
    await page.getByRole('tab', { name: 'Rules' }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const ruleDialog = page.getByRole('dialog', { name: 'Add rule' });
    await ruleDialog.getByRole('button', { name: 'Save' }).click();
    await ruleDialog.getByRole('alert').getByText('To save, fix “Name”: it cannot be empty.').waitFor();
    await ruleDialog.getByRole('button', { name: 'Cancel' }).click();
    await ruleDialog.waitFor({ state: 'detached' });

    // The episode is shaded on the farm's soil moisture chart, over the day and over the last hour.
    await operator.open('#/farms/kuban-south', 'Kuban South');
    const banded = /^Chart of Soil moisture, zone 1 in %\. Shaded periods of alerts: 1\. Expected \d+–\d+ %$/;
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('figure', { name: banded }).locator('.alert-band').waitFor({ timeout: 20_000 });
    // A tall viewport rather than fullPage: the app bar and the navigation are fixed.
    await page.setViewportSize({ width: 1280, height: 2300 });
    await history.locator('path.recharts-curve').nth(2).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'farm-detail.png') });
    await history.getByRole('button', { name: '1 h', exact: true }).click();
    const chart = history.getByRole('figure', { name: banded });
    await chart.locator('.alert-band').waitFor();

    // Drag across the chart to zoom into a few minutes.
    const box = (await chart.locator('svg.recharts-surface').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
    await chart.locator('.recharts-tooltip-wrapper').waitFor();
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, y, { steps: 8 });
    await chart.locator('.recharts-reference-area.zoom-selection').waitFor();
    await page.mouse.up();
    await history.getByRole('button', { name: 'Zoom out' }).click();
    await history.getByRole('button', { name: 'Zoom out' }).waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('shows figures on the map, the farm list, and everything in dark and in Russian', async () => {
    const { page } = operator;
    await operator.open('#/map', 'Map');
    // The new farm's place comes from the registry, which this core reads every 15 s.
    await expect.poll(() => farmsOnMap(page), { timeout: 30_000 }).toBe(13);
    await page.getByRole('button', { name: /^Rostov Dairy: / }).hover();
    await page
      .getByRole('tooltip')
      .getByText(/^Soil moisture, zone 1:\s*$/)
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'map.png') });

    await operator.open('#/farms', 'Farms');
    await page.getByRole('table', { name: 'Farms' }).getByRole('row').nth(13).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'farms.png') });

    await operator.open('#/settings', 'Settings');
    await page.getByRole('button', { name: 'Dark', exact: true }).click();
    const theme = () => page.locator('html').getAttribute('data-theme');
    await expect.poll(theme).toBe('dark');
    expect(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe(
      'rgb(16, 20, 18)',
    );
    await page.getByRole('button', { name: 'Русский', exact: true }).click();
    const nav = page.getByRole('navigation', { name: 'Главное меню' });
    for (const name of ['Карта', 'Фермы', 'Устройства', 'Команды', 'Тревоги', 'Настройки']) {
      await nav.getByRole('link', { name }).waitFor();
    }
    await page.getByRole('heading', { level: 1, name: 'Настройки' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    // Who you are, and that the demo's tailnet settings are not in use, in Russian too.
    await page.getByText('Политика tailnet даёт Operator на operator-desktop роль «оператор».').waitFor();
    await page.getByText(/Это смоделированный tailnet демонстрации/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'settings-dark-ru.png') });
    expect(await operator.core.handlers.getSettings()).toMatchObject({ language: 'ru', theme: 'dark' });
    await nav.getByRole('link', { name: 'Фермы' }).click();
    await page.getByText('13 ферм', { exact: true }).waitFor();

    // A change made elsewhere (another window, the CLI) reaches this window without a reload.
    await operator.core.handlers.updateSettings({ language: 'en', theme: 'light' });
    await page.getByRole('heading', { level: 1, name: 'Farms' }).waitFor();
    await expect.poll(theme).toBe('light');
  });
});
