import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, launchBrowser, startServer, watchConsole } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Friday 27 November 2026, 15:00 in Lisbon (WET, UTC+0).
const friday = new Date('2026-11-27T15:00:00Z');

test('the availability page tells the time of a fixed instant in the visitor zone and moves on by itself', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.clock.install({ time: friday });
  await page.goto(server.url + '/availability');
  const now = page.locator('#now');
  await now.waitFor({ timeout: 15_000 });
  assert.match(await now.textContent(), /Fri, Nov 27, 15:00/);
  await page.clock.runFor(60_000);
  assert.match(await now.textContent(), /Fri, Nov 27, 15:01/);
  await page.getByLabel('Your time zone').selectOption('Asia/Tokyo');
  assert.match(await now.textContent(), /Sat, Nov 28, 00:01/);
  await page.screenshot({ path: join(artifacts, 'availability-fixed.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
