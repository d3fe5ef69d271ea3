/**
 * The web UI in a real browser (playwright-core driving Debian's chromium) against a real Vivace:
 * Explore (query from the URL, from the editor with Ctrl+Enter, an error at its position, load
 * more), the trace view (waterfall rows, collapse and expand, keyboard, span details with
 * attributes, resource, events and stack trace, a link to another trace), opening a trace by id,
 * an unknown trace, the theme, and a 10,000-span trace scrolled without a long task over 200 ms.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { postOtlp } from '../helpers/otlp-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB_DIST = path.join(import.meta.dirname, '..', '..', 'web', 'dist', 'index.html');

const NOW_NS = BigInt(Date.now() - 5 * 60_000) * 1_000_000n;
const MS = 1_000_000n;

const CHECKOUT = 'c0ffee00000000000000000000000001';
const OTHER = 'c0ffee00000000000000000000000002';
const BIG = 'c0ffee00000000000000000000000003';

interface SpanDef {
  id: string;
  parent?: string;
  service: string;
  name: string;
  at: number;
  ms: number;
  /** OTLP span kind; server by default. */
  kind?: number;
  error?: boolean;
  attrs?: Record<string, string | number>;
  events?: Array<{ name: string; at: number; attrs: Record<string, string> }>;
  links?: Array<{ traceId: string; spanId: string }>;
}

const attr = (key: string, v: string | number) => ({
  key,
  value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
});

/** An OTLP/HTTP JSON body with the spans of one trace, a resource per service. */
function otlp(traceId: string, spans: SpanDef[]): string {
  const services = [...new Set(spans.map((s) => s.service))];
  return JSON.stringify({
    resourceSpans: services.map((service) => ({
      resource: { attributes: [attr('service.name', service), attr('host.name', `${service}-1`)] },
      scopeSpans: [
        {
          scope: { name: 'ui-test', version: '1.0' },
          spans: spans
            .filter((s) => s.service === service)
            .map((s) => ({
              traceId,
              spanId: s.id.padStart(16, '0'),
              parentSpanId: s.parent ? s.parent.padStart(16, '0') : '',
              name: s.name,
              kind: s.kind ?? 2,
              startTimeUnixNano: String(NOW_NS + BigInt(s.at) * MS),
              endTimeUnixNano: String(NOW_NS + BigInt(s.at + s.ms) * MS),
              attributes: Object.entries(s.attrs ?? {}).map(([k, v]) => attr(k, v)),
              events: (s.events ?? []).map((e) => ({
                name: e.name,
                timeUnixNano: String(NOW_NS + BigInt(e.at) * MS),
                attributes: Object.entries(e.attrs).map(([k, v]) => attr(k, v)),
              })),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              status: s.error ? { code: 2, message: 'card declined' } : {},
            })),
        },
      ],
    })),
  });
}

const CHECKOUT_SPANS: SpanDef[] = [
  {
    id: 'a1',
    service: 'frontend',
    name: 'GET /checkout',
    at: 0,
    ms: 120,
    attrs: { 'http.route': '/checkout' },
  },
  { id: 'a2', parent: 'a1', service: 'checkout', name: 'PlaceOrder', at: 10, ms: 90 },
  {
    id: 'a3',
    parent: 'a2',
    service: 'payment',
    name: 'Charge',
    at: 20,
    ms: 40,
    error: true,
    attrs: { 'payment.amount': 1250 },
    events: [
      {
        name: 'exception',
        at: 50,
        attrs: {
          'exception.type': 'CardError',
          'exception.stacktrace': 'CardError: declined\n  at charge (pay.js:12)',
        },
      },
    ],
    links: [{ traceId: OTHER, spanId: '00000000000000b1' }],
  },
  { id: 'a4', parent: 'a2', service: 'checkout', name: 'SELECT orders', at: 70, ms: 5 },
];

const CALLS = 'c0ffee00000000000000000000000004';

/** frontend → shop (client/server), shop → postgresql (a database: a virtual node). */
const CALL_SPANS: SpanDef[] = [
  { id: 'c1', service: 'web', name: 'GET /', at: 3000, ms: 50 },
  { id: 'c2', parent: 'c1', service: 'web', name: 'call shop', at: 3005, ms: 40, kind: 3 },
  { id: 'c3', parent: 'c2', service: 'shop', name: 'ListItems', at: 3006, ms: 30 },
  {
    id: 'c4',
    parent: 'c3',
    service: 'shop',
    name: 'SELECT items',
    at: 3010,
    ms: 5,
    kind: 3,
    attrs: { 'db.system': 'postgresql' },
  },
];

const OTHER_SPANS: SpanDef[] = [
  { id: 'b1', service: 'frontend', name: 'GET /cart', at: 1000, ms: 30 },
];

/** A 10,000-span trace: a root with 99 children of 100 children each. */
function bigTrace(): SpanDef[] {
  const spans: SpanDef[] = [{ id: '1', service: 'loadgen', name: 'batch', at: 2000, ms: 10_000 }];
  for (let i = 0; i < 99; i++) {
    const parent = (0x1000 + i).toString(16);
    spans.push({
      id: parent,
      parent: '1',
      service: `svc-${i % 7}`,
      name: `step ${i}`,
      at: 2000 + i * 90,
      ms: 85,
    });
    for (let j = 0; j < 100; j++) {
      const id = (0x100000 + i * 1000 + j).toString(16);
      spans.push({
        id,
        parent,
        service: `svc-${j % 5}`,
        name: `call ${i}.${j}`,
        at: 2000 + i * 90 + j,
        ms: 1,
      });
    }
  }
  return spans;
}

let server: TestServer;
let browser: Browser;
let ui: string;

async function post(body: string): Promise<void> {
  const res = await postOtlp(server.otlpHttp, body, { 'Content-Type': 'application/json' });
  assert.equal(res.status, 200, res.body.toString());
}

before(async () => {
  assert.ok(existsSync(WEB_DIST), 'the web UI is built (npm ci runs npm run build:web)');
  assert.ok(existsSync(CHROMIUM), `chromium at ${CHROMIUM} (.ci/run installs it)`);
  server = await startTestServer({ ui: { enabled: true, httpListenPort: 0 } });
  ui = `http://127.0.0.1:${server.app.ports.ui}`;
  await post(otlp(CHECKOUT, CHECKOUT_SPANS));
  await post(otlp(OTHER, OTHER_SPANS));
  await post(otlp(BIG, bigTrace()));
  await post(otlp(CALLS, CALL_SPANS));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${ui}${path}`);
  return page;
}

const explore = (q: string) =>
  `/explore?${new URLSearchParams({ q, from: 'now-1h', to: 'now' }).toString()}`;

describe('web UI: explore', () => {
  it('loads the first page, editor included, in under a second', async () => {
    const page = await browser.newPage();
    await page.goto(`${ui}/explore`);
    await page.getByRole('textbox', { name: 'TraceQL query' }).waitFor();
    // Milliseconds since the navigation started, in the page's own clock.
    const ms = await page.evaluate<number>('performance.now()');
    assert.ok(ms < 1000, `${Math.round(ms)} ms`);
    await page.close();
  });

  it('runs the query in the URL: newest trace first, with root, counts and matched spans', async () => {
    const page = await open(explore('{ resource.service.name = "frontend" }'));
    const rows = page.locator('table.results tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 2);
    const first = await rows.nth(0).locator('td').allInnerTexts();
    assert.match(first[0] ?? '', /frontend GET \/cart/);
    const second = await rows.nth(1).locator('td').allInnerTexts();
    assert.match(second[0] ?? '', /frontend GET \/checkout/);
    assert.match(second[0] ?? '', new RegExp(CHECKOUT));
    assert.equal(second[2], '120ms');
    assert.equal(second[3], '4');
    assert.equal(second[4], '1');
    assert.equal(second[5], 'GET /checkout');
    await page.close();
  });

  it('runs what the editor holds on Ctrl+Enter and puts it in the URL', async () => {
    const page = await open('/explore');
    const editor = page.getByRole('textbox', { name: 'TraceQL query' });
    await editor.fill('{ status = error }');
    await editor.press('Control+Enter');
    await page.locator('table.results tbody tr').first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), '{ status = error }');
    assert.deepEqual(await page.locator('table.results tbody tr td:last-child').allInnerTexts(), [
      'Charge',
    ]);
    await page.close();
  });

  it('shows a bad query’s error with its line and column, and marks that place in the editor', async () => {
    const page = await open(explore('{ .a = }'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /parse error at line 1, col 8/);
    const marked = page.locator('.cm-lintRange-error');
    await marked.waitFor();
    assert.equal(await marked.innerText(), '}');
    await page.close();
  });

  it('highlights TraceQL: scopes, attributes, operators, strings', async () => {
    const page = await open(explore('{ resource.service.name = "frontend" && duration > 10ms }'));
    await page.locator('.tq-string').first().waitFor();
    assert.equal(await page.locator('.tq-string').first().innerText(), '"frontend"');
    assert.equal(await page.locator('.tq-number').first().innerText(), '10ms');
    assert.ok((await page.locator('.tq-attribute').count()) > 0);
    await page.close();
  });

  it('completes scopes, attribute names from the tags API, and their values', async () => {
    const page = await open('/explore');
    const editor = page.getByRole('textbox', { name: 'TraceQL query' });
    await editor.fill('');
    await editor.pressSequentially('{ resource.');
    const options = page.locator('.cm-tooltip-autocomplete li');
    await options.first().waitFor();
    assert.ok((await options.allInnerTexts()).some((o) => o.includes('service.name')));
    await editor.pressSequentially('service.name = ');
    await page.waitForFunction(
      "[...document.querySelectorAll('.cm-tooltip-autocomplete li')].some((li) => li.textContent.includes('payment'))",
    );
    await page.locator('.cm-tooltip-autocomplete li', { hasText: 'payment' }).click();
    assert.equal(await editor.innerText(), '{ resource.service.name = "payment"');
    await editor.pressSequentially(' && status = ');
    await page.locator('.cm-tooltip-autocomplete li', { hasText: 'error' }).waitFor();
    await page.close();
  });

  it('builds a query from the search builder, shows it, and runs it', async () => {
    const page = await open('/explore');
    await page.getByRole('button', { name: 'Search builder' }).click();
    const service = page.getByLabel('Service');
    await service.locator('option', { hasText: 'payment' }).waitFor({ state: 'attached' });
    await service.selectOption('payment');
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Add attribute condition' }).click();
    const row = page.getByRole('group', { name: 'Attribute condition 1' });
    await row.getByLabel('Attribute').fill('payment.amount');
    await row.getByLabel('Operator').selectOption('>');
    await row.getByLabel('Value').fill('1000');
    const built =
      '{ resource.service.name = "payment" && status = error && span.payment.amount > 1000 }';
    assert.equal(await page.getByLabel('Built query').innerText(), built);
    await page.getByRole('button', { name: 'Run built query' }).click();
    await page.locator('table.results tbody tr').first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), built);
    assert.deepEqual(await page.locator('table.results tbody td:last-child').allInnerTexts(), [
      'Charge',
    ]);
    assert.equal(await page.getByRole('textbox', { name: 'TraceQL query' }).innerText(), built);
    await page.close();
  });

  it('takes an absolute time range, kept in the URL as unix ms', async () => {
    const page = await open(explore('{}'));
    await page.locator('table.results tbody tr').first().waitFor();
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('custom');
    const local = (ms: number) => {
      const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 19);
    };
    const dayAgo = Date.now() - 86_400_000;
    await page.getByLabel('From').fill(local(dayAgo - 3_600_000));
    await page.getByLabel('To').fill(local(dayAgo));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('0 traces in').waitFor();
    const url = new URL(page.url());
    assert.match(url.searchParams.get('from') ?? '', /^\d{13}$/);
    assert.equal(
      Number(url.searchParams.get('to')) - Number(url.searchParams.get('from')),
      3_600_000,
    );
    await page.close();
  });

  it('loads more traces past the first page', async () => {
    const page = await open(`${explore('{}')}&limit=1`);
    await page.locator('table.results tbody tr').first().waitFor();
    assert.equal(await page.locator('table.results tbody tr').count(), 1);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.waitForFunction("document.querySelectorAll('table.results tbody tr').length === 4");
    await page.close();
  });
});

describe('web UI: service map and RED', () => {
  it('draws services and a database from the stored spans; a node leads to its RED charts', async () => {
    const page = await open('/services?from=now-1h&to=now');
    const map = page.getByRole('group', { name: 'Service map' });
    await map.waitFor();
    const nodes = await Promise.all(
      (await map.locator('g.node').all()).map(
        async (g) => (await g.getAttribute('aria-label')) ?? '',
      ),
    );
    for (const n of ['web', 'shop', 'postgresql (not instrumented)', 'frontend', 'payment']) {
      assert.ok(nodes.includes(n), `${n} in ${nodes.join(', ')}`);
    }
    assert.equal(await map.locator('g.edge').count(), 2);
    assert.match(
      (await map.locator('g.edge').first().locator('title').textContent()) ?? '',
      /shop → postgresql: 1 calls, 0 failed/,
    );
    await map.getByRole('button', { name: 'shop', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Service' });
    assert.match(await panel.innerText(), /Requests\s+[\d.]+\/s/);
    await panel.getByRole('link', { name: 'RED charts' }).click();
    await page.waitForURL(/\/red\?service=shop/);
    const charts = page.getByRole('img', { name: /series over/ });
    await charts.first().waitFor();
    assert.deepEqual(await page.locator('figure.chart figcaption').allInnerTexts(), [
      'Rate',
      'Errors',
      'Duration',
    ]);
    assert.match(await page.locator('figure.chart').nth(2).innerText(), /p50.*p90.*p99/s);
    assert.deepEqual(await page.locator('table.operations tbody td:first-child').allInnerTexts(), [
      'ListItems',
    ]);
    await page.close();
  });

  it('a click on a chart searches the traces of that interval', async () => {
    const page = await open('/red?service=shop&from=now-1h&to=now');
    const chart = page.getByRole('img', { name: /^Rate:/ });
    await chart.waitFor();
    const box = await chart.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(/\/explore\?/);
    const q = new URL(page.url()).searchParams.get('q') ?? '';
    assert.equal(q, '{ resource.service.name = "shop" && (kind = server || kind = consumer) }');
    assert.match(new URL(page.url()).searchParams.get('from') ?? '', /^\d{13}$/);
    await page.close();
  });
});

describe('web UI: accessibility', () => {
  const AXE = readFileSync(
    path.join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js'),
    'utf8',
  );
  const pages: Array<[string, string, string]> = [
    ['explore', explore('{ resource.service.name = "frontend" }'), 'table.results tbody tr'],
    ['trace', `/trace/${CHECKOUT}`, '[role=treeitem]'],
    ['service map', '/services?from=now-1h&to=now', 'g.node'],
    ['RED', '/red?service=shop&from=now-1h&to=now', 'figure.chart canvas'],
    ['status', '/status', 'article'],
  ];
  for (const theme of ['light', 'dark']) {
    for (const [name, url, ready] of pages) {
      it(`${name}, ${theme} theme: no axe violations (contrast, names, roles)`, async () => {
        const page = await browser.newPage();
        await page.goto(`${ui}/explore`);
        await page.evaluate(`localStorage.setItem('vivace.theme', '${theme}')`);
        await page.goto(`${ui}${url}`);
        await page.locator(ready).first().waitFor();
        await page.evaluate(AXE);
        const result = await page.evaluate<{
          violations: Array<{ id: string; nodes: Array<{ target: string[] }> }>;
        }>("axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })");
        const found = result.violations.map(
          (v) =>
            `${v.id}: ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join(', ')}`,
        );
        assert.deepEqual(found, []);
        await page.close();
      });
    }
  }
});

describe('web UI: status', () => {
  it('shows the process, its ports, what was received and what is stored', async () => {
    const page = await open('/status');
    const ingest = page.getByRole('article', { name: 'Ingest' });
    await ingest.waitFor();
    // 4 + 1 + 10,000 + 4 spans sent by this suite.
    assert.match(await ingest.innerText(), /Spans received\s+10,009/);
    assert.match(await ingest.innerText(), /Spans refused\s+none/);
    const process = await page.getByRole('article', { name: 'Process' }).innerText();
    assert.match(process, /State\s+ready/);
    assert.match(process, new RegExp(`ui\\s+${server.app.ports.ui}`));
    assert.match(
      await page.getByRole('article', { name: 'Storage' }).innerText(),
      /WAL\s+[\d.]+ \w+ in \d+ segments/,
    );
    await page.close();
  });
});

describe('web UI: trace view', () => {
  it('opens a trace from the results: a waterfall row per span, depth first', async () => {
    const page = await open(explore('{ resource.service.name = "payment" }'));
    await page.locator('a.trace-link').first().click();
    await page.waitForURL(`${ui}/trace/${CHECKOUT}`);
    const rows = page.getByRole('treeitem');
    await rows.first().waitFor();
    assert.deepEqual(
      (await rows.allInnerTexts()).map((t) =>
        t
          .replace(/\s+/g, ' ')
          .replace(/^[▾▸] ?/, '')
          .trim(),
      ),
      [
        'frontend GET /checkout 120ms',
        'checkout PlaceOrder 90ms',
        'payment Charge error 40ms',
        'checkout SELECT orders 5ms',
      ],
    );
    await page.close();
  });

  it('collapses and expands a subtree', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    const rows = page.getByRole('treeitem');
    await rows.first().waitFor();
    await rows.nth(1).getByRole('button', { name: 'Collapse' }).click();
    assert.equal(await rows.count(), 2);
    await rows.nth(1).getByRole('button', { name: 'Expand' }).click();
    assert.equal(await rows.count(), 4);
    await page.close();
  });

  it('shows a span’s details: status, attributes, resource, event with stack trace, link', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('treeitem').nth(2).click();
    const details = page.getByRole('complementary', { name: 'Span details' });
    await details.waitFor();
    const text = await details.innerText();
    assert.match(text, /payment: Charge/);
    assert.match(text, /error: card declined/);
    assert.match(text, /payment\.amount\s+1250/);
    assert.match(text, /host\.name\s+payment-1/);
    assert.match(text, /exception at \+30ms/);
    assert.match(text, /CardError: declined\n\s*at charge \(pay\.js:12\)/);
    // The page's address names the span shown.
    assert.equal(new URL(page.url()).searchParams.get('span'), '00000000000000a3');
    await details.getByRole('link', { name: new RegExp(OTHER) }).click();
    await page.waitForURL(new RegExp(`/trace/${OTHER}\\?span=00000000000000b1`));
    // The linked span is opened.
    assert.match(
      await page.getByRole('complementary', { name: 'Span details' }).innerText(),
      /frontend: GET \/cart/,
    );
    await page.close();
  });

  it('moves with the keyboard: arrows, Left collapses, Enter shows details', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    const tree = page.getByRole('tree');
    await page.getByRole('treeitem').first().waitFor();
    await tree.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.match(await page.getByRole('complementary').innerText(), /checkout: PlaceOrder/);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getByRole('treeitem').count(), 2);
    await page.close();
  });

  it('opens a trace by id from the header, and says when there is none', async () => {
    const page = await open('/explore');
    await page.getByRole('textbox', { name: 'Trace id' }).fill(OTHER);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('treeitem', { name: /GET \/cart/ }).waitFor();
    await page.goto(`${ui}/trace/${'f'.repeat(32)}`);
    assert.match(await page.getByRole('alert').innerText(), /was not found/);
    await page.close();
  });

  it('statistics: per service and operation, count, total, self time and errors', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('tab', { name: 'Statistics' }).click();
    const rows = page.locator('table.stats tbody tr');
    await rows.first().waitFor();
    const cells = await Promise.all(
      (await rows.all()).map(async (r) => (await r.locator('td').allInnerTexts()).join(' | ')),
    );
    assert.deepEqual(cells, [
      'checkout | PlaceOrder | 1 | 90ms | 45ms | 37.5% | 90ms | 0',
      'payment | Charge | 1 | 40ms | 40ms | 33.3% | 40ms | 1',
      'frontend | GET /checkout | 1 | 120ms | 30ms | 25.0% | 120ms | 0',
      'checkout | SELECT orders | 1 | 5ms | 5ms | 4.2% | 5ms | 0',
    ]);
    await page.close();
  });

  it('critical path: marks the spans the trace waited on', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('treeitem').first().waitFor();
    assert.equal(await page.locator('.row.critical').count(), 0);
    await page.getByRole('checkbox', { name: 'Critical path' }).check();
    assert.equal(await page.locator('.row.critical').count(), 4);
    // The root's own time: before PlaceOrder and after it.
    assert.equal(await page.getByRole('treeitem').first().locator('.path-segment').count(), 2);
    await page.close();
  });

  it('flame graph: a level per depth; clicking a box shows its span', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('tab', { name: 'Flame graph' }).click();
    const canvas = page.getByRole('img', { name: /Flame graph of 4 spans over 3 levels/ });
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    assert.ok(box);
    // Third level (depth 2), a third of the way along: Charge (20–60 ms of 120).
    await page.mouse.click(box.x + box.width * (30 / 120), box.y + 2 * 20 + 10);
    assert.match(await page.getByRole('complementary').innerText(), /payment: Charge/);
    await page.close();
  });

  it('downloads the trace as OTLP JSON and opens that file again', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('treeitem').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download OTLP JSON' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `trace-${CHECKOUT}.json`);
    const file = await download.path();
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      resourceSpans: Array<{
        scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string }> }>;
      }>;
    };
    const spans = doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    assert.equal(spans.length, 4);
    assert.ok(spans.every((s) => s.traceId === CHECKOUT && /^[0-9a-f]{16}$/.test(s.spanId)));
    // Another tool's OTLP JSON (hex ids) opens in the trace view.
    await page.goto(`${ui}/explore`);
    await page.getByLabel('Open trace file').setInputFiles(file);
    await page.waitForURL(`${ui}/trace/file`);
    await page.getByRole('treeitem').first().waitFor();
    assert.equal(await page.getByRole('treeitem').count(), 4);
    assert.match(await page.locator('.trace-head').innerText(), new RegExp(CHECKOUT));
    await page.close();
  });

  it('finds spans in the trace: counts matches, expands and selects each in turn', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    const rows = page.getByRole('treeitem');
    await rows.first().waitFor();
    await rows.nth(1).getByRole('button', { name: 'Collapse' }).click();
    assert.equal(await rows.count(), 2);
    const find = page.getByRole('textbox', { name: 'Find in trace' });
    await find.fill('charge');
    await page.getByText('– of 1').waitFor();
    await page.getByRole('button', { name: 'Next match' }).click();
    await page.getByText('1 of 1').waitFor();
    assert.equal(await rows.count(), 4);
    assert.match(await page.locator('.row.match').innerText(), /payment\s+Charge/);
    assert.match(await page.getByRole('complementary').innerText(), /payment: Charge/);
    await find.fill('nothing like this');
    await page.getByText('no match').waitFor();
    await page.close();
  });

  it('the minimap shows the whole trace and scrolls where it is clicked', async () => {
    const page = await open(`/trace/${BIG}`);
    const minimap = page.getByRole('img', { name: /^Overview of 10000 rows; rows 1 to/ });
    await minimap.waitFor();
    const box = await minimap.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height - 1);
    // Clicked near the bottom: the rows in view are among the last thousand.
    await page.getByRole('img', { name: /rows 9\d{3} to / }).waitFor();
    assert.match(await page.getByRole('treeitem').last().innerText(), /call 9\d\./);
    await page.close();
  });

  it('compares two traces by structure', async () => {
    const page = await open(`/trace/${CHECKOUT}`);
    await page.getByRole('textbox', { name: 'Compare with trace' }).fill(OTHER);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(`${ui}/compare?a=${CHECKOUT}&b=${OTHER}`);
    const rows = page.locator('table.compare-table tbody tr');
    await rows.first().waitFor();
    const cells = await Promise.all(
      (await rows.all()).map(async (r) => (await r.locator('td').allInnerTexts()).join(' | ')),
    );
    assert.deepEqual(cells, [
      'frontend GET /checkout | 1 | 0 | 120ms |  | only in A',
      'checkout PlaceOrder | 1 | 0 | 90ms |  | only in A',
      'payment Charge | 1 | 0 | 40ms |  | only in A',
      'checkout SELECT orders | 1 | 0 | 5ms |  | only in A',
      'frontend GET /cart | 0 | 1 |  | 30ms | only in B',
    ]);
    assert.equal(await page.locator('tr.added').count(), 1);
    await page.close();
  });

  it('switches between light and dark themes', async () => {
    const page = await open('/explore');
    const theme = 'document.documentElement.dataset.theme';
    const before = await page.evaluate(theme);
    await page.getByRole('button', { name: 'Switch theme' }).click();
    const after = await page.evaluate(theme);
    assert.notEqual(after, before);
    assert.ok(after === 'light' || after === 'dark');
    await page.close();
  });

  it('renders and scrolls a 10,000-span trace without a long task over 200 ms', async () => {
    const page = await browser.newPage();
    await page.goto(`${ui}/explore`);
    // Chromium reports main-thread tasks over 50 ms as long tasks.
    await page.evaluate(`
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    `);
    await page.getByRole('textbox', { name: 'Trace id' }).fill(BIG);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('treeitem').first().waitFor();
    assert.match(await page.locator('.trace-head').innerText(), /Spans\n10000\n/);
    // Only the rows in view are in the page.
    assert.ok((await page.getByRole('treeitem').count()) < 120);
    for (let i = 1; i <= 20; i++) {
      await page.evaluate(`document.querySelector('.waterfall').scrollTo(0, ${i * 12_000})`);
      await page.waitForTimeout(20);
    }
    assert.match(await page.getByRole('treeitem').last().innerText(), /call|step/);
    const longTasks = await page.evaluate<number[]>('window.longTasks');
    assert.ok(
      Math.max(0, ...longTasks) < 200,
      `long tasks: ${longTasks.map(Math.round).join(', ')} ms`,
    );
    await page.close();
  });
});
