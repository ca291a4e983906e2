// How the new-ticket page handles the answers of `POST /api/tickets` (issue 4's contract):
// the API is answered by Playwright here, because the server's ticket endpoints have not
// landed yet; the flow against the real server belongs in a test next to this one.
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

const me = {
  person: { name: 'Ana Lima', email: 'ana@example.com' },
  account: { name: 'Example Lda', level: 3, tsm: true, country: 'PT' },
  is_contact: true,
  can_manage_contacts: true,
};

async function signedInPage() {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  await page.route('**/api/me', (route) => route.fulfill({ json: me }));
  return page;
}

async function fillUrgentIncident(page, subject) {
  await page.goto(server.url + '/tickets/new');
  await page.getByLabel('Incident').check();
  await page.getByLabel('Severity').selectOption('urgent');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Description').fill('Every request to the production app answers 503.');
  await page.getByLabel('Environment (name or URL)').fill('https://prod.example.com');
  await page.getByLabel('Platform version').fill('11.2');
  await page.getByLabel('Impact: who and what is affected').fill('No customer can order.');
}

test('a submit retried after a lost answer sends the same Idempotency-Key, then confirms with the deadline and the phone number to call', async () => {
  const page = await signedInPage();
  const problems = watchConsole(page, { allowHttpErrors: true });
  const sent = [];
  await page.route('**/api/tickets', async (route) => {
    const request = route.request();
    sent.push({ key: request.headers()['idempotency-key'], body: request.postDataJSON() });
    if (sent.length === 1) return route.abort('connectionreset');
    return route.fulfill({
      status: 201,
      json: { id: 42, status: 'open', first_response_due: '2026-11-27T16:00:00Z', phone: '+351 800 780 555' },
    });
  });
  await fillUrgentIncident(page, 'Production is down');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.locator('#submit-error').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#submit-error').textContent(), /will not be filed twice/);
  // The draft and its key survive a reload before the retry.
  await page.reload();
  assert.equal(await page.getByLabel('Subject').inputValue(), 'Production is down');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const confirmation = page.locator('#confirmation');
  await confirmation.waitFor({ timeout: 15_000 });
  assert.equal(sent.length, 2);
  assert.ok(sent[0].key && sent[0].key.length >= 16);
  assert.equal(sent[1].key, sent[0].key);
  assert.deepEqual(Object.keys(sent[0].body).sort(), [
    'description', 'environment', 'impact', 'language', 'platform_version', 'severity', 'steps_to_reproduce', 'subject', 'type',
  ]);
  assert.equal(sent[0].body.type, 'incident');
  assert.equal(sent[0].body.severity, 'urgent');
  await page.waitForFunction(() => document.activeElement?.id === 'confirmation');
  const text = await confirmation.textContent();
  assert.match(text, /#42/);
  assert.match(text, /First response by Fri, Nov 27, 16:00/);
  assert.match(text, /call support now at \+351 800 780 555/);
  await page.screenshot({ path: join(artifacts, 'ticket-confirmation.png'), fullPage: true });
  // After success the draft is gone: the next ticket starts empty, with a new key.
  await page.goto(server.url + '/tickets/new');
  assert.equal(await page.getByLabel('Subject').inputValue(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a validation error from the server is shown beside its field, which gets the focus', async () => {
  const page = await signedInPage();
  await page.route('**/api/tickets', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'The ticket is not valid',
        detail: 'One field needs a correction.',
        errors: [{ field: 'environment', message: 'Name the environment or give its URL.' }],
      }),
    }),
  );
  await fillUrgentIncident(page, 'Production is down');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const error = page.locator('#environment-error');
  await error.waitFor({ timeout: 15_000 });
  assert.equal(await error.textContent(), 'Name the environment or give its URL.');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'environment');
  await page.screenshot({ path: join(artifacts, 'new-ticket-server-validation.png'), fullPage: true });
  await page.close();
});

test('a visitor who is not a technical contact is told the ticket awaits approval', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.route('**/api/me', (route) => route.fulfill({ json: { ...me, is_contact: false } }));
  await page.route('**/api/tickets', (route) =>
    route.fulfill({ status: 201, json: { id: 7, status: 'pending_approval', first_response_due: '2026-11-30T09:00:00Z' } }),
  );
  await fillUrgentIncident(page, 'Please approve');
  await page.getByText('your ticket will wait for a contact').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.locator('#confirmation').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#confirmation').textContent(), /awaits the approval/);
  await page.close();
});
