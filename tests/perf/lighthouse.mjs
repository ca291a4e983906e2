// Lighthouse (mobile profile: simulated slow 4G, CPU slowed 4x) on every customer page of the
// built SPA, signed out and signed in, and the main-thread cost per second of the live pages.
// Machine-dependent figures, so not part of `cargo xtask test`: run it with `cargo xtask perf`,
// which builds the SPA and the server (release) and sets SUPPORT_SERVER_BIN and SUPPORT_DIST.
//
// Prints one table of scores and metrics, then one of TaskDuration per second (DevTools
// protocol `Performance.getMetrics` over 10 s at `Emulation.setCPUThrottlingRate` 4).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

const serverBin = process.env.SUPPORT_SERVER_BIN;
const dist = process.env.SUPPORT_DIST;
if (!serverBin || !dist) {
  throw new Error('SUPPORT_SERVER_BIN and SUPPORT_DIST must be set: run `cargo xtask perf`');
}
const CHROMIUM = '/usr/bin/chromium';
const CHROME_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// `/tickets/{id}` is added once the perf account has filed its ticket.
const PAGES = ['/', '/options', '/availability', '/response', '/signin', '/tickets/new', '/tickets', '/contacts'];
const LIVE_PAGES = ['/availability', '/tickets/new'];
const EMAIL = 'perf@example.com';
const PASSWORD = 'perf-password-2026';

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-perf-'));
  const env = { ...process.env, RUST_LOG: 'warn,support_server=info', NO_COLOR: '1', DATABASE_URL: `sqlite://${join(dataDir, 'support.db')}` };
  execFileSync(serverBin, ['admin', 'create-account', '--name', 'Perf Customer', '--level', '3', '--tsm', '--country', 'PT', '--email', EMAIL, '--contact-name', 'Perf Contact'],
    { env, input: `${PASSWORD}\n`, encoding: 'utf8' });
  const child = spawn(serverBin, ['serve', '--port', '0', '--dist', dist], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      const match = log.match(/listening on (http:\/\/[\d.:]+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The session cookie of the perf account (`name=value`). */
async function signIn(base) {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  return response.headers.get('set-cookie').split(';')[0];
}

/** Files one ticket as the perf account; its page joins the measured pages. */
async function fileTicket(base, cookie) {
  const response = await fetch(`${base}/api/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ type: 'incident', severity: 'high', subject: 'Deployments fail', description: 'Since 14:00, every deployment.' }),
  });
  if (response.status !== 201) throw new Error(`filing the perf ticket failed: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

const ms = (value) => (value === undefined ? '-' : `${Math.round(value)} ms`);
const score = (category) => (category?.score == null ? '-' : String(Math.round(category.score * 100)));

async function lighthouseRow(chrome, url, cookie) {
  const flags = { port: chrome.port, output: 'json', logLevel: 'error', ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}) };
  const { lhr } = await lighthouse(url, flags);
  const audit = (id) => lhr.audits[id]?.numericValue;
  const consoleErrors = lhr.audits['errors-in-console']?.details?.items?.length ?? 0;
  return [
    score(lhr.categories.performance), score(lhr.categories.accessibility),
    score(lhr.categories['best-practices']), score(lhr.categories.seo),
    `${(audit('largest-contentful-paint') / 1000).toFixed(1)} s`, ms(audit('total-blocking-time')),
    (audit('cumulative-layout-shift') ?? 0).toFixed(3), String(consoleErrors),
  ];
}

/** Main-thread task time per second on `url`, over 10 s at 4x CPU slowdown. */
async function mainThreadCost(browser, url, cookie) {
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url }]);
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.waitForTimeout(2_000);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await task();
  await page.waitForTimeout(10_000);
  const after = await task();
  await context.close();
  return ((after - before) * 1000) / 10;
}

function table(header, rows) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

const server = await startServer();
try {
  const cookie = await signIn(server.url);
  const ticketPage = `/tickets/${await fileTicket(server.url, cookie)}`;
  PAGES.push(ticketPage);
  LIVE_PAGES.push(ticketPage);
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS });
  const rows = [];
  try {
    for (const signedIn of [false, true]) {
      for (const path of PAGES) {
        rows.push([`\`${path}\``, signedIn ? 'in' : 'out', ...(await lighthouseRow(chrome, server.url + path, signedIn ? cookie : null))]);
      }
    }
  } finally {
    await chrome.kill();
  }
  console.log(`\nLighthouse 12.2.3, mobile profile, ${new Date().toISOString().slice(0, 10)}\n`);
  table(['page', 'signed', 'performance', 'accessibility', 'best practices', 'SEO', 'LCP', 'TBT', 'CLS', 'console errors'], rows);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS.filter((f) => !f.startsWith('--headless')) });
  const costs = [];
  try {
    for (const path of LIVE_PAGES) {
      for (const signedIn of [false, true]) {
        costs.push([`\`${path}\``, signedIn ? 'in' : 'out', `${(await mainThreadCost(browser, server.url + path, signedIn ? cookie : null)).toFixed(1)} ms`]);
      }
    }
  } finally {
    await browser.close();
  }
  console.log('\nMain-thread task time per second, 10 s at 4x CPU slowdown\n');
  table(['page', 'signed', 'task time per second'], costs);
} finally {
  await server.stop();
}
