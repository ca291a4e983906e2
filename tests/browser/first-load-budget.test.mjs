// The SPA's first load must fit the budget of issue 5: at most 250 KB over the wire for
// everything that is not the API (the page, the JS, the wasm, the CSS, the icon...).
//
// What counts is what Chromium really downloads on a first visit (a fresh context, so an
// empty cache), read from the DevTools protocol: `Network.loadingFinished.encodedDataLength`
// is the number of bytes received from the network for a request: the compressed body plus
// the response's status line and headers. Resource Timing's `transferSize` is not used: for
// privacy Chromium reports it as the encoded body size plus a flat 300 bytes rather than the
// real header bytes, and it splits the page itself into a separate navigation entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './harness.mjs';

// KB = 1000 bytes: the budget is 250,000 bytes.
const BUDGET_BYTES = 250_000;

const { server, browser } = await serverAndBrowser();

/**
 * Records every network request of `page` through a CDP session: its URL, status, response
 * headers, the bytes received over the wire (`encodedDataLength`, headers included) and the
 * decoded bytes (the sum of `Network.dataReceived.dataLength`).
 */
async function recordNetwork(page) {
  const cdp = await page.context().newCDPSession(page);
  const requests = new Map();
  const entry = (requestId) => {
    if (!requests.has(requestId)) {
      requests.set(requestId, { url: '', status: 0, headers: {}, decoded: 0, wire: null, failed: null, cached: false });
    }
    return requests.get(requestId);
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    entry(e.requestId).url = e.request.url;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.url = e.response.url;
    r.status = e.response.status;
    r.headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.cached = Boolean(e.response.fromDiskCache || e.response.fromServiceWorker || e.response.fromPrefetchCache);
  });
  cdp.on('Network.dataReceived', (e) => {
    entry(e.requestId).decoded += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    entry(e.requestId).wire = e.encodedDataLength;
  });
  cdp.on('Network.loadingFailed', (e) => {
    entry(e.requestId).failed = e.errorText;
  });
  await cdp.send('Network.enable');
  return {
    requests,
    /** Resolves once every request seen so far has finished or failed (or after `ms`). */
    async settled(ms = 10_000) {
      const deadline = Date.now() + ms;
      const pending = () => [...requests.values()].filter((r) => r.wire === null && r.failed === null);
      while (pending().length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return pending();
    },
  };
}

const isApi = (url) => new URL(url).pathname.startsWith('/api/');
const isNetwork = (url) => url.startsWith('http:') || url.startsWith('https:');

function table(rows) {
  const lines = rows.map((r) => [
    new URL(r.url).pathname,
    String(r.status),
    r.headers['content-encoding'] ?? 'identity',
    r.decoded.toLocaleString('en-US'),
    r.failed ? `failed: ${r.failed}` : r.wire.toLocaleString('en-US'),
  ]);
  const head = ['url', 'status', 'content-encoding', 'decoded bytes', 'bytes over the wire'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [format(head), ...lines.map(format)];
}

/** Loads `path` as a first visit of the app `app` (its wasm's name) and checks its first load against the budget. */
async function firstLoad(t, path, app) {
  // A fresh context: no cache, no cookies, as a first visit.
  const context = await browser.newContext();
  const page = await context.newPage();
  const network = await recordNetwork(page);

  await page.goto(server.url + path);
  // The app has rendered: the server status (after GET /api/health) or the page's heading.
  await page.locator('#server-status, main h1').first().waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const unfinished = await network.settled();
  assert.deepEqual(
    unfinished.map((r) => r.url),
    [],
    'every request of the first load has finished',
  );

  const all = [...network.requests.values()].filter((r) => isNetwork(r.url));
  const assets = all.filter((r) => !isApi(r.url));
  const api = all.filter((r) => isApi(r.url));
  const total = assets.reduce((sum, r) => sum + (r.wire ?? 0), 0);

  const report = [
    `first load, everything outside /api/ (budget ${BUDGET_BYTES.toLocaleString('en-US')} bytes):`,
    ...table(assets),
    `total over the wire: ${total.toLocaleString('en-US')} bytes in ${assets.length} responses` +
      ` (${(total / 1000).toFixed(1)} KB of ${BUDGET_BYTES / 1000} KB)`,
    'API calls of the same load (not in the budget):',
    ...table(api),
  ];

  // What the policy (with the time-zone data the SPA needs) costs over the wire. The home page
  // may not ask for it; then the page fetches it as the SPA would, in the same browser.
  let policy = api.find((r) => new URL(r.url).pathname === '/api/policy');
  if (!policy) {
    await page.evaluate(async () => {
      const answer = await fetch('/api/policy');
      await answer.arrayBuffer();
    });
    await network.settled();
    policy = [...network.requests.values()].find((r) => isNetwork(r.url) && new URL(r.url).pathname === '/api/policy');
  }
  if (policy) {
    report.push(
      `GET /api/policy: ${(policy.wire ?? 0).toLocaleString('en-US')} bytes over the wire` +
        ` (${policy.headers['content-encoding'] ?? 'identity'}), ${policy.decoded.toLocaleString('en-US')} bytes decoded`,
    );
  }
  for (const line of report) t.diagnostic(line);
  await context.close();

  const failed = assets.filter((r) => r.failed || r.status >= 400);
  assert.deepEqual(
    failed.map((r) => `${r.url}: ${r.failed ?? r.status}`),
    [],
    'every file of the first load arrives',
  );
  assert.ok(
    !assets.some((r) => r.cached),
    'a first load is not served from a cache',
  );
  const wasm = assets.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
  assert.ok(wasm.length >= 1, `the first load fetches the wasm:\n${report.join('\n')}`);
  assert.ok(
    wasm.every((r) => new URL(r.url).pathname.startsWith(`/${app}-`)),
    `the first load of ${path} fetches the wasm of ${app} alone:\n${report.join('\n')}`,
  );
  assert.ok(
    wasm.every((r) => new URL(r.url).pathname.startsWith(`/${app}-`)),
    `the first load of ${path} fetches the wasm of ${app} alone:\n${report.join('\n')}`,
  );
  for (const r of wasm) {
    assert.equal(
      r.headers['content-encoding'],
      'br',
      `${new URL(r.url).pathname} is sent with brotli (the precompressed .br from the build)`,
    );
    // A precompressed copy goes out with its length; compression on the fly streams without.
    assert.ok(
      r.headers['content-length'] !== undefined,
      `${new URL(r.url).pathname} is the .br copy made at build time (cargo xtask precompress), not compressed on the fly`,
    );
    assert.match(r.headers['content-type'] ?? '', /^application\/wasm/, 'the wasm keeps its type for streaming compilation');
  }
  assert.ok(
    total <= BUDGET_BYTES,
    `the first load is ${total.toLocaleString('en-US')} bytes over the wire, ` +
      `${(total - BUDGET_BYTES).toLocaleString('en-US')} over the budget of ${BUDGET_BYTES.toLocaleString('en-US')}:\n` +
      report.join('\n'),
  );
}

test('the first load of the SPA is at most 250 KB over the wire, with the wasm in brotli', async (t) => {
  await firstLoad(t, '/', 'support-spa');
});

test('the first load of a ticket\'s page (the ticket app, its own wasm) is at most 250 KB over the wire too', async (t) => {
  // Signed out, the ticket app loads whole and says to sign in: the same files as signed in.
  await firstLoad(t, '/tickets/1', 'support-ticket');
});
