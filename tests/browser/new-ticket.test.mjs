import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

test('a missing required field is reported beside it and gets the keyboard focus', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/tickets/new');
  // The form checks the fields with the policy's limits, once the policy is loaded.
  await page.getByLabel('Incident').waitFor({ timeout: 15_000 });
  await page.getByLabel('Description').fill('The login page answers 500.');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const error = page.locator('#subject-error');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Required.');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'subject');
  assert.equal(await page.getAttribute('#subject', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#subject', 'aria-describedby'), /subject-error/);
  await page.screenshot({ path: join(artifacts, 'new-ticket-validation.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the ticket draft survives a reload', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.goto(server.url + '/tickets/new');
  await page.getByLabel('Subject').fill('Checkout is slow');
  await page.getByLabel('Question').check();
  await page.reload();
  await page.getByLabel('Subject').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByLabel('Subject').inputValue(), 'Checkout is slow');
  assert.equal(await page.getByLabel('Question').isChecked(), true);
  await page.close();
});
