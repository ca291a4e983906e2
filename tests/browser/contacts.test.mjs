// The contacts page follows every change it makes: after a removal, each toggle of the
// manage right is sent with the box's current value and read back from the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, signIn, watchConsole } from './harness.mjs';

const { server, browser } = await serverAndBrowser();

const password = 'correct horse battery';
const ana = 'ana@example.com';

/** Whether the person with `email` may manage contacts, as the database says (1 or 0). */
const mayManage = (email) => server.sql(`SELECT can_manage_contacts FROM people WHERE email = '${email}'`);

test('a contact removed, toggles of another contact keep reaching the server and the box shows what it saved', async () => {
  server.createAccount({ name: 'Example Lda', level: 2, country: 'PT', email: ana, contactName: 'Ana Lima', password });
  const page = await browser.newPage({ locale: 'en-US' });
  const problems = watchConsole(page, { allowHttpErrors: true });
  await signIn(page, server.url, ana, password);
  for (const email of ['leaving@example.com', 'staying@example.com']) {
    const added = await page.context().request.post(server.url + '/api/contacts', { data: { email } });
    assert.equal(added.status(), 201, await added.text());
  }
  await page.goto(server.url + '/contacts');
  await page.getByRole('button', { name: 'Remove leaving@example.com' }).click();
  await page.getByRole('button', { name: 'Remove leaving@example.com' }).waitFor({ state: 'detached', timeout: 15_000 });
  assert.equal(server.sql(`SELECT is_contact FROM people WHERE email = 'leaving@example.com'`), '0');

  const box = page.locator('li.contact', { hasText: 'staying@example.com' }).getByRole('checkbox');
  assert.equal(await box.isChecked(), false);
  for (const expected of [true, false, true]) {
    await box.click();
    // The server has it, and the box, drawn again from the server's answer, says so.
    await waitFor(() => mayManage('staying@example.com') === (expected ? '1' : '0'), `saved as ${expected}`);
    await page.waitForFunction(
      (value) => document.activeElement?.type === 'checkbox' && document.activeElement.checked === value,
      expected,
    );
  }
  assert.deepEqual(problems, []);
  await page.close();
});

/** Polls `condition` for up to 10 s. */
async function waitFor(condition, what) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
