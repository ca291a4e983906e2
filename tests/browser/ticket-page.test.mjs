// The customer's ticket page (the ticket app) against the real server: the live SLA clock, the
// conversation as an engineer answers through the API (live, without a reload), a reply with a
// file and its progress bar, the draft, and escalate, severity, solve, reopen and rate.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, seriousA11yViolations, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';
const bruno = 'bruno@example.com';
const eve = 'eve@vendor.example';
const other = 'olga@other.example';
let ticket;

/** Each person's signed-in cookies: one sign-in each (the server limits sign-ins). */
const sessions = new Map();

/** A browser context signed in as `email`. */
async function signedIn(email) {
  const options = { locale: 'en-US', timezoneId: 'Europe/Lisbon' };
  if (sessions.has(email)) return browser.newContext({ ...options, storageState: sessions.get(email) });
  const context = await browser.newContext(options);
  await signIn(await context.newPage(), server.url, email, password);
  sessions.set(email, await context.storageState());
  return context;
}

let engineer;

/** Posts `body` on the ticket as the engineer: a public message, a note or a request. */
async function engineerSays(body, flags = {}) {
  const answer = await engineer.request.post(`${server.url}/api/tickets/${ticket.id}/messages`, { data: { body, ...flags } });
  assert.equal(answer.status(), 201, await answer.text());
}

before(async () => {
  server.createAccount({ name: 'Example Lda', level: 2, country: 'PT', email: ana, contactName: 'Ana Lima', password });
  server.createAccount({ name: 'Other BV', level: 2, country: 'NL', email: other, contactName: 'Olga', password });
  server.createStaff({ email: eve, name: 'Eve Engineer', password });
  const asAna = await signedIn(ana);
  const added = await asAna.request.post(server.url + '/api/contacts', {
    data: { email: bruno, name: 'Bruno Sousa', is_contact: false },
  });
  assert.equal(added.status(), 201, await added.text());
  const filed = await asAna.request.post(server.url + '/api/tickets', {
    data: { type: 'incident', severity: 'high', subject: 'Deployments fail', description: 'Since 14:00.' },
  });
  assert.equal(filed.status(), 201, await filed.text());
  ticket = await filed.json();
  await asAna.close();
  server.resetPassword(bruno, password);
  engineer = await signedIn(eve);
});

test('the ticket page shows the live clock, an engineer\'s answer arrives without a reload, an internal note never does, and a request for information pauses the clock', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.locator('#ticket-subject', { hasText: 'Deployments fail' }).waitFor();
  const first = page.locator('#sla-first');
  await first.getByText(/^by .* \(in \d+ h/).waitFor();
  assert.match(await page.locator('#sla-update').textContent(), /Counts from the engineer's first answer/);
  await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
  assert.deepEqual(await seriousA11yViolations(page), []);

  await engineerSays('Internal: the customer runs an old agent.', { internal: true });
  await engineerSays('We are looking at your deployment logs.');
  // Live: the message comes in by itself.
  await page.getByText('We are looking at your deployment logs.').waitFor({ timeout: 5_000 });
  await first.getByText(/^Answered at .*, within target/).waitFor();
  await page.locator('#sla-update').getByText(/^by .*\(in /).waitFor();
  assert.equal(await page.locator('#ticket-status').textContent(), 'in progress');
  assert.equal(await page.getByText('Eve Engineer').first().isVisible(), true);

  await engineerSays('Please send the agent log.', { request_information: true });
  await page.locator('#sla-update').getByText('Paused: waiting for your reply').waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#ticket-status').textContent(), 'waiting for your reply');
  const text = await page.locator('main').textContent();
  assert.ok(!text.includes('old agent'), 'an internal note reached the customer\'s page');
  await page.screenshot({ path: join(artifacts, 'ticket-page-paused.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lost live connection is said, retried, and what came meanwhile shows once it is back', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  // Each stream the browser opens ends at once, as a dropped connection would.
  await page.route('**/api/events', (route) =>
    route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'retry: 500\n\n' }),
  );
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.locator('#ticket-subject', { hasText: 'Deployments fail' }).waitFor();
  await page.locator('[data-live="lost"]', { hasText: 'Connection lost; reconnecting' }).waitFor({ timeout: 10_000 });
  await engineerSays('Written while you were offline.');
  assert.equal(await page.getByText('Written while you were offline.').count(), 0);
  await page.unroute('**/api/events');
  await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
  await page.getByText('Written while you were offline.').waitFor({ timeout: 5_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reply keeps its draft across a reload, uploads its file with a progress bar, and starts the clock again', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  const box = page.getByLabel('Your message');
  await box.fill('Here is the agent log.');
  await page.reload();
  await page.getByLabel('Your message').waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), 'Here is the agent log.');
  await page.locator('#reply-files').setInputFiles({ name: 'agent.log', mimeType: 'text/plain', buffer: Buffer.alloc(300_000, 'x') });
  assert.equal(await page.locator('progress[aria-label="agent.log"]').getAttribute('value'), '0');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.timeline').getByText('Here is the agent log.').waitFor();
  const link = page.locator('.timeline a', { hasText: 'agent.log' });
  await link.waitFor();
  assert.match(await link.getAttribute('href'), /^\/api\/attachments\/\d+$/);
  assert.match(await page.locator('.timeline .entry', { has: page.getByRole('link', { name: 'agent.log' }) }).textContent(), /agent\.log \(293 KiB\)/);
  // Sent: the draft and the chosen file are gone, and the clock runs again.
  assert.equal(await page.getByLabel('Your message').inputValue(), '');
  assert.equal(await page.locator('progress').count(), 0);
  await page.locator('#sla-update').getByText(/^by .*\(in /).waitFor();
  assert.equal(await page.locator('#ticket-status').textContent(), 'in progress');
  await page.reload();
  await page.getByLabel('Your message').waitFor();
  assert.equal(await page.getByLabel('Your message').inputValue(), '', 'the sent draft came back');
  // The file downloads with its own bytes.
  const download = await context.request.get(server.url + (await page.locator('.timeline a', { hasText: 'agent.log' }).getAttribute('href')));
  assert.equal(download.status(), 200);
  assert.equal((await download.body()).length, 300_000);
  // An empty message is refused here, before any request.
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('alert').getByText('Write a message first.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('escalating needs a detail when the ticket is not handled, and after "the severity has increased" the page says whom to call', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.getByRole('button', { name: 'Escalate' }).click();
  await page.getByLabel('The ticket is not handled appropriately').check();
  await page.getByRole('button', { name: 'Escalate' }).last().click();
  await page.getByRole('alert').getByText('Say what was not handled appropriately.').waitFor();
  await page.getByLabel('The severity has increased').check();
  await page.getByRole('button', { name: 'Escalate' }).last().click();
  const call = page.locator('.call-now');
  await call.waitFor();
  assert.match(await call.textContent(), new RegExp(`\\+351 800 780 555 and give the ticket number #${ticket.id}`));
  await page.locator('.timeline').getByText('escalated the ticket: the severity has increased').waitFor();

  await page.getByRole('button', { name: 'Change the severity' }).click();
  await page.getByLabel('New severity').selectOption('urgent');
  await page.getByRole('button', { name: 'Change the severity' }).last().click();
  await page.getByRole('alert').getByText('Say why the severity changes.').waitFor();
  await page.getByLabel('Why?').fill('All customers are down now.');
  await page.getByRole('button', { name: 'Change the severity' }).last().click();
  await page.locator('.timeline').getByText('changed the severity from high to urgent').waitFor();
  await page.locator('#ticket-type').getByText(/Urgent/i).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('solving asks first, a solved ticket has no update clock, it reopens with a reason, and is rated once', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.getByRole('button', { name: 'Mark as solved' }).click();
  await page.getByText('Mark this ticket as solved?').waitFor();
  await page.getByRole('button', { name: 'Yes, mark as solved' }).click();
  await page.locator('#ticket-status', { hasText: 'solved' }).waitFor();
  await page.locator('#sla-update').getByText('None: the ticket is solved.').waitFor();
  assert.equal(await page.locator('#reply-body').count(), 0, 'a solved ticket takes no reply');

  await page.getByRole('button', { name: 'Reopen' }).click();
  await page.getByRole('button', { name: 'Reopen the ticket' }).click();
  await page.getByRole('alert').getByText('Say why the ticket is not solved.').waitFor();
  await page.getByLabel('Why is it not solved?').fill('It failed again at 16:00.');
  await page.getByRole('button', { name: 'Reopen the ticket' }).click();
  await page.locator('#ticket-status', { hasText: 'in progress' }).waitFor();
  await page.locator('.timeline').getByText('It failed again at 16:00.').waitFor();

  await page.getByRole('button', { name: 'Mark as solved' }).click();
  await page.getByRole('button', { name: 'Yes, mark as solved' }).click();
  await page.locator('#ticket-status', { hasText: 'solved' }).waitFor();
  await page.getByRole('button', { name: 'Rate the support' }).click();
  await page.getByRole('button', { name: 'Send the rating' }).click();
  await page.getByRole('alert').getByText('Choose a score from 1 to 5.').waitFor();
  await page.getByLabel('5', { exact: true }).check();
  await page.getByLabel('Comment (optional)').fill('Fast and clear.');
  await page.getByRole('button', { name: 'Send the rating' }).click();
  await page.locator('.timeline').getByText('rated the support 5 of 5').waitFor();
  await page.getByRole('button', { name: 'Rate the support' }).waitFor({ state: 'detached' });
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'ticket-page-solved.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a person who neither filed the ticket nor is a contact reads it without actions, in Japanese too; another account gets no ticket', async () => {
  const context = await signedIn(bruno);
  const page = await context.newPage();
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(`${server.url}/tickets/${ticket.id}`);
  await page.locator('#ticket-subject', { hasText: 'Deployments fail' }).waitFor();
  await page.getByText('Only the person who filed this ticket').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Mark as solved' }).count(), 0);
  await page.getByRole('button', { name: '日本語' }).click();
  await page.getByRole('heading', { name: 'やり取り' }).waitFor();
  await page.getByText('回答日時').waitFor();
  await page.screenshot({ path: join(artifacts, 'ticket-page-ja.png'), fullPage: true });
  await context.close();

  const outsider = await signedIn(other);
  const theirs = await outsider.newPage();
  await theirs.goto(`${server.url}/tickets/${ticket.id}`);
  await theirs.getByRole('alert').getByText('This could not be loaded').waitFor();
  assert.ok(!(await theirs.locator('main').textContent()).includes('Deployments fail'));
  await outsider.close();
  assert.deepEqual(problems, []);
});

test('my tickets and a ticket\'s page are the ticket app: the main navigation loads it, its ticket links stay in it, and the front pages load the front app', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const app = () => page.evaluate(() => [...document.scripts].map((s) => s.textContent).join(' '));
  await page.goto(`${server.url}/`);
  assert.match(await app(), /support-spa-/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tickets' }).click();
  await page.getByRole('heading', { name: 'My tickets' }).waitFor();
  assert.match(await app(), /support-ticket-/, 'my tickets runs the ticket app');
  // Inside the ticket app a ticket's link is no page load: a marker set on the window stays.
  await page.evaluate(() => { window.stayed = true; });
  await page.locator(`[data-ticket-id="${ticket.id}"] a`).first().click();
  await page.waitForURL(`**/tickets/${ticket.id}`);
  await page.locator('#ticket-subject', { hasText: 'Deployments fail' }).waitFor();
  assert.equal(await page.evaluate(() => window.stayed), true);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
  await page.waitForURL('**/tickets/new');
  await page.getByRole('heading', { name: 'New ticket' }).waitFor();
  assert.match(await app(), /support-spa-/, 'the ticket form runs the front app');
  assert.deepEqual(problems, []);
  await context.close();
});

test('my tickets shows each ticket\'s next deadline and follows the server live', async () => {
  const context = await signedIn(ana);
  const page = await context.newPage();
  const problems = watchConsole(page);
  const filed = await context.request.post(server.url + '/api/tickets', {
    data: { type: 'incident', severity: 'normal', subject: 'Slow reports', description: 'Since Monday.' },
  });
  assert.equal(filed.status(), 201, await filed.text());
  const slow = await filed.json();
  await page.goto(`${server.url}/tickets`);
  const row = page.locator(`#all-tickets ~ ul [data-ticket-id="${slow.id}"]`);
  await row.locator('.next-deadline').getByText(/^First response by .*\(in /).waitFor();
  await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
  const answer = await engineer.request.post(`${server.url}/api/tickets/${slow.id}/messages`, { data: { body: 'Looking into it.' } });
  assert.equal(answer.status(), 201, await answer.text());
  await row.locator('.next-deadline').getByText(/^Next update by .*\(in /).waitFor({ timeout: 5_000 });
  await row.getByText('in progress').waitFor();
  const asked = await engineer.request.post(`${server.url}/api/tickets/${slow.id}/messages`, { data: { body: 'Which report?', request_information: true } });
  assert.equal(asked.status(), 201, await asked.text());
  await row.locator('.next-deadline').getByText('Paused: waiting for your reply').waitFor({ timeout: 5_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a closed ticket offers a follow-up: the form names it, the new ticket links to it, and the closed ticket\'s conversation links to the new one', async () => {
  const context = await signedIn(ana);
  const api = context.request;
  const filed = await api.post(server.url + '/api/tickets', {
    data: { type: 'question', subject: 'Where are the audit logs?', description: 'For the 2026 audit.' },
  });
  assert.equal(filed.status(), 201, await filed.text());
  const closed = (await filed.json()).id;
  const solved = await engineer.request.post(`${server.url}/api/tickets/${closed}/solve`, { data: {} });
  assert.equal(solved.status(), 201, await solved.text());
  // The reopening window (14 days) long past: the server's task (every 15 s) closes it.
  const fifteenDaysAgo = (Date.now() - 15 * 24 * 3600 * 1000) * 1000;
  server.sql(`UPDATE tickets SET solved_at = ${fifteenDaysAgo} WHERE id = ${closed}`);
  const deadline = Date.now() + 40_000;
  for (;;) {
    const read = await (await api.get(`${server.url}/api/tickets/${closed}`)).json();
    if (read.status === 'closed') break;
    assert.ok(Date.now() < deadline, `ticket ${closed} still ${read.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${server.url}/tickets/${closed}`);
  await page.locator('#ticket-status', { hasText: 'closed' }).waitFor();
  assert.equal(await page.locator('#reply-body').count(), 0, 'a closed ticket takes no reply');
  await page.getByRole('link', { name: 'open a follow-up ticket' }).click();
  await page.waitForURL(`**/tickets/new?follows=${closed}`);
  await page.locator(`[data-follows="${closed}"]`).getByText(`#${closed}`).waitFor();
  await page.getByLabel('Question').check();
  await page.getByLabel('Subject').fill('Audit logs again');
  await page.getByLabel('Description').fill('The 2026 logs are missing again.');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const confirmation = page.locator('#confirmation');
  await confirmation.waitFor({ timeout: 15_000 });
  const followUp = Number((await confirmation.textContent()).match(/#(\d+)/)[1]);
  assert.equal(server.sql(`SELECT follows_id FROM tickets WHERE id = ${followUp}`), String(closed));

  await page.goto(`${server.url}/tickets/${followUp}`);
  await page.locator('#ticket-follows').getByRole('link', { name: `#${closed}` }).click();
  await page.waitForURL(`**/tickets/${closed}`);
  const entry = page.locator('.timeline li', { hasText: 'opened a follow-up ticket' });
  await entry.getByRole('link', { name: `#${followUp}` }).waitFor();
  assert.deepEqual(await seriousA11yViolations(page), []);
  await page.screenshot({ path: join(artifacts, 'ticket-page-follow-up.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
