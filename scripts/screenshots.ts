/**
 * Screenshots of the web UI for the README and docs/screenshots/: starts Vivace in this process
 * on free ports, sends 20 minutes of the demo shop's traffic, opens each page in Chromium and
 * saves it. `npm run screenshots` (needs Chromium: CHROMIUM_PATH, default /usr/bin/chromium).
 */
import path from 'node:path';
import { chromium } from 'playwright-core';
import { makeRequests, postAll } from '../bench/lib.js';
import { startTestServer } from '../test/helpers/server.js';

const OUT = path.join(import.meta.dirname, '..', 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const server = await startTestServer({ ui: { enabled: true, httpListenPort: 0 } });
try {
  const made = makeRequests(30_000, 11, 500, 50, undefined, Date.now() - 20 * 60_000, 2);
  await postAll(`${server.otlpHttp}/v1/traces`, 'application/x-protobuf', made.requests, 4);
  const ui = `http://127.0.0.1:${server.app.ports.ui}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const shot = async (name: string, url: string, ready: string) => {
    await page.goto(`${ui}${url}`);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    console.log(`docs/screenshots/${name}.png`);
  };
  const q = '{ resource.service.name = "checkout" && status = error }';
  await shot(
    'explore',
    `/explore?q=${encodeURIComponent(q)}&from=now-30m&to=now`,
    'table.results tbody tr',
  );
  const links = await Promise.all(
    (await page.locator('a.trace-link').all()).map(
      async (a) => (await a.getAttribute('href')) ?? '',
    ),
  );
  const link = links[0];
  await shot('trace', link ?? '/explore', '[role=treeitem]');
  await page.getByRole('checkbox', { name: 'Critical path' }).check();
  await page.getByRole('treeitem').nth(2).click();
  await page.screenshot({ path: path.join(OUT, 'trace-details.png') });
  console.log('docs/screenshots/trace-details.png');
  await page.getByRole('tab', { name: 'Flame graph' }).click();
  await page.screenshot({ path: path.join(OUT, 'flame-graph.png') });
  await page.getByRole('tab', { name: 'Statistics' }).click();
  await page.screenshot({ path: path.join(OUT, 'statistics.png') });
  const ids = links.slice(0, 2).map((l) => l.replace('/trace/', ''));
  await shot('compare', `/compare?a=${ids[0]}&b=${ids[1]}`, 'table.compare-table tbody tr');
  await page.goto(`${ui}/explore`);
  await page.getByRole('button', { name: 'Search builder' }).click();
  await page.getByLabel('Service').selectOption('payment');
  await page.getByLabel('Status').selectOption('error');
  await page.getByRole('button', { name: 'Add attribute condition' }).click();
  await page.getByLabel('Attribute', { exact: true }).fill('http.status_code');
  await page.getByLabel('Operator').selectOption('>=');
  await page.getByLabel('Value').fill('500');
  await page.screenshot({ path: path.join(OUT, 'search-builder.png') });
  console.log('docs/screenshots/search-builder.png');
  await shot('status', '/status', 'article');
  await shot('service-map', '/services?from=now-30m&to=now&service=checkout', 'g.node');
  await shot('red', '/red?service=checkout&from=now-30m&to=now', 'figure.chart canvas');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.evaluate("localStorage.setItem('vivace.theme', 'dark')");
  await shot(
    'explore-dark',
    `/explore?q=${encodeURIComponent('{ duration > 500ms }')}&from=now-30m&to=now`,
    'table.results tbody tr',
  );
  await browser.close();
} finally {
  await server.close();
}
