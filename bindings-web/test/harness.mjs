// Shared setup of the Chromium tests: the mock (started by run-tests.sh, MOCK_URL), the
// example page's static server, a public app registered for it, Debian's Chromium
// through playwright-core, and helpers (sign in through the real pages, screenshots).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createStaticServer } from '../examples/serve.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MOCK = (process.env.MOCK_URL ?? '').replace(/\/+$/, '');
export const OUT_DIR = process.env.OUT_DIR || resolve(HERE, '../../out/web');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Bound of every wait in a test (a regression fails with the test's name, never hangs). */
export const WAIT = 15_000;
export const SCOPES = ['openid', 'profile', 'offline_access', 'friends.read', 'feed.read', 'feed.write', 'chat'];

/** JSON call to the mock from Node; asserts the status. */
export async function api(method, path, { json, status = 200, token } = {}) {
  const headers = {};
  if (json) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(MOCK + path, { method, headers, body: json ? JSON.stringify(json) : undefined });
  const text = await res.text();
  assert.equal(res.status, status, `${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A short fingerprint of a secret, for comparing tokens without printing them. */
export const fingerprint = (s) => createHash('sha256').update(String(s)).digest('hex').slice(0, 12);

/** Registers a public app whose redirect URI is on `origin`. */
export async function registerApp(origin, name = 'Web Example', scopes = SCOPES) {
  const body = await api('POST', '/_mock/clients', {
    json: { name, redirectUris: [`${origin}/callback.html`], public: true, scopes },
    status: 201,
  });
  return body.clientId;
}

/** Everything a test file needs: call `setup()` in `before`, `teardown()` in `after`. */
export async function setup() {
  assert.ok(MOCK, 'MOCK_URL must point at a running mock (use run-tests.sh)');
  mkdirSync(OUT_DIR, { recursive: true });
  const site = await createStaticServer({ config: { server: MOCK } });
  // The page reads its config from the server: complete it now that the app exists.
  const clientId = await registerApp(site.url);
  site.config.clientId = clientId;
  const browser = await launch();
  const { users } = await api('GET', '/_mock/users');
  return {
    browser, users, clientId, site,
    async teardown() {
      await browser.close();
      await site.close();
    },
  };
}

/** Debian's Chromium, headless, with the repository's usual flags. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context (no cookies, no storage) and a page on the example. */
export async function openExample(env, { path = '/' } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(env.site.url + path);
  await page.waitForFunction(() => !!window.mc);
  return { context, page, errors };
}

/**
 * Clicks <mc-sign-in>'s button and signs `user` in on the mock's pages in the popup,
 * allowing access when the consent page shows (it does not once the user consented).
 */
export async function signIn(page, user) {
  const popupOpened = page.waitForEvent('popup');
  await page.locator('mc-sign-in').getByRole('button', { name: 'Sign in with Messenger Connect' }).click();
  const popup = await popupOpened;
  await popup.locator('h1', { hasText: 'Sign in' }).waitFor();
  await popup.locator('input[name=email]').fill(user.email);
  await popup.locator('input[name=password]').fill(user.password);
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: 'Sign in' }).click();
  const consent = popup.locator('button[name=decision][value=allow]');
  const next = await Promise.race([closed.then(() => 'closed'), consent.waitFor().then(() => 'consent', () => 'closed')]);
  if (next === 'consent') await consent.click();
  await closed;
  await page.locator('mc-sign-in').getByText(user.displayName).waitFor();
}

/** Waits until the page's shared live-events socket is open. */
export async function liveReady(page) {
  await page.waitForFunction(() => window.mc.sharedEvents?.connected === true);
}

/** Saves a full-page screenshot as out/web/<name>.png. */
export async function shot(page, name) {
  const path = join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
