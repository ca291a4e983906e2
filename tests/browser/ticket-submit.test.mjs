// Submitting tickets against the real server: sign in, submit, confirmation, my tickets, and
// what the database then holds.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';
const bruno = 'bruno@example.com';

before(async () => {
  // Level 3 with a Technical Success Manager: an urgent incident is due 1 hour after it
  // arrives, on the round-the-clock calendar, so the deadline does not depend on the day.
  server.createAccount({ name: 'Example Lda', level: 3, tsm: true, country: 'PT', email: ana, contactName: 'Ana Lima', password });
});

async function fillUrgentIncident(page, subject) {
  await page.goto(server.url + '/tickets/new');
  await page.getByLabel('Incident').check();
  await page.getByLabel('Severity').selectOption('urgent');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Description').fill('Every request to the production app answers 503.');
  await page.getByLabel('Environment').fill('https://prod.example.com');
  await page.getByLabel('Platform version').fill('11.2');
  await page.getByLabel('Impact').fill('No customer can order.');
  await page.getByLabel('When it started').fill('Today 14:00 Lisbon time');
  await page.getByLabel('Preferred language').selectOption('pt');
}

test('sign in, submit, confirmation and my tickets: the ticket is in the database with its deadline', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/signin');
  await page.getByLabel('Email').fill(ana);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/tickets');
  await fillUrgentIncident(page, 'Checkout is down');
  // The live quote of the form: level 3 with a TSM, urgent, 24x7.
  await page.locator('#expected-response').getByText('Level 3 urgent incidents are handled 24x7 within 1 hour').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const confirmation = page.locator('#confirmation');
  await confirmation.waitFor({ timeout: 15_000 });
  const text = await confirmation.textContent();
  const id = Number(text.match(/#(\d+)/)[1]);
  assert.match(text, /First response by .* \(in (59 min|1 h 0 min)/);
  assert.match(text, /call support now at \+351 800 780 555/);
  const [status, kind, severity, subject, dueAfter] = server
    .sql(`SELECT status, kind, severity, subject, first_response_due - created_at FROM tickets WHERE id = ${id}`)
    .split('|');
  assert.deepEqual([status, kind, severity, subject], ['open', 'incident', 'urgent', 'Checkout is down']);
  const [language, details] = server.sql(`SELECT language, details FROM tickets WHERE id = ${id}`).split('|');
  assert.equal(language, 'pt');
  assert.equal(JSON.parse(details).started_at, 'Today 14:00 Lisbon time');
  // Microseconds; the rules count whole seconds, so the deadline is the arrival's second + 1 h.
  assert.ok(Number(dueAfter) > 3599 * 1_000_000 && Number(dueAfter) <= 3600 * 1_000_000, `due ${dueAfter} µs after arrival`);
  await page.getByRole('link', { name: 'My tickets' }).last().click();
  const row = page.locator(`#all-tickets ~ ul [data-ticket-id="${id}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.textContent(), /Checkout is down.*open.*First response by/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a submit retried after a lost answer files one ticket: same Idempotency-Key, and the confirmation of the first', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
  const before = Number(server.sql('SELECT count(*) FROM tickets'));
  const sent = [];
  await page.route('**/api/tickets', async (route) => {
    const request = route.request();
    sent.push({ key: request.headers()['idempotency-key'], body: request.postDataJSON() });
    // The server files the first one, but its answer never reaches the browser.
    if (sent.length === 1) {
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
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
    'availability', 'description', 'environment', 'impact', 'language', 'platform_version', 'severity', 'started_at', 'steps_to_reproduce',
    'subject', 'type',
  ]);
  assert.equal(Number(server.sql('SELECT count(*) FROM tickets')), before + 1, 'one ticket filed');
  const id = Number(server.sql("SELECT id FROM tickets WHERE subject = 'Production is down'"));
  await page.waitForFunction(() => document.activeElement?.id === 'confirmation');
  const text = await confirmation.textContent();
  assert.match(text, new RegExp(`#${id}(?!\\d)`));
  assert.match(text, /call support now at \+351 800 780 555/);
  await page.screenshot({ path: join(artifacts, 'ticket-confirmation.png'), fullPage: true });
  // After success the draft is gone: the next ticket starts empty, with a new key.
  await page.goto(server.url + '/tickets/new');
  assert.equal(await page.getByLabel('Subject').inputValue(), '');
  assert.deepEqual(problems, []);
  await page.close();
});

/**
 * Signs in, fills an urgent incident whose environment holds a control character (the form
 * does not look for those; the server does), optionally switches to Japanese, submits, and
 * answers the error shown beside the field once it is there; nothing may have been filed.
 */
async function submitRefusedByServer(page, subject, { japanese = false } = {}) {
  await signIn(page, server.url, ana, password);
  const before = server.sql('SELECT count(*) FROM tickets');
  await fillUrgentIncident(page, subject);
  await page.getByLabel('Environment').fill('prod\u0007');
  if (japanese) {
    await page.getByRole('button', { name: '日本語' }).click();
  }
  await page.getByRole('button', { name: japanese ? 'チケットを送信' : 'Submit ticket' }).click();
  const error = page.locator('#environment-error');
  await error.waitFor({ timeout: 15_000 });
  assert.equal(server.sql('SELECT count(*) FROM tickets'), before, 'nothing filed');
  return error;
}

test('a validation error from the server is shown beside its field, which gets the focus', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const error = await submitRefusedByServer(page, 'Production is down again');
  assert.equal(await error.textContent(), 'contains control characters');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'environment');
  assert.equal(await page.getAttribute('#environment', 'aria-invalid'), 'true');
  await page.screenshot({ path: join(artifacts, 'new-ticket-server-validation.png'), fullPage: true });
  await page.close();
});

test('in Japanese, a validation error from the server is worded in Japanese by its code', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const error = await submitRefusedByServer(page, 'Production is down in Japanese', { japanese: true });
  assert.equal(await error.textContent(), '制御文字は使えません。');
  await page.close();
});

test('a person who is not a technical contact is told the ticket awaits approval, and it waits without a deadline', async () => {
  const manager = await browser.newPage();
  await signIn(manager, server.url, ana, password);
  const added = await manager.context().request.post(server.url + '/api/contacts', {
    data: { email: bruno, name: 'Bruno Sousa', is_contact: false },
  });
  assert.equal(added.status(), 201);
  await manager.close();
  server.resetPassword(bruno, password);
  const page = await browser.newPage({ locale: 'en-US' });
  await signIn(page, server.url, bruno, password);
  await fillUrgentIncident(page, 'Please approve');
  await page.getByText('your ticket will wait for a contact').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.locator('#confirmation').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#confirmation').textContent(), /awaits the approval/);
  assert.equal(
    server.sql("SELECT status, first_response_due IS NULL FROM tickets WHERE subject = 'Please approve'"),
    'pending_approval|1',
  );
  await page.close();
});
