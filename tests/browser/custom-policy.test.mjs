// The ticket form, the options page and a filed ticket follow the policy the server runs
// with: the fixture drops the `availability` field, adds a required `purchase_order` field and
// names the `high` severity "Major" (see tests/browser/fixtures/custom-policy.toml).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifacts, serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const policy = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'custom-policy.toml');
const { server, browser } = await serverAndBrowser({ env: { SUPPORT_POLICY: policy } });

const password = 'correct horse battery';
const ana = 'ana@example.com';

before(() => {
  server.createAccount({ name: 'Example Lda', level: 3, country: 'PT', email: ana, contactName: 'Ana Lima', password });
});

/** The texts of the options of the select labelled `label`. */
const optionTexts = (page, label) => page.getByLabel(label).locator('option').allTextContents();

test('the form has the policy fields: the dropped one is gone, the added one has its label, hint, required mark and limit', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/tickets/new');
  await page.getByLabel('Incident').waitFor({ timeout: 15_000 });
  await page.locator('#purchase_order').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#availability').count(), 0, 'the dropped field is not in the form');
  assert.equal(await page.getByText('Your availability').count(), 0);
  const added = page.getByLabel('Purchase order');
  assert.equal(await page.locator('label[for="purchase_order"]').textContent(), 'Purchase order *');
  assert.equal(await added.getAttribute('required'), '');
  assert.equal(await added.getAttribute('maxlength'), '30');
  assert.match(await added.getAttribute('aria-describedby'), /purchase_order-hint/);
  assert.equal(await page.locator('#purchase_order-hint').textContent(), 'The order number on your support contract.');
  assert.deepEqual(await optionTexts(page, 'Severity'), ['Urgent', 'Major', 'Normal', 'Low']);
  // The added field is checked as the policy says before anything is sent.
  await page.getByLabel('Subject').fill('Deployments fail');
  await page.getByLabel('Description').fill('Every deployment to production stops at 90 %.');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  await page.locator('#purchase_order-error').waitFor();
  assert.equal(await page.locator('#purchase_order-error').textContent(), 'Required.');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'purchase_order');
  await page.screenshot({ path: join(artifacts, 'custom-policy-form.png'), fullPage: true });
  // In Japanese, the policy's Japanese texts.
  await page.getByRole('button', { name: '日本語' }).click();
  await page.locator('label[for="purchase_order"]').getByText('注文番号').waitFor();
  assert.equal(await page.locator('#purchase_order-hint').textContent(), 'サポート契約の注文番号。');
  assert.deepEqual(await optionTexts(page, '重要度'), ['緊急', '重大', '通常', '低']);
  await page.getByRole('button', { name: 'English' }).click();
  assert.deepEqual(problems, []);
  await page.close();
});

test('the options page names the severities and the ticket fields of the policy', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await page.goto(server.url + '/options');
  const severities = page.locator('.severity-table tbody th');
  await severities.first().waitFor({ timeout: 15_000 });
  assert.deepEqual(await severities.allTextContents(), ['Urgent', 'Major', 'Normal', 'Low']);
  const fields = page.locator('.ticket-fields dt');
  await fields.first().waitFor({ timeout: 15_000 });
  const names = await fields.allTextContents();
  assert.ok(names.includes('Purchase order (required)'), names.join(' | '));
  assert.ok(!names.some((name) => name.includes('availability')), names.join(' | '));
  await page.screenshot({ path: join(artifacts, 'custom-policy-options.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a ticket with the added field is filed (201) and carries its value; a draft of the old policy does not break it', async () => {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'Europe/Lisbon' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
  await page.goto(server.url + '/tickets/new');
  await page.getByLabel('Incident').waitFor({ timeout: 15_000 });
  // A draft written under the shipped policy, with a value for the field this one dropped.
  await page.evaluate(() =>
    localStorage.setItem(
      'support.ticket-draft',
      JSON.stringify({ kind: 'incident', severity: 'high', subject: 'Deployments fail', availability: 'Mornings, Lisbon time' }),
    ),
  );
  await page.reload();
  await page.locator('#purchase_order').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByLabel('Subject').inputValue(), 'Deployments fail');
  assert.equal(await page.getByLabel('Severity').inputValue(), 'high');
  await page.getByLabel('Description').fill('Every deployment to production stops at 90 %.');
  await page.getByLabel('Purchase order').fill('PO-2026-0042');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/tickets') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const response = await answer;
  const sent = response.request().postDataJSON();
  assert.equal(response.status(), 201, await response.text());
  assert.deepEqual(Object.keys(sent).sort(), [
    'description', 'environment', 'impact', 'language', 'platform_version', 'purchase_order', 'severity', 'started_at',
    'steps_to_reproduce', 'subject', 'type',
  ]);
  const created = await response.json();
  assert.equal(created.purchase_order, 'PO-2026-0042');
  assert.equal(created.severity, 'high');
  assert.equal('availability' in created, false);
  await page.locator('#confirmation').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('#confirmation').textContent(), new RegExp(`#${created.id}(?!\\d)`));
  const ticket = await page.context().request.get(`${server.url}/api/tickets/${created.id}`);
  assert.equal(ticket.status(), 200);
  assert.equal((await ticket.json()).purchase_order, 'PO-2026-0042');
  assert.equal(JSON.parse(server.sql(`SELECT details FROM tickets WHERE id = ${created.id}`)).purchase_order, 'PO-2026-0042');
  assert.deepEqual(problems, []);
  await page.close();
});
