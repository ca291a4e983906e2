// Shared by the browser tests: starts the real server binary on a free port with a fresh
// data folder, and launches Debian's Chromium (no test tool downloads a browser).
import { after } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const serverBin = process.env.SUPPORT_SERVER_BIN;
const dist = process.env.SUPPORT_DIST;
export const artifacts = process.env.TEST_ARTIFACTS ?? join(tmpdir(), 'support-test-artifacts');

if (!serverBin || !dist) {
  throw new Error('SUPPORT_SERVER_BIN and SUPPORT_DIST must be set: run the browser tests with `cargo xtask test`');
}

/**
 * Starts `support-server serve` on port 0 with a fresh SQLite database of its own and
 * resolves once it listens. `env` adds variables to the server's environment (for example
 * `SUPPORT_POLICY`).
 */
export async function startServer({ env: extraEnv = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-browser-'));
  const dbPath = join(dataDir, 'support.db');
  const env = { ...process.env, RUST_LOG: 'info', NO_COLOR: '1', DATABASE_URL: `sqlite://${dbPath}`, ...extraEnv };
  const child = spawn(serverBin, ['serve', '--port', '0', '--dist', dist], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      // eslint-disable-next-line no-control-regex
      const match = log.replace(/\x1b\[[0-9;]*m/g, '').match(/listening on (http:\/\/[\d.:]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${log}`));
    });
  });
  const admin = (args, password) =>
    execFileSync(serverBin, ['admin', ...args], { env, input: `${password}\n`, encoding: 'utf8' });
  return {
    url,
    log: () => log,
    /**
     * Creates an account and its first technical contact (who may manage contacts) with the
     * operator's command, as an operator would.
     */
    createAccount({ name, level, tsm = false, country, email, contactName, password }) {
      const args = ['create-account', '--name', name, '--level', String(level), '--country', country, '--email', email];
      if (tsm) args.push('--tsm');
      if (contactName) args.push('--contact-name', contactName);
      admin(args, password);
    },
    /** Creates a support engineer of the vendor (in no account), as an operator would. */
    createStaff({ email, name, password }) {
      admin(['create-staff', '--email', email, '--name', name], password);
    },
    /** Gives a person (added as a contact or not through the API) a password. */
    resetPassword(email, password) {
      admin(['reset-password', '--email', email], password);
    },
    /** Answers an SQL query on the server's database, one row a line, columns split by `|`. */
    sql(query) {
      return execFileSync('sqlite3', [dbPath, query], { encoding: 'utf8' }).trim();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Collects console errors and uncaught exceptions of a page: a panic must fail the test.
 * With `allowHttpErrors`, Chromium's own "Failed to load resource" lines for answers such as
 * 401 (signed out) or 422 (validation), which the app handles, are not counted.
 */
export function watchConsole(page, { allowHttpErrors = false } = {}) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (allowHttpErrors && msg.text().startsWith('Failed to load resource')) return;
    problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

/** Signs `page`'s browser context in through the real API, as the sign-in form does. */
export async function signIn(page, url, email, password) {
  const answer = await page.context().request.post(url + '/api/session', { data: { email, password } });
  if (answer.status() !== 204) throw new Error(`sign-in of ${email} answered ${answer.status()}: ${await answer.text()}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core in the page and returns the serious and critical violations, described. */
export async function seriousA11yViolations(page) {
  // Evaluated through the DevTools protocol: the server's Content-Security-Policy rightly
  // refuses an inline <script> tag.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Starts the real server and Chromium for one test file and stops both after its last test.
 * Call it at the top of the file: `const { server, browser } = await serverAndBrowser();`.
 * `options` go to `startServer`.
 */
export async function serverAndBrowser(options) {
  const server = await startServer(options);
  let browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.stop();
    throw error;
  }
  after(async () => {
    await browser.close();
    await server.stop();
  });
  return { server, browser };
}
