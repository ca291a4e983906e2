// My tickets as a list that grows: every ticket is reachable page by page, a pending approval
// is reachable whatever its age, a re-read of the approvals keeps what is being typed, and
// signing in never flashes "You are not signed in".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';

/** A browser context signed in as `email` (each sign-in counts against the server's limit). */
async function signedIn(email) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  await signIn(await context.newPage(), server.url, email, password);
  return context;
}

/** Files a ticket through the API as the person of `context`; answers the created ticket. */
async function file(context, subject) {
  const answer = await context.request.post(server.url + '/api/tickets', {
    data: { type: 'incident', severity: 'normal', subject, description: 'Seen this morning.' },
  });
  assert.equal(answer.status(), 201, await answer.text());
  return answer.json();
}

/**
 * Adds `count` tickets newer than ticket `id`, copies of it with their own subjects, straight
 * into the database: the API lets one person file 10 tickets a minute.
 */
function seedNewer(id, count, subject) {
  server.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO tickets (account_id, submitter_id, kind, severity, service, subject, description, details, language, status, created_at, opened_at, first_response_due)
    SELECT t.account_id, t.submitter_id, t.kind, t.severity, t.service, '${subject} ' || n.i, t.description, t.details, t.language, t.status, t.created_at + n.i, t.opened_at, t.first_response_due
    FROM n, tickets t WHERE t.id = ${id}`);
}

/** An account with a technical contact who manages contacts and a person who is not a contact. */
async function account(name, contact, person) {
  server.createAccount({ name, level: 2, country: 'PT', email: contact, contactName: 'The contact', password });
  const asContact = await signedIn(contact);
  const added = await asContact.request.post(server.url + '/api/contacts', {
    data: { email: person, name: 'Not a contact', is_contact: false },
  });
  assert.equal(added.status(), 201, await added.text());
  server.resetPassword(person, password);
  return { asContact, asPerson: await signedIn(person) };
}

const allRows = (page) => page.locator('#all-tickets ~ ul li.ticket');
const approvalRow = (page, id) => page.locator(`#approvals ~ ul [data-ticket-id="${id}"]`);

test('the 25th ticket is reachable from My tickets, one page of 20 at a time, and back', async () => {
  const { asContact, asPerson } = await account('Paging Lda', 'paging@example.com', 'paging-person@example.com');
  await asPerson.close();
  const oldest = await file(asContact, 'The oldest ticket');
  seedNewer(oldest.id, 24, 'Newer ticket');
  const page = await asContact.newPage();
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/tickets');
  await allRows(page).first().waitFor({ timeout: 15_000 });
  assert.equal(await allRows(page).count(), 20);
  assert.equal(await page.locator(`[data-ticket-id="${oldest.id}"]`).count(), 0);
  assert.match(await page.getByRole('navigation', { name: 'Pages of all tickets' }).textContent(), /Page 1 of 2/);
  await page.getByRole('link', { name: 'Older →' }).click();
  await page.waitForURL('**/tickets?page=2');
  await page.locator(`#all-tickets ~ ul [data-ticket-id="${oldest.id}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await allRows(page).count(), 5);
  assert.match(await page.getByRole('navigation', { name: 'Pages of all tickets' }).textContent(), /Page 2 of 2/);
  // The address holds the page: a reload and the back button both land where they should.
  await page.reload();
  await page.locator(`[data-ticket-id="${oldest.id}"]`).waitFor({ timeout: 15_000 });
  await page.goBack();
  await page.waitForURL(server.url + '/tickets');
  await page.locator(`[data-ticket-id="${oldest.id}"]`).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await allRows(page).count(), 20);
  assert.deepEqual(problems, []);
  await asContact.close();
});

test('a pending approval older than 150 other tickets is listed for approval and can be approved', async () => {
  const { asContact, asPerson } = await account('Old Pending Lda', 'old-pending@example.com', 'old-pending-person@example.com');
  const pending = await file(asPerson, 'Waiting since long ago');
  assert.equal(pending.status, 'pending_approval');
  const open = await file(asContact, 'An open ticket');
  seedNewer(open.id, 150, 'Busy week');
  const page = await asContact.newPage();
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/tickets');
  await approvalRow(page, pending.id).waitFor({ timeout: 15_000 });
  // Only the pending ticket waits for approval: none of the 151 open ones is offered.
  assert.equal(await page.locator('#approvals ~ ul li.ticket').count(), 1);
  await page.getByRole('button', { name: `Approve #${pending.id}` }).click();
  await approvalRow(page, pending.id).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(server.sql(`SELECT status FROM tickets WHERE id = ${pending.id}`), 'open');
  assert.deepEqual(problems, []);
  await asContact.close();
  await asPerson.close();
});

test('a half-typed rejection reason and the keyboard focus survive a re-read of the approvals', async () => {
  const { asContact, asPerson } = await account('Busy Contacts Lda', 'busy@example.com', 'busy-person@example.com');
  const kept = await file(asPerson, 'Keep my reason');
  const elsewhere = await file(asPerson, 'Approved in another tab');
  const here = await file(asPerson, 'Approved here');
  const page = await asContact.newPage();
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/tickets');
  await approvalRow(page, here.id).waitFor({ timeout: 15_000 });
  const reason = page.getByLabel(`Reason for rejecting #${kept.id}`);
  await reason.click();
  await page.keyboard.type('Please first try the');
  // A marker a rebuilt row would not carry.
  await approvalRow(page, kept.id).evaluate((row) => {
    row.keptNode = true;
  });
  // Another tab of the same contact approves one ticket...
  const other = await asContact.newPage();
  await other.goto(server.url + '/tickets');
  await other.getByRole('button', { name: `Approve #${elsewhere.id}` }).click();
  await approvalRow(other, elsewhere.id).waitFor({ state: 'detached', timeout: 15_000 });
  // ...and this tab approves another one without taking the focus from the reason (as a
  // screen reader's or a script's activation does), so the approvals are read again.
  await page.getByRole('button', { name: `Approve #${here.id}` }).evaluate((button) => button.click());
  await approvalRow(page, here.id).waitFor({ state: 'detached', timeout: 15_000 });
  await approvalRow(page, elsewhere.id).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(await reason.inputValue(), 'Please first try the');
  assert.equal(await page.evaluate(() => document.activeElement?.id), `reason-${kept.id}`);
  assert.equal(await approvalRow(page, kept.id).evaluate((row) => row.keptNode), true, 'the row was not rebuilt');
  await page.keyboard.type(' runbook.');
  await page.getByRole('button', { name: `Reject #${kept.id}` }).click();
  await approvalRow(page, kept.id).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(
    server.sql(`SELECT status, rejection_reason FROM tickets WHERE id = ${kept.id}`),
    'rejected|Please first try the runbook.',
  );
  assert.deepEqual(problems, []);
  await asContact.close();
  await asPerson.close();
});

test('signing in goes to My tickets without ever saying "You are not signed in"', async () => {
  server.createAccount({ name: 'Flash Lda', level: 1, country: 'PT', email: 'flash@example.com', contactName: 'Flash', password });
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/signin');
  await page.getByLabel('Email').fill('flash@example.com');
  await page.getByLabel('Password').fill(password);
  // A slow network: who is signed in arrives a moment after the page changed, the moment a
  // stale "signed out" would show.
  await page.route('**/api/session', async (route) => {
    if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 400));
    await route.continue();
  });
  // My tickets is the ticket app: signing in loads it. The watch runs in every document of
  // the tab (the sign-in page's and the ticket app's) and remembers what it saw in the tab's
  // session storage, which outlives the page load.
  const watch = () => {
    new MutationObserver(() => {
      if (document.querySelector('main')?.textContent.includes('You are not signed in')) sessionStorage.setItem('sawSignedOut', 'yes');
    }).observe(document, { subtree: true, childList: true, characterData: true });
  };
  await page.addInitScript(watch);
  await page.evaluate(watch);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/tickets');
  await page.getByRole('heading', { level: 2, name: 'All tickets, newest first' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sawSignedOut')), null);
  assert.deepEqual(problems, []);
  await page.close();
});
