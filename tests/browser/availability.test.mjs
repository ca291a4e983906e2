import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, serverAndBrowser, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

// Friday 27 November 2026, 15:00 in Lisbon (WET, UTC+0).
const friday = new Date('2026-11-27T15:00:00Z');

test('the availability page tells the time of a fixed instant in the visitor zone and moves on by itself', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.clock.install({ time: friday });
  await page.goto(server.url + '/availability');
  const now = page.locator('#now');
  await now.waitFor({ timeout: 15_000 });
  assert.match(await now.textContent(), /Fri, Nov 27, 15:00/);
  await page.clock.runFor(60_000);
  assert.match(await now.textContent(), /Fri, Nov 27, 15:01/);
  // The list holds every zone once the visitor reaches for it, as a person would.
  await page.getByLabel('Your time zone').focus();
  await page.getByLabel('Your time zone').selectOption('Asia/Tokyo');
  assert.match(await now.textContent(), /Sat, Nov 28, 00:01/);
  await page.screenshot({ path: join(artifacts, 'availability-fixed.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

// Saturday 28 November 2026, 10:00 in Lisbon: the business calendar (Monday to Friday) is
// closed, the round-the-clock one open.
const saturday = new Date('2026-11-28T10:00:00Z');

test('on a Saturday, business-hours support shows closed with a countdown to Monday and 24x7 support shows staffed, with a 7-day timeline per level', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.clock.setFixedTime(saturday);
  await page.goto(server.url + '/availability');
  const cell = (level, severity, channel) =>
    page.locator(`td[data-level="${level}"][data-severity="${severity}"][data-channel="${channel}"]`);
  await cell(1, 'urgent', 'web').waitFor({ timeout: 15_000 });
  assert.match(await cell(1, 'urgent', 'web').textContent(), /^Closedopens Mon, Nov 30, 00:00 GMT(\+0)? \(in 1 d 14 h 0 min\)$/);
  assert.equal(await cell(3, 'urgent', 'phone').textContent(), 'Staffed now');
  assert.equal(await cell(3, 'normal', 'phone').textContent().then((t) => t.startsWith('Closed')), true);
  // Level 3 has two calendars (24x7 for urgent and high, business days for the rest).
  assert.equal(await page.locator('.timeline-row[data-level="3"]').count(), 2);
  const business = page.locator('.timeline-row[data-level="1"] svg');
  assert.match(await business.getAttribute('aria-label'), /Level 1, Urgent, High, Normal, Low: staffed Mon, Nov 30, 00:00 GMT(\+0)? – Sat, Dec 5, 00:00 GMT(\+0)?$/);
  assert.equal(await business.locator('line.now').count(), 1);
  await page.screenshot({ path: join(artifacts, 'availability-saturday.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the expected-response widget agrees with the server quote at an injected instant', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.clock.setFixedTime(saturday);
  await page.goto(server.url + '/response');
  await page.getByLabel('Support level').waitFor({ timeout: 15_000 });
  const cases = [
    { level: 1, type: 'incident', severity: 'urgent', label: 'Incident' },
    { level: 2, type: 'incident', severity: 'high', label: 'Incident' },
    { level: 3, tsm: true, type: 'incident', severity: 'urgent', label: 'Incident' },
    { level: 3, type: 'incident', severity: 'normal', label: 'Incident' },
    { level: 1, type: 'question', label: 'Question' },
    { level: 2, type: 'request', service: 'custom-domain', label: 'Request' },
  ];
  for (const c of cases) {
    await page.getByLabel('Support level').selectOption(String(c.level));
    await page.getByLabel('The account has a Technical Success Manager').setChecked(Boolean(c.tsm));
    await page.getByLabel(c.label, { exact: true }).check();
    if (c.severity) await page.getByLabel('Severity').selectOption(c.severity);
    if (c.service) await page.getByLabel('Catalog service').selectOption(c.service);
    const query = new URLSearchParams({ level: String(c.level), tsm: String(Boolean(c.tsm)), type: c.type, at: saturday.toISOString() });
    if (c.severity) query.set('severity', c.severity);
    if (c.service) query.set('service', c.service);
    const answer = await fetch(`${server.url}/api/quote?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(c));
    const quote = await answer.json();
    const widget = page.locator(`#expected-response[data-due="${quote.first_response_due}"]`);
    await widget.waitFor({ timeout: 5_000 }).catch(async () => {
      const shown = await page.locator('#expected-response').getAttribute('data-due');
      assert.fail(`${JSON.stringify(c)}: the page says ${shown}, the server ${quote.first_response_due}`);
    });
  }
  // The last case, in words: the catalog's time, counted from Monday's opening.
  const text = await page.locator('#expected-response').textContent();
  assert.match(text, /Custom domain and certificate is delivered within about 2 business days/);
  assert.match(text, /The clock starts when support opens: Mon, Nov 30, 00:00 GMT(\+0)?\./);
  await page.screenshot({ path: join(artifacts, 'response-quote.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the timeline marks Christmas as a holiday of the business calendar and leaves it out of the staffed windows', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  // Wednesday 23 December 2026, noon in Lisbon: the drawing runs to Wednesday 30, midnight.
  await page.clock.setFixedTime(new Date('2026-12-23T12:00:00Z'));
  await page.goto(server.url + '/availability');
  const business = page.locator('.timeline-row[data-level="1"] svg');
  await business.waitFor({ timeout: 15_000 });
  assert.equal(await business.locator('rect.holiday').count(), 1);
  assert.match(
    await business.getAttribute('aria-label'),
    /staffed Wed, Dec 23, 00:00 GMT(\+0)? – Fri, Dec 25, 00:00 GMT(\+0)?; Mon, Dec 28, 00:00 GMT(\+0)? – Wed, Dec 30, 00:00 GMT(\+0)?\. Holiday: (Fri 25|25 Fri)$/,
  );
  // The round-the-clock calendar has no holidays.
  assert.equal(await page.locator('.timeline-row[data-level="3"]').first().locator('rect.holiday').count(), 0);
  await page.screenshot({ path: join(artifacts, 'availability-christmas.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
