// Sign in and out against the real server, with an account made by the operator's command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';

test('a wrong password is reported, the right one signs in, the expected response starts from the account, and signing out forgets the person', async () => {
  server.createAccount({ name: 'Example Lda', level: 3, tsm: true, country: 'PT', email: 'ana@example.com', contactName: 'Ana Lima', password });
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/signin');
  await page.getByLabel('Email').fill('ana@example.com');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signin-error').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#signin-error').textContent(), 'Wrong email or password.');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/tickets');
  await page.getByRole('link', { name: 'Ana Lima' }).click();
  await page.locator('#signed-in-as').waitFor();
  const summary = await page.locator('main').textContent();
  assert.match(summary, /Support level3 with a Technical Success Manager/);
  assert.match(summary, /Support phone\+351 800 780 555 \(toll-free\)/);
  // The expected response starts from the account: level 3 with a Technical Success Manager.
  await page.getByRole('link', { name: 'Response time' }).click();
  await page.locator('#expected-response').getByText('Level 3 normal incidents').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByLabel('Support level').inputValue(), '3');
  assert.equal(await page.getByLabel('The account has a Technical Success Manager').isChecked(), true);
  await page.getByRole('link', { name: 'Ana Lima' }).click();
  await page.locator('#signed-in-as').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
