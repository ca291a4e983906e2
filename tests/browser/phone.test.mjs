// The support number on the options page: picked for the visitor's country from the
// browser's time zone, then its locale; changeable, and the choice is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

async function yourPhone(page) {
  const phone = page.locator('#your-phone');
  await phone.waitFor({ timeout: 15_000 });
  return phone.textContent();
}

test("the browser's time zone picks the country before its locale", async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Asia/Tokyo' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/options');
  assert.match(await yourPhone(page), /call toll-free \+81 368 635 398/);
  assert.equal(await page.getByLabel('Your country').inputValue(), 'JP');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a zone that names no country leaves it to the locale, and the choice is changeable and remembered', async () => {
  const page = await browser.newPage({ locale: 'de-DE', timezoneId: 'UTC' });
  await page.goto(server.url + '/options');
  assert.match(await yourPhone(page), /call toll-free \+49 800 505 2770/);
  await page.getByLabel('Your country').selectOption('PT');
  await page.locator('#your-phone').getByText('+351 800 780 555').waitFor({ timeout: 5_000 });
  await page.reload();
  assert.match(await yourPhone(page), /call toll-free \+351 800 780 555/);
  assert.equal(await page.getByLabel('Your country').inputValue(), 'PT');
  await page.close();
});

test('a country without a toll-free number is told to use an international number or the app', async () => {
  const page = await browser.newPage({ locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  await page.goto(server.url + '/options');
  assert.match(await yourPhone(page), /There is no toll-free number for your country/);
  await page.close();
});
