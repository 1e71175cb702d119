/**
 * Accessibility as a keyboard and screen-reader user meets it (issue 18, item 13): axe-core on every view,
 * light and dark, at desktop (1440×900) and phone (390×844) size, with 0 serious or critical violations; the command confirmation
 * opens on Cancel so a double Enter sends nothing; focus rings are visible; the Alerts link says its count once.
 * Fixture farms through a real core and browser host (test/e2e/support/fake-farms.ts). Build first: `npx vite build`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoreHost } from '../support/core-host.ts';
import { makeCommand, makeDevice, makeFarms, makeSensorAlert, ROLES } from '../renderer/fixtures.ts';
import { signInPage } from '../support/host-session.ts';
import { launchChromium } from '../support/chromium.ts';
import { waitFor } from '../support/wait-for.ts';
import { type FakeFarms, installFakeFarms } from './support/fake-farms.ts';

// Evaluated through the devtools protocol: the page's CSP (script-src 'self') rightly refuses a script tag.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** What shows a list view is drawn: table rows at desktop, cards on a phone (test/e2e/phone.test.ts). */
const ROWS = 'main table tbody tr, main li.MuiPaper-root';

/** Every view, with what shows it is fully drawn (so axe sees the real content, not a spinner). */
const VIEWS: { name: string; hash: string; heading: string; role: 'operator' | 'support'; ready?: string }[] =
  [
    { name: 'map', hash: '#/map', heading: 'Map', role: 'operator', ready: 'svg' },
    { name: 'farms list', hash: '#/farms', heading: 'Farms', role: 'operator', ready: ROWS },
    {
      name: 'farm detail',
      hash: '#/farms/farm-0000',
      heading: 'North Field',
      role: 'operator',
      ready: 'path.recharts-curve',
    },
    // A stale farm: greyed readings must stay readable.
    {
      name: 'stale farm detail',
      hash: '#/farms/farm-0004',
      heading: 'Greenhouse 7',
      role: 'operator',
      ready: 'path.recharts-curve',
    },
    { name: 'commands', hash: '#/commands', heading: 'Commands', role: 'operator', ready: ROWS },
    { name: 'alerts', hash: '#/alerts', heading: 'Alerts', role: 'operator', ready: 'main li' },
    { name: 'devices', hash: '#/devices', heading: 'Devices', role: 'support', ready: ROWS },
    { name: 'settings', hash: '#/settings', heading: 'Settings', role: 'operator' },
  ];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe on the whole page; returns the serious and critical violations, one readable line per node. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Colours are measured as drawn: while a dialog fades in, its button is still blended with the backdrop
  // (3.9:1 mid-transition, 4.5:1 at rest). CSS transitions end; animations such as spinners may not.
  // (Polled with evaluate: the page's CSP forbids the string eval waitForFunction would use.)
  await waitFor(
    async () =>
      (await page.evaluate(
        "document.getAnimations().filter((a) => a instanceof CSSTransition).every((a) => a.playState !== 'running')",
      )) === true,
    5_000,
    'transitions to end',
  );
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  );
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${v.help}; ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`,
      ),
    );
}

describe('accessibility with keyboard, screen reader and axe-core', () => {
  let ctx: Awaited<ReturnType<typeof startCoreHost>>;
  let browser: Browser;
  let fake: FakeFarms;

  beforeAll(async () => {
    ctx = await startCoreHost();
    browser = await launchChromium();
    const now = Date.now();
    const farms = makeFarms(6, { now, unlocatedEvery: 6 });
    fake = installFakeFarms(ctx.core, {
      farms,
      me: ROLES.operator,
      devices: [makeDevice(0, { now }), makeDevice(1, { now, keyDays: 9 }), makeDevice(3, { now, tags: [] })],
      commands: [makeCommand(1, farms[0]!, 'succeeded', now), makeCommand(2, farms[1]!, 'failed', now)],
    });
    const at = new Date(now - 5 * 60_000).toISOString();
    const alerts = [
      makeSensorAlert(farms[0]!, 'soil-moisture', {
        value: 1.9,
        limit: 20,
        direction: 'below',
        severity: 'critical',
        ruleName: 'Soil too dry',
        startedAt: at,
        firedAt: at,
      }),
    ];
    ctx.core.handlers.listAlerts = async (f) => ({
      alerts: alerts.filter((a) => !f.state || f.state.includes(a.state)).slice(0, f.limit ?? 200),
      counts: { firing: 1, acknowledged: 0 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.dispose();
  });

  async function openPage(theme: 'light' | 'dark', viewport = DESKTOP): Promise<Page> {
    await ctx.core.handlers.updateSettings({ language: 'en', theme });
    const page = await browser.newPage({ viewport, locale: 'en-GB', colorScheme: theme });
    page.setDefaultTimeout(10_000);
    await signInPage(page, ctx.host);
    return page;
  }

  async function show(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
    fake.me = ROLES[view.role];
    await page.goto(`${ctx.host.url}${view.hash}`);
    await page.reload(); // who-am-I is read at start
    await page.getByRole('heading', { level: 1, name: view.heading, exact: true }).waitFor();
    if (view.ready) await page.locator(view.ready).first().waitFor();
    await page.locator('[role=progressbar]').first().waitFor({ state: 'detached' }); // not waitForFunction: the page's CSP forbids its eval
  }

  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      it(`has no serious or critical axe violations on any view, ${theme}, ${size} ${viewport.width}×${viewport.height}`, async () => {
        const page = await openPage(theme, viewport);
        const found: string[] = [];
        for (const view of VIEWS) {
          await show(page, view);
          expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
          for (const line of await seriousViolations(page)) found.push(`[${view.name}] ${line}`);
        }
        await page.close();
        expect(found.length, `serious or critical axe violations:\n${found.join('\n')}`).toBe(0);
      }, 120_000);
    }
  }

  it('opens the command confirmation on Cancel: Enter closes it and sends nothing', async () => {
    const page = await openPage('light');
    await show(page, VIEWS[2]!);
    const before = fake.commands.length;
    const send = page
      .getByRole('region', { name: 'Commands' })
      .getByRole('form', { name: 'Irrigation valve 1: Close' })
      .getByRole('button', { name: /Send/ });
    await send.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Send this command?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await waitFor(
      () =>
        dialog
          .getByRole('button', { name: 'Cancel' })
          .evaluate((el) => el === el.ownerDocument.activeElement),
      5_000,
      'focus on Cancel',
    );
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(fake.commands.length).toBe(before);
    await page.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`draws a visible focus ring when tabbing, ${theme}`, async () => {
      const page = await openPage(theme);
      await show(page, VIEWS[1]!);
      const link = page.getByRole('navigation').getByRole('link', { name: 'Commands' });
      await page.getByRole('navigation').getByRole('link', { name: 'Farms' }).focus();
      await page.keyboard.press('Tab'); // keyboard focus: :focus-visible applies
      await page.keyboard.press('Tab');
      await link.evaluate(
        (el) => el === el.ownerDocument.activeElement || Promise.reject(new Error('not focused')),
      );
      const ring = await link.evaluate((el) => {
        const s = el.ownerDocument.defaultView!.getComputedStyle(el);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor };
      });
      expect(ring.style).not.toBe('none');
      expect(ring.width).toBeGreaterThanOrEqual(2);
      // Against the drawer's background the ring must reach 3:1 (WCAG 1.4.11, non-text contrast).
      const bg = await page
        .locator('.MuiDrawer-paper')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
      expect(contrast(ring.color, bg)).toBeGreaterThanOrEqual(3);
      await page.close();
    });
  }

  it('names the Alerts link once with its count: "Alerts, 1 firing"', async () => {
    const page = await openPage('light');
    await show(page, VIEWS[0]!);
    await page.getByRole('navigation').getByRole('link', { name: 'Alerts, 1 firing', exact: true }).waitFor();
    await page.close();
  });
});

/** WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: both are opaque here). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
