// What a phone pays for whatever its speed (issue 15): pages that hold few elements, and pages
// that do not jump when the data they wait for arrives. Lighthouse's timings depend on the
// machine and live in `cargo xtask perf`; these checks do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
server.createAccount({ name: 'Steady Lda', level: 2, country: 'PT', email: 'steady@example.com', contactName: 'Steady Contact', password });

/** Starts recording the page's layout shifts before any of its own script runs. */
async function recordShifts(page) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) {
          window.__shifts.push({
            value: entry.value,
            sources: entry.sources.map((s) => s.node?.outerHTML?.slice(0, 120) ?? '?'),
          });
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** Holds every answer of `path` back until `release()` is called. */
async function holdBack(page, path) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route((url) => url.pathname === path, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

for (const path of ['/availability', '/response']) {
  test(`${path} holds at most 300 elements while its time-zone list is not open`, async () => {
    const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
    const problems = watchConsole(page);
    await page.goto(server.url + path);
    await page.locator('#zone').waitFor();
    await page.waitForLoadState('networkidle');
    await page.getByText('Loading the support policy').waitFor({ state: 'detached' });
    const count = await page.evaluate(() => document.querySelectorAll('*').length);
    console.log(`${path}: ${count} elements`);
    assert.ok(count <= 300, `${path} holds ${count} elements`);
    // Every zone is there once the visitor reaches for the list.
    await page.locator('#zone').focus();
    const options = await page.locator('#zone option').count();
    assert.ok(options > 300, `the list offers ${options} zones`);
    assert.equal(await page.locator('#zone').inputValue(), 'Europe/Lisbon');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the ticket form does not move while the policy and the expected response arrive (no layout shift)', async () => {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const page = await context.newPage();
  await signIn(page, server.url, 'steady@example.com', password);
  const problems = watchConsole(page);
  await recordShifts(page);
  const releasePolicy = await holdBack(page, '/api/policy');
  await page.goto(server.url + '/tickets/new');
  await page.locator('main h1').waitFor();
  await page.waitForTimeout(300);
  releasePolicy();
  await page.locator('#expected-response').waitFor();
  await page.getByLabel('Severity').waitFor();
  await page.waitForTimeout(500);
  const shifts = await page.evaluate(() => window.__shifts);
  assert.deepEqual(shifts, [], 'layout shifts: ' + JSON.stringify(shifts));
  assert.deepEqual(problems, []);
  await context.close();
});

for (const path of ['/contacts']) {
  test(`${path} does not move when its list arrives (no layout shift)`, async () => {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
    const page = await context.newPage();
    await signIn(page, server.url, 'steady@example.com', password);
    const problems = watchConsole(page);
    await recordShifts(page);
    await page.goto(server.url + path);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const shifts = await page.evaluate(() => window.__shifts);
    assert.deepEqual(shifts, [], 'layout shifts: ' + JSON.stringify(shifts));
    assert.deepEqual(problems, []);
    await context.close();
  });
}
