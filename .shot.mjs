import { chromium } from 'playwright-core';
const url = process.argv[2]; const routes = process.argv.slice(3);
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--headless','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
p.on('console', m => { if (m.type()==='error') console.log('console:', m.text()); });
for (const r of routes) {
  const [route, h] = r.split('@');
  if (h) await p.setViewportSize({ width: 1280, height: Number(h) });
  await p.goto(url + '#/' + route); await p.waitForTimeout(4000);
  const name = route.replace(/\//g,'_') || 'root';
  await p.screenshot({ path: `/tmp/shots/${name}.png` });
  console.log('shot', name);
}
await b.close();
