// Text that looks like HTML, typed by one person, is shown to every other person as the text it
// is: never parsed into elements, never run. The server stores it unchanged (the bad-input
// suite of crates/server/tests/reliability checks that side); this checks the SPA's side on
// every page that shows text a person typed: my tickets, approvals, a ticket, contacts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';
const bruno = 'bruno@example.com';

// Each one would, if parsed as HTML, create an element and set `window.pwned`.
const subject = '<img src=x onerror="window.pwned=1"><b>bold</b> & <i>more</i>';
const description = '<script>window.pwned=2</script>\n<a href="javascript:window.pwned=3">click</a> &amp; &lt;';
const brunoName = '<svg onload="window.pwned=4">Bruno</svg>';
const carla = 'carla@example.com';
const carlaName = '<img src=x onerror="window.pwned=6">Carla';
const reason = '<iframe srcdoc="<script>parent.pwned=5</script>"></iframe> see </dd><dd>';

let openTicket;
let pendingTicket;

async function signedIn(email) {
  const context = await browser.newContext({ locale: 'en-US' });
  await signIn(await context.newPage(), server.url, email, password);
  return context;
}

async function file(context, data) {
  const answer = await context.request.post(server.url + '/api/tickets', { data });
  assert.equal(answer.status(), 201, await answer.text());
  return answer.json();
}

before(async () => {
  server.createAccount({ name: 'Example Lda', level: 2, country: 'PT', email: ana, contactName: 'Ana Lima', password });
  const asAna = await signedIn(ana);
  const added = await asAna.request.post(server.url + '/api/contacts', {
    data: { email: bruno, name: brunoName, is_contact: false },
  });
  assert.equal(added.status(), 201, await added.text());
  const contact = await asAna.request.post(server.url + '/api/contacts', {
    data: { email: carla, name: carlaName, is_contact: true },
  });
  assert.equal(contact.status(), 201, await contact.text());
  openTicket = await file(asAna, { type: 'incident', severity: 'high', subject, description });
  await asAna.close();
  server.resetPassword(bruno, password);
  const asBruno = await signedIn(bruno);
  pendingTicket = await file(asBruno, { type: 'question', subject, description });
  await asBruno.close();
  // The server keeps the text exactly as typed.
  assert.equal(server.sql(`SELECT subject FROM tickets WHERE id = ${openTicket.id}`), subject);
});

/** Fails if any markup of the hostile strings became an element, or any of it ran. */
async function assertNothingParsed(page) {
  const found = await page.evaluate(() => ({
    pwned: window.pwned ?? null,
    elements: [...document.querySelectorAll('main img, main b, main i, main script, main svg, main iframe, main a[href^="javascript"]')].map(
      (element) => element.outerHTML,
    ),
  }));
  assert.deepEqual(found, { pwned: null, elements: [] });
}

test('a ticket subject and description that look like HTML are shown as text in my tickets and on the ticket page', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    return dialog.dismiss();
  });
  await signIn(page, server.url, ana, password);
  await page.goto(server.url + '/tickets');
  const row = page.locator(`#all-tickets ~ ul [data-ticket-id="${openTicket.id}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.ok((await row.textContent()).includes(subject), await row.textContent());
  const approval = page.locator(`#approvals ~ ul [data-ticket-id="${pendingTicket.id}"]`);
  await approval.waitFor({ timeout: 15_000 });
  assert.ok((await approval.textContent()).includes(subject), await approval.textContent());
  await assertNothingParsed(page);

  await page.goto(`${server.url}/tickets/${openTicket.id}`);
  await page.locator('#ticket-subject').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#ticket-subject').textContent(), subject);
  assert.equal(await page.locator('.ticket-detail dd.prewrap').last().textContent(), description);
  await assertNothingParsed(page);
  await page.screenshot({ path: join(artifacts, 'ticket-html-as-text.png'), fullPage: true });
  assert.deepEqual(dialogs, []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a contact name and a rejection reason that look like HTML are shown as text', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
  await page.goto(server.url + '/contacts');
  await page.getByText(`${carla} (${carlaName})`).waitFor({ timeout: 15_000 });
  await assertNothingParsed(page);

  await page.goto(server.url + '/tickets');
  await page.getByLabel(`Reason for rejecting #${pendingTicket.id}`).fill(reason);
  await page.getByRole('button', { name: `Reject #${pendingTicket.id}` }).click();
  await page.locator(`#approvals ~ ul [data-ticket-id="${pendingTicket.id}"]`).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(server.sql(`SELECT rejection_reason FROM tickets WHERE id = ${pendingTicket.id}`), reason);

  await page.goto(`${server.url}/tickets/${pendingTicket.id}`);
  await page.locator('#ticket-subject').waitFor({ timeout: 15_000 });
  const main = await page.locator('main').textContent();
  assert.ok(main.includes(`Reason for rejection${reason}`), main);
  assert.ok(main.includes(brunoName), 'the submitter name is shown as typed');
  await assertNothingParsed(page);
  assert.deepEqual(problems, []);
  await page.close();
});
