// The pages of a signed-in person against the real server: an account made by the operator's
// command, a person who is not a technical contact, and tickets filed through the API.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, seriousA11yViolations, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';
const bruno = 'bruno@example.com';
/** Ana's open ticket and Bruno's two tickets waiting for approval, as the API answered them. */
let open;
let pending;
let refused;

/** Files a ticket through the API in a signed-in browser context; answers the created ticket. */
async function file(context, subject) {
  const answer = await context.request.post(server.url + '/api/tickets', {
    data: { type: 'incident', severity: 'high', subject, description: 'Since 14:00.\nEvery deployment.' },
  });
  assert.equal(answer.status(), 201, await answer.text());
  return answer.json();
}

/** A browser context signed in as `email` (each sign-in counts against the server's limit). */
async function signedIn(email) {
  const context = await browser.newContext();
  await signIn(await context.newPage(), server.url, email, password);
  return context;
}

before(async () => {
  server.createAccount({ name: 'Example Lda', level: 2, country: 'PT', email: ana, contactName: 'Ana Lima', password });
  const asAna = await signedIn(ana);
  const added = await asAna.request.post(server.url + '/api/contacts', {
    data: { email: bruno, name: 'Bruno Sousa', is_contact: false },
  });
  assert.equal(added.status(), 201, await added.text());
  open = await file(asAna, 'Deployments fail');
  await asAna.close();
  server.resetPassword(bruno, password);
  const asBruno = await signedIn(bruno);
  pending = await file(asBruno, 'Export fails for one user');
  refused = await file(asBruno, 'Please restart production');
  await asBruno.close();
});

/** The SPA's way of writing an instant (see src/time.rs). */
function dateTime(instant, timeZone) {
  return new Intl.DateTimeFormat('en', {
    weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short', timeZone,
  }).format(new Date(instant));
}

test('my tickets count down to each deadline every second, and a contact approves one pending ticket and rejects another with a reason', async () => {
  assert.equal(pending.status, 'pending_approval');
  assert.equal(pending.first_response_due, null);
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
  const due = new Date(open.first_response_due);
  const now = new Date(due.getTime() - 90 * 60_000);
  await page.clock.setFixedTime(now);
  await page.goto(server.url + '/tickets');
  const row = page.locator(`#all-tickets ~ ul [data-ticket-id="${open.id}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.ok((await row.textContent()).includes(`${dateTime(due, 'Europe/Lisbon')} (in 1 h 30 min 00 s)`));
  // The page's one-second timer picks up the moved clock by itself.
  await page.clock.setFixedTime(new Date(now.getTime() + 5_000));
  await row.getByText('(in 1 h 29 min 55 s)').waitFor({ timeout: 5_000 });
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'my-tickets.png'), fullPage: true });
  await page.getByRole('button', { name: `Approve #${pending.id}` }).click();
  await page.locator(`#approvals ~ ul [data-ticket-id="${pending.id}"]`).waitFor({ state: 'detached' });
  const [status, hasDue] = server.sql(`SELECT status, first_response_due IS NOT NULL FROM tickets WHERE id = ${pending.id}`).split('|');
  assert.deepEqual([status, hasDue], ['open', '1']);
  // A rejection needs a reason: without one, the keyboard is taken to where it is typed.
  await page.getByRole('button', { name: `Reject #${refused.id}` }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), `reason-${refused.id}`);
  await page.getByLabel(`Reason for rejecting #${refused.id}`).fill('Restarts are yours to do: see the runbook.');
  await page.getByRole('button', { name: `Reject #${refused.id}` }).click();
  await page.getByText('None.').waitFor();
  assert.equal(
    server.sql(`SELECT status, rejection_reason FROM tickets WHERE id = ${refused.id}`),
    'rejected|Restarts are yours to do: see the runbook.',
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test('a signed-out visitor of my tickets is sent to sign in', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  await page.goto(server.url + '/tickets');
  await page.getByRole('link', { name: 'Sign in' }).last().waitFor({ timeout: 15_000 });
  assert.match(await page.locator('main').textContent(), /You are not signed in/);
  await page.close();
});

test('a contact who may manage contacts adds one by email', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
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
  await signIn(page, server.url, ana, password);
  const due = new Date(open.first_response_due);
  await page.clock.setFixedTime(new Date(due.getTime() - 90 * 60_000));
  await page.goto(`${server.url}/tickets/${open.id}`);
  await page.locator('#ticket-subject').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#ticket-subject').textContent(), 'Deployments fail');
  assert.ok((await page.locator('main').textContent()).includes(`${dateTime(due, 'Asia/Tokyo')} (in 1 h 30 min 00 s)`));
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'ticket.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
