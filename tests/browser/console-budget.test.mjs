// The support console's first load must fit issue 13's budget: at most 300,000 bytes over the
// wire for everything outside /api/ (page, JS, wasm, CSS), measured as the customer apps' is
// (first-load-budget.test.mjs): Network.loadingFinished.encodedDataLength from the DevTools
// protocol, bodies as sent plus response headers, in a fresh context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './harness.mjs';

const BUDGET_BYTES = 300_000;

const { server, browser } = await serverAndBrowser();

test('the console\'s first load is at most 300 KB over the wire, with its own wasm in brotli', async (t) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  const entry = (id) => {
    if (!requests.has(id)) requests.set(id, { url: '', status: 0, headers: {}, wire: null, failed: null });
    return requests.get(id);
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    entry(e.requestId).url = e.request.url;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.url = e.response.url;
    r.status = e.response.status;
    r.headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  });
  cdp.on('Network.loadingFinished', (e) => {
    entry(e.requestId).wire = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    entry(e.requestId).failed = e.errorText;
  });
  await cdp.send('Network.enable');

  await page.goto(server.url + '/console/');
  await page.locator('main h1').waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const deadline = Date.now() + 10_000;
  while ([...requests.values()].some((r) => r.wire === null && r.failed === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const assets = [...requests.values()].filter(
    (r) => r.url.startsWith('http') && !new URL(r.url).pathname.startsWith('/api/'),
  );
  const total = assets.reduce((sum, r) => sum + (r.wire ?? 0), 0);
  const lines = assets.map(
    (r) => `${new URL(r.url).pathname}  ${r.status}  ${r.headers['content-encoding'] ?? 'identity'}  ${r.failed ?? r.wire}`,
  );
  for (const line of [...lines, `total over the wire: ${total.toLocaleString('en-US')} bytes`]) t.diagnostic(line);
  await context.close();

  assert.deepEqual(assets.filter((r) => r.failed || r.status >= 400).map((r) => r.url), [], 'every file arrives');
  const wasm = assets.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
  assert.equal(wasm.length, 1, lines.join('\n'));
  assert.ok(new URL(wasm[0].url).pathname.startsWith('/console/support-console-'), 'the console\'s own wasm');
  assert.equal(wasm[0].headers['content-encoding'], 'br', 'the wasm is the precompressed brotli copy');
  assert.ok(total <= BUDGET_BYTES, `${total.toLocaleString('en-US')} bytes over the wire:\n${lines.join('\n')}`);
});
