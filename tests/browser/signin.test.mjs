// Sign in and out against issue 4's session contract; the API is answered by Playwright
// until the server's session endpoints land.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startServer, watchConsole } from './harness.mjs';

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

const me = {
  person: { name: 'Ana Lima', email: 'ana@example.com' },
  account: { name: 'Example Lda', level: 3, tsm: true, country: 'PT' },
  is_contact: true,
  can_manage_contacts: false,
};

test('a wrong password is reported, the right one signs in, and signing out forgets the person', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  let signedIn = false;
  const unauthorized = { status: 401, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Not signed in' }) };
  await page.route('**/api/me', (route) => (signedIn ? route.fulfill({ json: me }) : route.fulfill(unauthorized)));
  await page.route('**/api/session', (route) => {
    const request = route.request();
    if (request.method() === 'DELETE') {
      signedIn = false;
      return route.fulfill({ status: 204 });
    }
    if (request.postDataJSON().password !== 'right') return route.fulfill(unauthorized);
    signedIn = true;
    return route.fulfill({ status: 204 });
  });
  await page.goto(server.url + '/signin');
  await page.getByLabel('Email').fill('ana@example.com');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signin-error').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#signin-error').textContent(), 'Wrong email or password.');
  await page.getByLabel('Password').fill('right');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/tickets');
  await page.getByRole('link', { name: 'Ana Lima' }).click();
  await page.locator('#signed-in-as').waitFor();
  assert.match(await page.locator('main').textContent(), /Support level3 with a Technical Success Manager/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
