/**
 * Renderer benchmark (built renderer in Debian Chromium, real core + browser host serving fixture data):
 *   1. frame times while panning the map with 1,000 farms (baseline: the same pan with no farms);
 *   2. time from picking "30 d" to a rendered chart of one-minute data (43,200 points → chart width),
 *      baseline: the same chart over 24 h; plus the client guard when a source ignores maxPoints.
 * Run: `npx vite build && npx node bench/renderer-map.ts` (prints JSON).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AgromeshError } from '../protocol/errors.ts';
import { HistoryResponse } from '../protocol/farm-api.ts';
import { minMaxDownsample } from '../renderer/src/lib/downsample.ts';
import { startCoreHost } from '../test/support/core-host.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { signInPage } from '../test/support/host-session.ts';
import { installFakeFarms } from '../test/e2e/support/fake-farms.ts';
import { makeFarms, makeSeries, ROLES } from '../test/renderer/fixtures.ts';

const DRAG_STEPS = 120;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return {
    frames: s.length,
    p50Ms: +q(0.5).toFixed(1),
    p95Ms: +q(0.95).toFixed(1),
    maxMs: +(s[s.length - 1] ?? 0).toFixed(1),
    over50Ms: s.filter((x) => x > 50).length,
  };
}

/** Drags the map back and forth while the page records requestAnimationFrame intervals. */
async function panFrames(page: Page): Promise<number[]> {
  const box = (await page.getByRole('region', { name: /Farm map/ }).boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(`(() => {
    window.__frames = [];
    let last = performance.now();
    const loop = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(loop); };
    window.__recording = true;
    requestAnimationFrame(loop);
  })()`);
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx - 300, cy - 120, { steps: DRAG_STEPS });
  await page.mouse.move(cx + 300, cy + 120, { steps: DRAG_STEPS });
  await page.mouse.move(cx, cy, { steps: DRAG_STEPS });
  await page.mouse.up();
  return page.evaluate<number[]>(
    `(() => { window.__recording = false; return window.__frames.slice(1); })()`,
  );
}

/** Zooms in and out with the keyboard, timing each step until the next painted frame. */
async function zoomSteps(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(`(async () => {
    const map = document.querySelector('[aria-roledescription=map]');
    map.focus();
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const times = [];
    for (const key of ['+', '+', '-', '-', '+', '-', '+', '-']) {
      const t0 = performance.now();
      map.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      await frame();
      times.push(performance.now() - t0);
    }
    return times;
  })()`);
}

/** Clicks a range button in the page and times until the chart's status line and path are painted. */
async function chartTime(page: Page, rangeLabel: string, expectSource: RegExp): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve, reject) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim().toLowerCase() === ${JSON.stringify(rangeLabel.toLowerCase())});
    if (!button) return reject(new Error('no range button'));
    const done = () => new RegExp(${JSON.stringify(expectSource.source)}).test(document.body.innerText) && document.querySelector('figure path.recharts-curve, [role=figure] path.recharts-curve');
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    button.click();
    setTimeout(() => reject(new Error('chart did not render in 20 s')), 20000);
  })`);
}

async function main() {
  if (!existsSync(join(process.cwd(), 'dist', 'renderer', 'index.html'))) {
    throw new Error('Build the renderer first: npx vite build');
  }
  const ctx = await startCoreHost();
  const browser = await launchChromium();
  try {
    const now = Date.now();
    const fake = installFakeFarms(ctx.core, { farms: [], me: ROLES.agronomist });
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signInPage(page, ctx.host); // the host serves its bridge to signed-in pages only

    // --- map: baseline (basemap only), then 1,000 farms -----------------------------------------------
    await page.goto(`${ctx.host.url}#/map`);
    await page.getByRole('region', { name: /Farm map/ }).waitFor();
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    const baseline = stats(await panFrames(page));

    for (const f of makeFarms(1000, { now })) fake.farms.set(f.farmId, f);
    await page.goto(`${ctx.host.url}#/farms`);
    await page.goto(`${ctx.host.url}#/map`);
    await page.reload();
    await page.locator('[data-marker]').first().waitFor();
    const clusteredMarkers = await page.locator('[data-marker]').count();
    const clustered = stats(await panFrames(page));
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await page.waitForTimeout(200);
    const zoomedMarkers = await page.locator('[data-marker]').count();
    const zoomed = stats(await panFrames(page));
    const zoom = stats(await zoomSteps(page));

    // --- chart: 30 days of one-minute data for one sensor ---------------------------------------------
    const farmId = 'farm-0000';
    await page.goto(`${ctx.host.url}#/farms/${farmId}`);
    const history = page.getByRole('region', { name: 'History' });
    await history.locator('path.recharts-curve').first().waitFor();
    for (const name of ['Soil moisture', 'Tank level'])
      await history.getByRole('checkbox', { name }).uncheck();
    await page.waitForFunction(`document.querySelectorAll('path.recharts-curve').length === 1`);
    const chartWidth = await history
      .locator('svg.recharts-surface')
      .first()
      .evaluate((el) => el.getBoundingClientRect().width);
    const runs = (label: string, source: RegExp) => async () => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        await history.getByRole('button', { name: '1 h' }).click();
        await page.getByText(/of 6[01] measured/).waitFor();
        times.push(await chartTime(page, label, source));
      }
      return +Math.min(...times).toFixed(1);
    };
    const day1 = await runs('24 h', /of 144[01] measured/)();
    const day30 = await runs('30 d', /of 4320[01] measured/)();
    const served = fake.historyRequests.at(-1)!;

    // A source that ignores maxPoints: the client guard must still cap the chart at its width.
    ctx.core.handlers.getHistory = async ({ farmId: id, sensorIds, from, to }) => {
      if (id !== farmId) throw new AgromeshError('NOT_FOUND');
      const points = makeSeries(from, to, 60_000, 1);
      return {
        fromCache: false,
        series: sensorIds.map((sensorId) =>
          HistoryResponse.parse({
            farmId: id,
            sensorId,
            from,
            to,
            method: 'raw',
            resolutionMs: 60_000,
            sourcePoints: points.length,
            points,
          }),
        ),
      };
    };
    const day30raw = await runs('30 d', /of 4320[01] measured/)();
    const drawnPoints = await page.evaluate<number>(
      `document.querySelector('path.recharts-curve').getAttribute('d').split(/[ML]/).length - 1`,
    );

    const raw = makeSeries(now - 30 * 86_400_000, now, 60_000, 1);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) minMaxDownsample(raw, Math.floor(chartWidth));
    const guardMs = (performance.now() - t0) / 20;

    console.log(
      JSON.stringify(
        {
          map: {
            farms: 1000,
            panBaselineNoFarms: baseline,
            panClustered: {
              markers: clusteredMarkers,
              ...clustered,
              p95VsBaseline: +(clustered.p95Ms / baseline.p95Ms).toFixed(2),
            },
            panZoomedIn: {
              markers: zoomedMarkers,
              ...zoomed,
              p95VsBaseline: +(zoomed.p95Ms / baseline.p95Ms).toFixed(2),
            },
            keyboardZoomStepToPaint: zoom,
          },
          chart: {
            chartWidthPx: Math.round(chartWidth),
            requestedMaxPoints: served.maxPoints,
            renderMs24h1440pts: day1,
            renderMs30d43200pts: day30,
            ratio30dVs24h: +(day30 / day1).toFixed(2),
            renderMs30dRawFromSourceIgnoringMaxPoints: day30raw,
            pointsDrawnAfterGuard: drawnPoints,
            clientGuardDownsampleMs: +guardMs.toFixed(2),
            targetMs: 300,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    await ctx.dispose();
  }
}

await main();
