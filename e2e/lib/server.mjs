// Shared harness for ungcuu's browser journeys.
//
// Every journey gets its own world: a fresh temporary directory with an embedded (SQLite)
// database, a migrated schema, one police organisation and the requested users made through
// the real CLI, a `ungcuu serve` on a free loopback port, and a fresh Chromium (Debian's
// /usr/bin/chromium driven by playwright-core). The journey fails on any browser console
// error, any uncaught page error, and any request to a host other than this machine.

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const SCREENSHOT_DIR = path.join(E2E_DIR, 'screenshots');

/** Default wait for any single UI expectation. */
export const STEP_TIMEOUT_MS = 15_000;

export const ORG_NAME = 'Công an tỉnh Bắc Ninh';

export const ADMIN = Object.freeze({
  email: 'quantri@congan.bacninh.gov.vn',
  name: 'Nguyễn Văn Quản',
  password: 'Thu-nghiem-e2e-2026!',
  role: 'admin',
});

// ---------------------------------------------------------------------------------------------
// The binary and its command line

/** $UNGCUU_BIN, else $CARGO_TARGET_DIR/debug/ungcuu, else <repo>/target/debug/ungcuu. */
export function binaryPath() {
  if (process.env.UNGCUU_BIN) return path.resolve(process.env.UNGCUU_BIN);
  if (process.env.CARGO_TARGET_DIR) {
    return path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR, 'debug', 'ungcuu');
  }
  return path.join(REPO_ROOT, 'target', 'debug', 'ungcuu');
}

/** The inherited environment without any UNGCUU_* setting, plus `extra`. */
function hermeticEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('UNGCUU_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `ungcuu ARGS…` to completion; resolves with stdout, rejects with stderr on failure. */
function runCli(bin, env, args, { stdin, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${bin}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else {
        reject(
          new Error(
            `\`ungcuu ${args.join(' ')}\` exited with ${code ?? signal}\n` +
              `--- stdout ---\n${stdout}--- stderr ---\n${stderr}`,
          ),
        );
      }
    });
    child.stdin.on('error', () => {}); // the command may exit before reading stdin
    child.stdin.end(stdin ?? '');
  });
}

/** The last non-empty line of a command's stdout (where the CLI prints what it made). */
export function lastLine(stdout) {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new Error('command printed nothing on stdout');
  return lines[lines.length - 1];
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The server

const liveServers = new Set();
process.on('exit', () => {
  for (const child of liveServers) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/**
 * Makes a fresh world and starts `ungcuu serve` in it.
 * `users`: [{email, name, password, role, org?}] created in the police organisation, or in the
 * organisation named by `org` (made on first mention, a department).
 */
export async function startServer({ users = [ADMIN] } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `ungcuu binary not found at ${bin}; build it (cargo build -p ungcuu) or set UNGCUU_BIN`,
    );
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ungcuu-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = hermeticEnv({
    UNGCUU_DATABASE_URL: `sqlite://${path.join(tmp, 'ungcuu.db')}`,
    UNGCUU_DATA_DIR: path.join(tmp, 'data'),
    UNGCUU_LISTEN: `127.0.0.1:${port}`,
  });
  const cli = (args, opts) => runCli(bin, env, args, opts);

  let child = null;
  let log = '';
  let exited = null;

  const stop = async () => {
    if (child && exited === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timedOut = await Promise.race([done.then(() => false), delay(10_000).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await done;
      }
    }
    if (child) liveServers.delete(child);
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    await cli(['migrate']);
    const orgId = lastLine(
      await cli(['admin', 'create-org', '--name', ORG_NAME, '--kind', 'police']),
    );
    const made = [];
    const orgs = new Map([[ORG_NAME, orgId]]);
    for (const u of users) {
      if (u.org && !orgs.has(u.org)) {
        orgs.set(u.org, lastLine(
          await cli(['admin', 'create-org', '--name', u.org, '--kind', 'department']),
        ));
      }
      await cli(
        ['admin', 'create-user', '--email', u.email, '--name', u.name, '--org', orgs.get(u.org ?? ORG_NAME),
          '--role', u.role ?? 'admin', '--password-stdin'],
        { stdin: `${u.password}\n` },
      );
      made.push({ ...u });
    }

    child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    liveServers.add(child);
    const keep = (d) => {
      log += d;
      if (log.length > 200_000) log = log.slice(-100_000);
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    child.on('exit', (code, signal) => (exited = code ?? signal));

    // Ready when GET /readyz answers 200; give up if the process dies or after 60 s.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exited !== null) throw new Error(`ungcuu serve exited early (${exited})`);
      try {
        const res = await fetch(`${baseURL}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error('ungcuu serve not ready after 60 s (/readyz)');
      await delay(100);
    }

    return {
      baseURL,
      port,
      tmp,
      orgId,
      users: made,
      cli,
      stop,
      log: () => log,
    };
  } catch (err) {
    const tail = log ? `\n--- server log (tail) ---\n${log.slice(-4_000)}` : '';
    await stop().catch(() => {});
    err.message += tail;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// The browser

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.UNGCUU_E2E_CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// Chromium reports every HTTP error status as a console error ("Failed to load resource: the
// server responded with a status of 422 …"). For a top-level document that the server meant to
// answer with a 4xx (a form shown again with its errors, a refused sign-in) the page itself is
// what the journey checks, so that one message is not a failure. Any other console error is:
// a 4xx or 5xx on a sub-resource or fetch (e.g. /favicon.ico), a 5xx document, script errors.
const HTTP_STATUS_CONSOLE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/**
 * Guards a browser context: records console errors, page errors and requests leaving this
 * machine into `problems`.
 */
function guardContext(context, problems) {
  const documentStatus = new Map(); // url -> status of top-level document responses
  const guardPage = (page) => {
    page.on('response', (res) => {
      const req = res.request();
      if (req.resourceType() === 'document' && req.frame() === page.mainFrame()) {
        documentStatus.set(res.url(), res.status());
      }
    });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      const where = msg.location()?.url ?? '';
      const m = HTTP_STATUS_CONSOLE.exec(text);
      if (m) {
        const status = Number(m[1]);
        if (status >= 400 && status < 500 && documentStatus.get(where) === status) return;
      }
      problems.push(`console error on ${page.url()}: ${text}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (err) => {
      problems.push(`uncaught page error on ${page.url()}: ${err?.stack ?? err}`);
    });
  };
  for (const p of context.pages()) guardPage(p);
  context.on('page', guardPage);
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return;
    if (!LOCAL_HOSTS.has(url.hostname)) {
      problems.push(`request to a foreign host: ${req.method()} ${req.url()}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Journeys

function slug(s) {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exact accessible name, allowing surrounding spaces and a trailing required marker "(*)". */
export function exactName(text) {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*(\\(\\*\\)|\\*)?\\s*$`);
}

/**
 * Registers a browser journey as its own test. `fn` receives a kit:
 *   server, browser, context, page, shot(step), newContext(options), and UI helpers.
 */
export function journey(name, fn, { users, timeout = 180_000 } = {}) {
  test(name, { timeout }, async () => {
    const problems = [];
    const base = slug(name);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });

    const server = await startServer({ users });
    let browser = null;
    let page = null;
    try {
      browser = await launchBrowser();
      const newContext = async (options = {}) => {
        const context = await browser.newContext({
          baseURL: server.baseURL,
          locale: 'vi-VN',
          timezoneId: 'Asia/Ho_Chi_Minh',
          viewport: { width: 1280, height: 900 },
          ...options,
        });
        context.setDefaultTimeout(STEP_TIMEOUT_MS);
        context.setDefaultNavigationTimeout(30_000);
        guardContext(context, problems);
        return context;
      };
      const context = await newContext();
      page = await context.newPage();
      const shot = async (step, p = page) => {
        await p.screenshot({
          path: path.join(SCREENSHOT_DIR, `${base}-${slug(step)}.png`),
          fullPage: true,
        });
      };
      await fn({ server, browser, context, page, shot, newContext, problems });
      // Let late loads (favicon, deferred scripts) report before judging the run.
      for (const ctx of browser.contexts()) {
        for (const p of ctx.pages()) {
          await p.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
        }
      }
      if (problems.length) {
        throw new Error(`browser problems:\n  - ${problems.join('\n  - ')}`);
      }
    } catch (err) {
      if (page && !page.isClosed()) {
        await page
          .screenshot({ path: path.join(SCREENSHOT_DIR, `${base}-failure.png`), fullPage: true })
          .catch(() => {});
      }
      const extra = [];
      if (problems.length && !/^browser problems:/.test(err.message)) {
        extra.push(`browser problems:\n  - ${problems.join('\n  - ')}`);
      }
      if (page && !page.isClosed()) extra.push(`page URL: ${page.url()}`);
      extra.push(`--- server log (tail) ---\n${server.log().slice(-4_000)}`);
      err.message += `\n${extra.join('\n')}`;
      throw err;
    } finally {
      if (browser) await browser.close().catch(() => {});
      await server.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// UI steps shared by the journeys (playwright-core has no `expect`; these wait, then throw)

export function field(page, label) {
  return page.getByLabel(exactName(label));
}

export function button(page, name) {
  return page.getByRole('button', { name: exactName(name) });
}

export function link(scope, name) {
  return scope.getByRole('link', { name: exactName(name) });
}

/** Waits for the page's path to be `pathname` (query and hash ignored). */
export async function expectPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname, { timeout: STEP_TIMEOUT_MS });
}

/** Waits for an h1 with exactly this text. */
export async function expectH1(page, text) {
  await page.getByRole('heading', { level: 1, name: exactName(text) }).first().waitFor();
}

/** Waits for an element with role=alert whose text contains `text`. */
export async function expectAlert(page, text) {
  await page.getByRole('alert').filter({ hasText: text }).first().waitFor();
}

/** Waits for every named link to be present inside the page's navigation landmark(s). */
export async function expectNavLinks(page, names) {
  const nav = page.getByRole('navigation');
  for (const name of names) await link(nav, name).first().waitFor();
}

export async function signIn(page, email, password) {
  await page.goto('/login');
  await field(page, 'Email').fill(email);
  await field(page, 'Mật khẩu').fill(password);
  await button(page, 'Đăng nhập').click();
}

export async function signOut(page) {
  await button(page, 'Đăng xuất').first().click();
  await expectPath(page, '/login');
}

// ---------------------------------------------------------------------------------------------
// TOTP (RFC 6238 over RFC 4226): HMAC-SHA1, 6 digits, 30 s steps, base32 secret

export function base32Decode(input) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = input.toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

export function totpCounter(timeMs = Date.now(), step = 30) {
  return Math.floor(timeMs / 1000 / step);
}

export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

/** The TOTP code of a base32 `secret` at `timeMs` (default now). */
export function totp(secret, { timeMs = Date.now(), step = 30, digits = 6 } = {}) {
  return hotp(base32Decode(secret), totpCounter(timeMs, step), digits);
}

/** Waits until the TOTP step is past `usedCounter`, so a fresh (unused) code exists. */
export async function waitForNextTotpStep(usedCounter, step = 30) {
  const nextStart = (usedCounter + 1) * step * 1000;
  const wait = nextStart - Date.now();
  if (wait > 0) await delay(wait + 250);
}
