// The pages of a signed-in person against issue 4's API contract. The API is answered by
// Playwright here, because the server's ticket and contact endpoints have not landed yet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, launchBrowser, seriousA11yViolations, startServer, watchConsole } from './harness.mjs';

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
  account: { name: 'Example Lda', level: 2, tsm: false, country: 'PT' },
  is_contact: true,
  can_manage_contacts: true,
};

const ticket = (id, status, subject, due) => ({
  id, type: 'incident', severity: 'high', subject, status, first_response_due: due,
});

test('my tickets count down to each deadline every second, and a contact approves a pending ticket', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  const now = new Date('2026-11-27T15:00:00Z');
  await page.clock.setFixedTime(now);
  let tickets = [
    ticket(2, 'pending_approval', 'Export fails for one user', '2026-11-27T19:00:00Z'),
    ticket(1, 'open', 'Deployments fail', '2026-11-27T16:30:00Z'),
  ];
  const decisions = [];
  await page.route('**/api/me', (route) => route.fulfill({ json: me }));
  await page.route('**/api/tickets', (route) => route.fulfill({ json: { tickets } }));
  await page.route('**/api/tickets/2/approve', (route) => {
    decisions.push('approve 2');
    tickets = tickets.map((t) => (t.id === 2 ? { ...t, status: 'open' } : t));
    return route.fulfill({ json: tickets[0] });
  });
  await page.goto(server.url + '/tickets');
  const row = page.locator('#all-tickets ~ ul [data-ticket-id="1"]');
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.textContent(), /Fri, Nov 27, 16:30 .*\(in 1 h 30 min 00 s\)/);
  // The page's one-second timer picks up the moved clock by itself.
  await page.clock.setFixedTime(new Date(now.getTime() + 5_000));
  await row.getByText('(in 1 h 29 min 55 s)').waitFor({ timeout: 5_000 });
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'my-tickets.png'), fullPage: true });
  await page.getByRole('button', { name: 'Approve #2' }).click();
  await page.getByText('None.').waitFor();
  assert.deepEqual(decisions, ['approve 2']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a signed-out visitor of my tickets is sent to sign in', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.route('**/api/me', (route) =>
    route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Not signed in' }) }),
  );
  await page.goto(server.url + '/tickets');
  await page.getByRole('link', { name: 'Sign in' }).last().waitFor({ timeout: 15_000 });
  assert.match(await page.locator('main').textContent(), /You are not signed in/);
  await page.close();
});

test('a contact who may manage contacts adds one by email', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  let contacts = [{ id: 1, email: 'ana@example.com', name: 'Ana Lima', can_manage_contacts: true }];
  await page.route('**/api/me', (route) => route.fulfill({ json: me }));
  await page.route('**/api/contacts', (route) => {
    if (route.request().method() === 'POST') {
      const body = route.request().postDataJSON();
      const added = { id: 2, email: body.email, can_manage_contacts: body.can_manage_contacts };
      contacts = [...contacts, added];
      return route.fulfill({ status: 201, json: added });
    }
    return route.fulfill({ json: { contacts } });
  });
  await page.goto(server.url + '/contacts');
  await page.getByText('ana@example.com (Ana Lima)').waitFor({ timeout: 15_000 });
  await page.getByLabel('Email').fill('contractor@partner.example');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Remove contractor@partner.example' }).waitFor();
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'contacts-signed-in.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a ticket page shows the ticket with its deadline', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Asia/Tokyo' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.clock.setFixedTime(new Date('2026-11-27T15:00:00Z'));
  await page.route('**/api/me', (route) => route.fulfill({ json: me }));
  await page.route('**/api/tickets/5', (route) =>
    route.fulfill({ json: { ...ticket(5, 'open', 'Deployments fail', '2026-11-27T16:30:00Z'), description: 'Since 14:00.\nEvery deployment.' } }),
  );
  await page.goto(server.url + '/tickets/5');
  await page.locator('#ticket-subject').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#ticket-subject').textContent(), 'Deployments fail');
  assert.match(await page.locator('main').textContent(), /Sat, Nov 28, 01:30 .*\(in 1 h 30 min 00 s\)/);
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'ticket.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
