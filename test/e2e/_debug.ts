import { startCoreHost } from '../support/core-host.ts';
import { makeFarms, ROLES } from '../renderer/fixtures.ts';
import { installFakeFarms } from './support/fake-farms.ts';
import { launchTestBrowser } from './support/browser.ts';
const ctx = await startCoreHost();
installFakeFarms(ctx.core, { farms: makeFarms(1000, { now: Date.now() }), me: ROLES.operator });
const browser = await launchTestBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
await page.goto(`${ctx.host.url}#/map`);
await page.locator('[data-marker]').first().waitFor();
for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
await page.waitForTimeout(300);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const times = await page.evaluate(`(async () => {
    const map = document.querySelector('[aria-roledescription=map]');
    map.focus();
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const times = [];
    for (const key of ['+', '-', '+', '-']) {
      const t0 = performance.now();
      map.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      const t1 = performance.now();
      await frame();
      times.push([t1 - t0, performance.now() - t0]);
    }
    return times;
  })()`);
console.log(JSON.stringify(times));
const { profile } = (await cdp.send('Profiler.stop')) as any;
const self = new Map<string, number>();
const dt = profile.timeDeltas as number[];
const idToNode = new Map(profile.nodes.map((n: any) => [n.id, n]));
profile.samples.forEach((id: number, i: number) => {
  const n: any = idToNode.get(id);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
});
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join('\n'));
await browser.close();
await ctx.dispose();
