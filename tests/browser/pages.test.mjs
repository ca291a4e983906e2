import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, seriousA11yViolations, serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const pages = [
  ['/', 'overview'],
  ['/options', 'options'],
  ['/availability', 'availability'],
  ['/response', 'response'],
  ['/signin', 'signin'],
  ['/tickets/new', 'new-ticket'],
  ['/tickets', 'tickets'],
  ['/tickets/1', 'ticket'],
  ['/contacts', 'contacts'],
];

for (const [path, name] of pages) {
  test(`the ${name} page, signed out, renders without a single console error (no failed request either) or serious accessibility violations, on desktop and phone`, async () => {
    for (const [viewport, size] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
      const page = await browser.newPage({ viewport: size, locale: 'en-US', timezoneId: 'Europe/Lisbon' });
      // Strict: a signed-out visitor's pages ask `GET /api/session`, which answers 200, so
      // Chromium has no failed request to log.
      const problems = watchConsole(page);
      await page.goto(server.url + path);
      await page.locator('main h1').first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(artifacts, `${name}-${viewport}.png`), fullPage: true });
      assert.deepEqual(await seriousA11yViolations(page), [], `${path} on ${viewport}`);
      assert.deepEqual(problems, []);
      await page.close();
    }
  });
}

test('the language switch turns the page Japanese and the choice survives a reload', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  // A visitor who is not signed in: `GET /api/session` answers 200, nothing is logged.
  const problems = watchConsole(page);
  await page.goto(server.url + '/options');
  await page.getByRole('heading', { level: 1, name: 'Support options' }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: '日本語' }).click();
  await page.getByRole('heading', { level: 1, name: 'サポート窓口' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'サポート窓口' }).waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(artifacts, 'options-ja.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Support options' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('following a link moves the focus to the new page and names the tab after it', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.goto(server.url + '/');
  await page.getByRole('link', { name: 'Options', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Support options' }).waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  assert.equal(await page.title(), 'Support options · Support');
  await page.close();
});

/** Adds a link to `href` to the page's main part, as the app could show one, and clicks it. */
async function clickNewLink(page, href, text) {
  await page.evaluate(([href, text]) => {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = text;
    document.querySelector('main').append(link);
  }, [href, text]);
  await page.getByRole('link', { name: text }).click();
}

test('links change the page without reloading it, the menu marks the current page, and back and forward work', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  // Signed out: `GET /api/session` answers 200, nothing is logged.
  const problems = watchConsole(page);
  await page.goto(server.url + '/');
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 15_000 });
  // A marker that a full page load would wipe out.
  await page.evaluate(() => {
    window.sameDocument = true;
  });
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Availability', exact: true }).click();
  await page.waitForURL('**/availability');
  await page.getByRole('heading', { level: 1, name: 'Availability now' }).waitFor({ timeout: 15_000 });
  assert.equal(await nav.getByRole('link', { name: 'Availability', exact: true }).getAttribute('aria-current'), 'page');
  assert.equal(await nav.getByRole('link', { name: 'Options', exact: true }).getAttribute('aria-current'), null);
  // `/tickets` is marked on its own path only, not on `/tickets/new`.
  await nav.getByRole('link', { name: 'New ticket', exact: true }).click();
  await page.waitForURL('**/tickets/new');
  assert.equal(await nav.getByRole('link', { name: 'New ticket', exact: true }).getAttribute('aria-current'), 'page');
  assert.equal(await nav.getByRole('link', { name: 'My tickets', exact: true }).getAttribute('aria-current'), null);
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Availability now' }).waitFor({ timeout: 15_000 });
  await page.goBack();
  await page.waitForURL(server.url + '/');
  await page.goForward();
  await page.getByRole('heading', { level: 1, name: 'Availability now' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'no page load happened');
  // An unknown path inside the app shows the not-found page, without a reload either.
  await clickNewLink(page, '/no/such/page', 'nowhere');
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => window.sameDocument), true);
  // A link to a file of the site is the browser's to follow.
  await clickNewLink(page, '/robots.txt', 'robots');
  await page.waitForURL('**/robots.txt');
  assert.match(await page.locator('body').textContent(), /User-agent/i);
  assert.deepEqual(problems, []);
  await page.close();
});
