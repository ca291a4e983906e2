import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

test('the home page shows the server health fetched from the API', async () => {
  const page = await browser.newPage();
  // A visitor who is not signed in: `GET /api/session` answers 200, nothing is logged.
  const problems = watchConsole(page);
  await page.goto(server.url + '/');
  const status = page.locator('#server-status');
  await status.waitFor({ timeout: 15_000 });
  assert.equal((await status.textContent()).trim(), 'Support server: ok');
  await page.screenshot({ path: join(artifacts, 'home.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('the home page says clearly when the server cannot be reached', async () => {
  const page = await browser.newPage();
  await page.route('**/api/health', (route) => route.abort('connectionrefused'));
  await page.goto(server.url + '/');
  const status = page.locator('#server-status[role=alert]');
  await status.waitFor({ timeout: 15_000 });
  assert.match(await status.textContent(), /cannot be reached/);
});
