/**
 * Russian completeness as a Russian-speaking user meets it (issue 18, item 9): with the UI in Russian,
 * every view (and the alert tabs, the rules, the command confirmation) shows no string of the app's own
 * English dictionary, and the farm's sensors and actuators carry the Russian labels of its layout.
 * Fixture farms through a real core and browser host (test/e2e/support/fake-farms.ts). Build first: `npx vite build`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeHealth, type HealthInput } from '../../main/core/discovery/health.ts';
import type { FarmSummary } from '../../protocol/app/index.ts';
import { en } from '../../renderer/src/lib/i18n-en.ts';
import type { MessageKey } from '../../renderer/src/lib/i18n.ts';
import { startCoreHost } from '../support/core-host.ts';
import { launchChromium } from '../support/chromium.ts';
import { signInPage } from '../support/host-session.ts';
import { makeCommand, makeDevice, makeFarms, makeSensorAlert, ROLES } from '../renderer/fixtures.ts';
import { SAME_IN_RUSSIAN } from '../renderer/russian-allowlist.ts';
import { type FakeFarms, installFakeFarms } from './support/fake-farms.ts';

/** English strings that must never be on a Russian screen: the dictionary's, longer than 3 characters. */
const ENGLISH = new Map<string, string>(
  (Object.entries(en) as [MessageKey, string][])
    .filter(([key, value]) => value.trim().length > 3 && !SAME_IN_RUSSIAN.has(key))
    .map(([key, value]) => [value.trim(), key]),
);
// MUI's own English, which the app hands to MUI's Russian locale or to its own dictionary.
for (const s of [
  'Rows per page:',
  'Go to next page',
  'Go to previous page',
  'Close',
  'Open',
  'Clear',
  'No options',
])
  ENGLISH.set(s, 'MUI');

/** The health the core really computes (its English words and codes) for a fixture farm's state. */
function coreHealth(farm: FarmSummary, now: number): FarmSummary {
  const ok: HealthInput = {
    device: { online: true, lastSeen: null, connection: { kind: 'direct', endpoint: '203.0.113.7:41641' } },
    tailnetConfirmedAt: now - 5_000,
    gateway: { answering: true, okAt: now - 4_000, failAt: null, failDetail: null, downSince: null },
    heartbeatAt: now - 30_000,
    lastReadingAt: farm.lastReadingAt,
  };
  const input: Record<FarmSummary['health']['overall'], HealthInput> = {
    ok,
    stale: ok,
    degraded: {
      ...ok,
      heartbeatAt: null,
      gateway: { ...ok.gateway, answering: false, okAt: now - 60_000, failDetail: 'connect ECONNREFUSED' },
    },
    offline: {
      ...ok,
      device: {
        online: false,
        lastSeen: new Date(now - 3 * 3_600_000).toISOString(),
        connection: { kind: 'unknown' },
      },
    },
  };
  const { health } = computeHealth(input[farm.health.overall], now, {
    staleAfterMs: 600_000,
    offlineAfterMs: 300_000,
  });
  return { ...farm, health };
}

/** Every view, with what shows it is drawn. Headings in Russian. */
const VIEWS: { name: string; hash: string; heading: string; role: 'operator' | 'support'; ready?: string }[] =
  [
    { name: 'map', hash: '#/map', heading: 'Карта', role: 'operator', ready: 'svg' },
    { name: 'farms list', hash: '#/farms', heading: 'Фермы', role: 'operator', ready: 'table tbody tr' },
    {
      name: 'farm detail',
      hash: '#/farms/farm-0000',
      heading: 'North Field',
      role: 'operator',
      ready: 'path.recharts-curve',
    },
    {
      name: 'stale farm detail',
      hash: '#/farms/farm-0002',
      heading: 'Orchard Hill',
      role: 'operator',
      ready: 'path.recharts-curve',
    },
    { name: 'offline farm detail', hash: '#/farms/farm-0003', heading: 'Steppe Farm', role: 'operator' },
    { name: 'commands', hash: '#/commands', heading: 'Команды', role: 'operator', ready: 'table tbody tr' },
    { name: 'alerts', hash: '#/alerts', heading: 'Тревоги', role: 'operator', ready: 'main li' },
    { name: 'devices', hash: '#/devices', heading: 'Устройства', role: 'support', ready: 'table tbody tr' },
    { name: 'settings', hash: '#/settings', heading: 'Настройки', role: 'operator' },
  ];

/** Text a user can see or hear: visible text nodes, and the placeholder, title and aria-label of elements. */
const SHOWN_TEXT = `(() => {
  const out = [];
  const visible = (el) => !!el && el.checkVisibility({ visibilityProperty: true, opacityProperty: false });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(), i = 0; n && i < 100000; n = walker.nextNode(), i++) {
    const s = n.nodeValue.trim();
    if (s && visible(n.parentElement)) out.push(s);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
    for (const a of ['placeholder', 'title', 'aria-label']) {
      const s = (el.getAttribute(a) || '').trim();
      if (s) out.push(s);
    }
  }
  const whole = (document.body.innerText || '').split('\\n').map((s) => s.trim()).filter(Boolean);
  return [...out, ...whole];
})()`;

describe('the control room in Russian', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let fake: FakeFarms;
  let page: Page;

  beforeAll(async () => {
    ctx = await startCoreHost();
    browser = await launchChromium();
    const now = Date.now();
    // More than a page of the farm table; health as the core words it.
    const farms = makeFarms(30, { now, unlocatedEvery: 6 }).map((f) => coreHealth(f, now));
    fake = installFakeFarms(ctx.core, {
      farms,
      me: ROLES.operator,
      devices: [makeDevice(0, { now }), makeDevice(1, { now, keyDays: 9 }), makeDevice(3, { now, tags: [] })],
      commands: [makeCommand(1, farms[0]!, 'succeeded', now), makeCommand(2, farms[1]!, 'failed', now)],
    });
    // A built-in rule's alert: its name must be shown in Russian.
    const alert = makeSensorAlert(farms[0]!, 'soil-moisture', {
      value: 1.9,
      limit: 20,
      direction: 'below',
      ruleId: 'builtin:expected-range',
      ruleName: 'Outside the expected range',
    });
    ctx.core.handlers.listAlerts = async (f) => ({
      alerts: [alert].filter((a) => !f.state || f.state.includes(a.state)).slice(0, f.limit ?? 200),
      counts: { firing: 1, acknowledged: 0 },
    });
    await ctx.core.handlers.updateSettings({ language: 'ru' });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await ctx?.dispose();
  });

  async function show(view: (typeof VIEWS)[number]): Promise<void> {
    fake.me = ROLES[view.role];
    await page.goto(`${ctx.host.url}${view.hash}`);
    await page.reload(); // who-am-I is read at start
    await page.getByRole('heading', { level: 1, name: view.heading, exact: true }).waitFor();
    if (view.ready) await page.locator(view.ready).first().waitFor();
    await page.locator('[role=progressbar]').first().waitFor({ state: 'detached' }); // not waitForFunction: the page's CSP forbids its eval
  }

  /** The English dictionary strings on screen now, as "[where] "text" (key)". */
  async function englishOnScreen(where: string): Promise<string[]> {
    const shown = await page.evaluate<string[]>(SHOWN_TEXT);
    return [...new Set(shown)].flatMap((s) => {
      const key = ENGLISH.get(s);
      return key ? [`[${where}] "${s}" (${key})`] : [];
    });
  }

  it('shows no English string of the app on any view, tab or dialog', async () => {
    const found: string[] = [];
    for (const view of VIEWS) {
      await show(view);
      found.push(...(await englishOnScreen(view.name)));
      if (view.name === 'alerts') {
        const tabs = page.getByRole('main').getByRole('tab');
        const n = await tabs.count();
        for (let i = 0; i < n && i < 10; i++) {
          await tabs.nth(i).click();
          await page.locator('[role=progressbar]').first().waitFor({ state: 'detached' }); // not waitForFunction: the page's CSP forbids its eval
          found.push(...(await englishOnScreen(`alerts tab ${(await tabs.nth(i).innerText()).trim()}`)));
        }
      }
      if (view.name === 'farm detail') {
        // Any command's Send (the labels are checked below): the confirmation's own texts are the point here.
        await page
          .getByRole('region', { name: 'Команды' })
          .getByRole('button', { name: /Отправить/ })
          .last()
          .click();
        await page.getByRole('dialog').waitFor();
        found.push(...(await englishOnScreen('command confirmation')));
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
      }
    }
    if (found.length) console.log(`English on the Russian screen:\n${found.join('\n')}`);
    expect(found, `English on the Russian screen:\n${found.join('\n')}`).toEqual([]);
  }, 120_000);

  it("shows the layout's Russian labels of sensors, actuators and commands", async () => {
    await show(VIEWS[2]!);
    const main = page.getByRole('main');
    for (const label of [
      'Влажность почвы',
      'Уровень в баке',
      'Клапан полива 1',
      'Главный насос',
      'Открыть на время',
      'Режим',
    ])
      await main.getByText(label, { exact: true }).first().waitFor();
    await page
      .getByText('Outside the expected range')
      .waitFor({ state: 'detached', timeout: 1 })
      .catch(() => {});
    await show(VIEWS[6]!);
    await main.getByText('Вне ожидаемого диапазона', { exact: true }).first().waitFor();
  }, 60_000);

  it('catches English when there is English: the same check in English finds the dictionary on screen', async () => {
    await ctx.core.handlers.updateSettings({ language: 'en' });
    try {
      await page.goto(`${ctx.host.url}#/farms`);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Farms', exact: true }).waitFor();
      await page.locator('table tbody tr').first().waitFor();
      expect((await englishOnScreen('farms in English')).length).toBeGreaterThan(10);
    } finally {
      await ctx.core.handlers.updateSettings({ language: 'ru' });
    }
  }, 60_000);
});
