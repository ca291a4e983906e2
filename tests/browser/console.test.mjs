// The support console (crates/console, under /console/) against the real server: an engineer
// signs in, sees a new ticket arrive on top of the queue, takes it, replies, asks for
// information and solves it while the customer's own page follows; internal notes stay the
// engineers'; a customer gets no data; the warning mark at an injected instant; the report.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, seriousA11yViolations, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';
const eve = 'eve@vendor.example';
const options = { locale: 'en-US', timezoneId: 'Europe/Lisbon' };
/** Each person's signed-in cookies: one sign-in each (the server limits sign-ins). */
const sessions = new Map();
/** The tickets this file files, for the report: `${level}-${severity}` → count. */
const filed = new Map();

async function signedIn(email) {
  if (sessions.has(email)) return browser.newContext({ ...options, storageState: sessions.get(email) });
  const context = await browser.newContext(options);
  await signIn(await context.newPage(), server.url, email, password);
  sessions.set(email, await context.storageState());
  return context;
}

/** Files an incident as Ana (level 3): the ticket's answer. */
async function fileIncident(severity, subject) {
  const context = await signedIn(ana);
  const answer = await context.request.post(server.url + '/api/tickets', {
    data: { type: 'incident', severity, subject, description: 'Seen since this morning.' },
  });
  assert.equal(answer.status(), 201, await answer.text());
  const ticket = await answer.json();
  await context.close();
  filed.set(`3-${severity}`, (filed.get(`3-${severity}`) ?? 0) + 1);
  return ticket;
}

before(() => {
  server.createAccount({ name: 'Example Lda', level: 3, country: 'PT', email: ana, contactName: 'Ana Lima', password });
  server.createStaff({ email: eve, name: 'Eve Engineer', password });
  server.createStaff({ email: 'sam@vendor.example', name: 'Sam Second', password });
});

test('an engineer signs in, sees a new ticket on top of the queue, takes it, replies, asks for information, and solves it as the customer\'s page follows', async () => {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + '/console/');
  await page.locator('#signin-email').fill(eve);
  await page.locator('#signin-password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h1', { hasText: 'Queue' }).waitFor();
  sessions.set(eve, await context.storageState());
  await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
  assert.deepEqual(await seriousA11yViolations(page), []);

  // Filed while the engineer watches: it comes in by itself, on top.
  const ticket = await fileIncident('urgent', 'Cluster down');
  const top = page.locator('#queue tbody tr').first();
  await page.locator(`#queue tbody tr[data-ticket="${ticket.id}"]`).waitFor({ timeout: 5_000 });
  assert.equal(await top.getAttribute('data-ticket'), String(ticket.id));
  const row = await top.textContent();
  for (const part of ['Example Lda', 'Cluster down', 'open', 'nobody']) assert.ok(row.includes(part), `${part} in ${row}`);
  assert.match(row, /\(in \d+ (h|min)/, 'a live countdown');

  // The keyboard alone: j selects the first ticket, Enter opens it.
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.locator('#ticket-subject', { hasText: 'Cluster down' }).waitFor();
  assert.match(new URL(page.url()).pathname, new RegExp(`^/console/tickets/${ticket.id}$`));
  assert.match(await page.locator('#ticket-account').textContent(), /level 3/);
  await page.locator('#sla-first').getByText(/^due .*\(in /).waitFor();
  await page.locator('#sla-history [data-sla="started"]').waitFor();
  await page.locator('[data-live="open"]').waitFor({ timeout: 10_000 });
  assert.deepEqual(await seriousA11yViolations(page), []);

  await page.locator('#take').click();
  await page.locator('#ticket-assignee', { hasText: 'Eve Engineer' }).waitFor();

  // r: the reply box; its draft survives a reload.
  await page.keyboard.press('r');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'reply-body');
  await page.keyboard.type('We are restarting the cluster.');
  await page.reload();
  await page.locator('#reply-body').waitFor();
  assert.equal(await page.locator('#reply-body').inputValue(), 'We are restarting the cluster.');
  await page.locator('#send-reply').click();
  await page.locator('#timeline [data-entry-type="public_message"]', { hasText: 'restarting the cluster' }).waitFor();
  await page.locator('#sla-first').getByText(/^Answered at .*, within target/).waitFor();
  assert.equal(await page.locator('#reply-body').inputValue(), '');

  const customer = await signedIn(ana);
  const theirs = await customer.newPage();
  const theirProblems = watchConsole(theirs);
  await theirs.goto(`${server.url}/tickets/${ticket.id}`);
  await theirs.locator('#sla-first').getByText(/^Answered at .*, within target/).waitFor();

  // n: an internal note, shown to engineers, never to the customer.
  await page.keyboard.press('n');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'note-body');
  await page.keyboard.type('Internal: node 3 has a bad disk.');
  await page.locator('#add-note').click();
  await page.locator('#timeline [data-entry-type="internal_note"]', { hasText: 'bad disk' }).waitFor();

  await page.locator('#reply-body').fill('Please send the controller log.');
  await page.locator('#request-information').click();
  await page.locator('#sla-update', { hasText: 'Paused' }).waitFor();
  await page.locator('#ticket-status', { hasText: 'waiting for the customer' }).waitFor();
  await page.locator('#sla-history [data-sla="paused"]').waitFor();
  await theirs.locator('#sla-update').getByText('Paused: waiting for your reply').waitFor({ timeout: 5_000 });
  assert.ok(!(await theirs.locator('main').textContent()).includes('bad disk'), 'an internal note reached the customer');

  // The customer answers: the clock runs again on the engineer's page, live.
  const reply = await customer.request.post(`${server.url}/api/tickets/${ticket.id}/messages`, {
    data: { body: 'Here is the log.' },
  });
  assert.equal(reply.status(), 201, await reply.text());
  await page.locator('#timeline', { hasText: 'Here is the log.' }).waitFor({ timeout: 5_000 });
  await page.locator('#sla-update').getByText(/^due .*\(in /).waitFor();
  await page.locator('#ticket-status', { hasText: 'in progress' }).waitFor();
  await page.locator('#sla-history [data-sla="resumed"]').waitFor();

  await page.locator('#solve').click();
  await page.locator('#confirm-solve').click();
  await page.locator('#ticket-status', { hasText: 'solved' }).waitFor();
  await page.locator('#sla-update', { hasText: 'None: the ticket is solved.' }).waitFor();
  await theirs.locator('#ticket-status', { hasText: 'solved' }).waitFor({ timeout: 5_000 });
  assert.ok(!(await theirs.locator('main').textContent()).includes('bad disk'), 'an internal note reached the customer');
  await page.screenshot({ path: join(artifacts, 'console-ticket.png'), fullPage: true });

  // Solved, it has left the queue.
  await page.locator('a', { hasText: 'Back to the queue' }).click();
  await page.locator('main h1', { hasText: 'Queue' }).waitFor();
  await page.locator('#queue-empty').waitFor();
  assert.deepEqual(problems, []);
  assert.deepEqual(theirProblems, []);
  await customer.close();
  await context.close();
});

test('a customer opening the console is told it is for support engineers and fetches nothing but the session', async () => {
  for (const who of ['customer', 'visitor']) {
    const context = who === 'customer' ? await signedIn(ana) : await browser.newContext(options);
    const page = await context.newPage();
    const problems = watchConsole(page);
    const asked = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/')) asked.push(path);
    });
    await page.goto(server.url + '/console/tickets/1');
    if (who === 'customer') {
      await page.locator('#for-engineers', { hasText: 'This console is for support engineers.' }).waitFor();
    } else {
      await page.locator('#signin-email').waitFor();
    }
    await page.waitForLoadState('networkidle');
    assert.deepEqual(asked, ['/api/session'], `${who}: ${asked}`);
    assert.deepEqual(await seriousA11yViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the warning mark appears at a fixed injected instant, on the deadline\'s own calendar, and a breach stands out', async () => {
  const ticket = await fileIncident('low', 'Typo in the dashboard');
  const engineer = await signedIn(eve);
  const due = Date.parse(ticket.first_response_due);
  const queueAt = async (at) => {
    const answer = await engineer.request.get(`${server.url}/api/console/queue?at=${encodeURIComponent(at)}`);
    assert.equal(answer.status(), 200);
    return (await answer.json()).tickets.find((t) => t.id === ticket.id);
  };
  // Now the deadline is far: no mark. An instant shortly before it, with the ticket's
  // calendar open, is in the warning window (the server says which, as of `at`).
  assert.equal((await queueAt(new Date().toISOString())).in_warning, false);
  let warned;
  for (const minutes of [1, 5, 15, 30, 60]) {
    const at = new Date(due - minutes * 60_000).toISOString();
    if ((await queueAt(at)).in_warning) {
      warned = at;
      break;
    }
  }
  assert.ok(warned, 'an instant before the deadline is in the warning window');

  const mark = async (at) => {
    const context = await browser.newContext({ ...options, storageState: sessions.get(eve) });
    if (at) await context.addInitScript((instant) => localStorage.setItem('support.console.now', instant), at);
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(server.url + '/console/');
    const row = page.locator(`#queue tbody tr[data-ticket="${ticket.id}"]`);
    await row.waitFor();
    const found = (await row.locator('[data-mark]').count()) === 0 ? null : await row.locator('[data-mark]').getAttribute('data-mark');
    if (at) await page.screenshot({ path: join(artifacts, `console-queue-${found}.png`), fullPage: true });
    assert.deepEqual(await seriousA11yViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
    return found;
  };
  assert.equal(await mark(null), null);
  assert.equal(await mark(warned), 'warning');
  assert.equal(await mark(new Date(due + 60_000).toISOString()), 'breached');

  // The filters: only low incidents, then only the tickets of nobody.
  const context = await browser.newContext({ ...options, storageState: sessions.get(eve) });
  const page = await context.newPage();
  await page.goto(server.url + '/console/');
  await page.locator(`#queue tbody tr[data-ticket="${ticket.id}"]`).waitFor();
  await page.locator('#filter-severity').selectOption('urgent');
  await page.locator('#queue-empty').waitFor();
  await page.locator('#filter-severity').selectOption('low');
  await page.locator(`#queue tbody tr[data-ticket="${ticket.id}"]`).waitFor();
  await page.locator('#filter-assigned').selectOption('me');
  await page.locator('#queue-empty').waitFor();
  await page.locator('#filter-assigned').selectOption('unassigned');
  await page.locator(`#queue tbody tr[data-ticket="${ticket.id}"]`).waitFor();
  await context.close();
});

test('the report counts the tickets made in this test per level and severity, draws them, and downloads as CSV', async () => {
  const context = await signedIn(eve);
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(server.url + '/console/report');
  await page.locator('#report-table').waitFor();
  const total = [...filed.values()].reduce((a, b) => a + b, 0);
  await page.locator('#report-total', { hasText: `${total} tickets` }).waitFor();
  for (const [key, count] of filed) {
    const row = page.locator(`#report-table tr[data-row="${key}"]`);
    assert.equal(await row.locator('[data-col="tickets"]').textContent(), String(count), key);
    assert.equal(await page.locator(`#report-chart [data-bar="${key}"]`).count(), 1, `a bar for ${key}`);
  }
  // The urgent ticket was answered on time; the low one not yet.
  assert.equal(await page.locator('#report-table tr[data-row="3-urgent"] [data-col="met"]').textContent(), '1');
  assert.equal(await page.locator('#report-table tr[data-row="3-low"] [data-col="met"]').textContent(), '0');
  assert.equal(await page.locator('#report-chart g[data-bar]').count(), filed.size);
  assert.deepEqual(await seriousA11yViolations(page), []);

  const href = await page.locator('#report-csv').getAttribute('href');
  const csv = await context.request.get(server.url + href);
  assert.equal(csv.status(), 200);
  assert.match(csv.headers()['content-type'], /^text\/csv/);
  const lines = (await csv.text()).trim().split('\n');
  assert.match(lines[0], /^level,severity,tickets,/);
  const urgent = lines.find((line) => line.startsWith('3,urgent,'));
  assert.ok(urgent?.startsWith('3,urgent,1,1,0,'), urgent);
  await page.screenshot({ path: join(artifacts, 'console-report.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
