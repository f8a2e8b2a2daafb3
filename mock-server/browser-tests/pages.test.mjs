// End-to-end tests of the mock server's HTML pages in a real (headless) Chromium:
// sign-in, consent, device code entry and consent, the account page, and error pages
// (DESIGN §2.1, §2.7, §2.8 "HTML forms"). Run through run.sh, which starts the mock and
// sets MOCK_URL. Each test gets a fresh browser context (no shared cookies).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.MOCK_URL ?? '').replace(/\/+$/, '');
const OUT_DIR = process.env.OUT_DIR || resolve(HERE, '../../out/browser');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = 60_000;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The plain words the consent page must show for each scope (mock-server/src/oauth/mod.rs). */
const SCOPE_TEXT = {
  openid: 'Sign you in with your Messenger Connect account',
  profile: 'See your name, photo, locale and status',
  email: 'See your email addresses',
  offline_access: 'Keep access to what you allow here when you are not using the app',
  'contacts.read': 'See your contacts',
};

let browser;
let users;

before(async () => {
  assert.ok(BASE, 'MOCK_URL must point at a running mock (use run.sh)');
  mkdirSync(OUT_DIR, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
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
  const body = await api('GET', '/_mock/users');
  users = body.users;
  assert.ok(users.length >= 3, 'the mock needs at least 3 users (the default --users 3)');
});

after(async () => {
  await browser?.close();
});

// ---------------------------------------------------------------- helpers

/** JSON call to the mock from Node; asserts the status. */
async function api(method, path, { json, status = 200 } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: json ? { 'content-type': 'application/json' } : {},
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  assert.equal(res.status, status, `${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Form POST from Node; returns { status, body }. */
async function postForm(path, fields) {
  const res = await fetch(BASE + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

const b64url = (buf) => buf.toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32)); // 43 characters
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

/** A redirect URI on the mock itself that the browser can load harmlessly. */
function redirectUri(tag) {
  return `${BASE}/health?cb=${encodeURIComponent(tag)}`;
}

/** Registers a public client that may ask for `scopes`. */
async function publicClient(name, scopes, redirect) {
  const body = await api('POST', '/_mock/clients', {
    json: { name, redirectUris: redirect ? [redirect] : [], public: true, scopes },
    status: 201,
  });
  assert.ok(body.clientId, 'the mock returns a clientId');
  assert.equal(body.clientSecret, undefined, 'a public client has no secret');
  return body.clientId;
}

function authorizeUrl({ clientId, redirect, scope, state, challenge }) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirect,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${BASE}/oauth/authorize?${q}`;
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  return { context, page };
}

async function shot(page, name) {
  await page.screenshot({ path: join(OUT_DIR, `${name}.png`), fullPage: true });
}

/** Waits for an `<h1>` with this text (the page after a form POST keeps its URL). */
async function heading(page, text) {
  await page.locator('h1', { hasText: text }).waitFor({ state: 'visible' });
  assert.equal((await page.locator('h1').textContent()).trim(), text);
}

/** The form's hidden CSRF token is present and the browser holds the `mc_csrf` cookie. */
async function assertCsrf(page, context, formSelector = 'form') {
  const token = await page
    .locator(`${formSelector} input[type=hidden][name=csrf_token]`)
    .first()
    .getAttribute('value');
  assert.ok(token && token.length > 10, 'the form carries a hidden csrf_token');
  const cookie = (await context.cookies(BASE)).find((c) => c.name === 'mc_csrf');
  assert.ok(cookie, 'the browser holds the mc_csrf cookie');
  assert.equal(cookie.httpOnly, true, 'mc_csrf is HttpOnly');
  return token;
}

/** Types into a field key by key (real typing, not a value assignment). */
async function type(page, selector, text) {
  const field = page.locator(selector);
  await field.click();
  await field.pressSequentially(text);
  assert.equal(await field.inputValue(), text);
}

async function signIn(page, user) {
  await type(page, 'input[name=email]', user.email);
  await type(page, 'input[name=password]', user.password);
}

/** Asserts the consent list shows exactly these scopes, each in its plain words. */
async function assertScopes(page, scopes) {
  const items = page.locator('ul.scopes li[data-scope]');
  const shown = await items.evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-scope'), e.textContent.trim()]),
  );
  assert.deepEqual(
    new Map(shown),
    new Map(scopes.map((s) => [s, SCOPE_TEXT[s]])),
    'each requested scope is listed once, in plain words',
  );
  for (const s of scopes) {
    await page.getByText(SCOPE_TEXT[s], { exact: true }).waitFor({ state: 'visible' });
  }
}

/** Clicks a button and waits for the browser to arrive at the redirect URI. */
async function clickAndCatchRedirect(page, button) {
  const arrived = page.waitForURL((u) => u.pathname === '/health' && u.searchParams.has('cb'));
  await button.click();
  await arrived;
  return new URL(page.url());
}

async function token(fields) {
  return postForm('/oauth/token', fields);
}

async function me(accessToken) {
  const res = await fetch(`${BASE}/v1/me`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/**
 * The whole authorization-code flow in the browser: sign in, check the consent page, Allow,
 * exchange the code from Node. Returns the token response. `screens` names screenshots.
 */
async function codeFlow(page, context, { user, clientName, scopes, tag, screens = {} }) {
  const redirect = redirectUri(tag);
  const clientId = await publicClient(clientName, scopes, redirect);
  const { verifier, challenge } = pkce();
  const state = b64url(randomBytes(12));
  const scope = scopes.join(' ');

  await page.goto(authorizeUrl({ clientId, redirect, scope, state, challenge }));
  await heading(page, 'Sign in');
  assert.equal(await page.locator('.app').textContent(), clientName, 'sign-in names the app');
  await assertCsrf(page, context);
  if (screens.signIn) await shot(page, screens.signIn);
  await signIn(page, user);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await heading(page, 'Allow access?');
  assert.equal(await page.locator('.app').textContent(), clientName, 'consent names the app');
  await assertScopes(page, scopes);
  await assertCsrf(page, context);
  const session = (await context.cookies(BASE)).find((c) => c.name === 'mc_session');
  assert.ok(session?.httpOnly, 'signing in set an HttpOnly mc_session cookie');
  if (screens.consent) await shot(page, screens.consent);

  const back = await clickAndCatchRedirect(
    page,
    page.locator('button[name=decision][value=allow]'),
  );
  assert.equal(back.origin + back.pathname, `${BASE}/health`, 'redirected to the redirect URI');
  assert.equal(back.searchParams.get('cb'), tag, 'the redirect URI keeps its own query');
  assert.equal(back.searchParams.get('state'), state, 'the same state comes back');
  assert.equal(back.searchParams.get('error'), null);
  const code = back.searchParams.get('code');
  assert.ok(code, 'the redirect carries a code');

  const res = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirect,
    client_id: clientId,
    code_verifier: verifier,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.token_type, 'Bearer');
  assert.ok(res.body.access_token);
  assert.deepEqual(new Set(res.body.scope.split(' ')), new Set(scopes));
  return { clientId, redirect, code, verifier, tokens: res.body };
}

// ---------------------------------------------------------------- tests

test('(a) authorization code + PKCE: sign in, consent in plain words, Allow, exchange, /v1/me', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const user = users[0];
    const scopes = ['profile', 'contacts.read', 'offline_access'];
    const flow = await codeFlow(page, context, {
      user,
      clientName: 'Browser Test App',
      scopes,
      tag: 'a',
      screens: { signIn: 'sign-in', consent: 'consent' },
    });
    assert.ok(flow.tokens.refresh_token, 'offline_access yields a refresh token');

    const who = await me(flow.tokens.access_token);
    assert.equal(who.status, 200, JSON.stringify(who.body));
    assert.equal(who.body.id, user.id, '/v1/me is the signed-in user');
    assert.equal(who.body.displayName, user.displayName);

    // The verifier is required: the code is single-use, so replaying it fails.
    const replay = await token({
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: flow.redirect,
      client_id: flow.clientId,
      code_verifier: flow.verifier,
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant', 'a code is single-use');
  } finally {
    await context.close();
  }
});

test('(b) Deny: the redirect carries error=access_denied and the state, no code', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const redirect = redirectUri('b');
    const scopes = ['openid', 'profile', 'email'];
    const clientId = await publicClient('Denied App', scopes, redirect);
    const { challenge } = pkce();
    const state = 'st-' + b64url(randomBytes(9));
    await page.goto(authorizeUrl({ clientId, redirect, scope: scopes.join(' '), state, challenge }));
    await heading(page, 'Sign in');
    await signIn(page, users[0]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Allow access?');
    await assertScopes(page, scopes);

    const back = await clickAndCatchRedirect(page, page.getByRole('button', { name: 'Deny' }));
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), state);
    assert.equal(back.searchParams.get('code'), null, 'no code after Deny');
  } finally {
    await context.close();
  }
});

test('(c) device flow: enter the code on /device, sign in, Allow, then the device gets tokens', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const user = users[1];
    const scopes = ['profile', 'contacts.read', 'offline_access'];
    const clientId = await publicClient('Living Room TV', scopes, null);
    const start = await postForm('/oauth/device_authorization', {
      client_id: clientId,
      scope: scopes.join(' '),
    });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const { device_code, user_code, verification_uri, verification_uri_complete } = start.body;
    assert.match(user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(verification_uri, `${BASE}/device`);
    assert.ok(verification_uri_complete.includes(user_code));

    const pending = await token({ grant_type: DEVICE_GRANT, device_code, client_id: clientId });
    assert.equal(pending.status, 400);
    assert.equal(pending.body.error, 'authorization_pending', 'before the user acts');

    // The page without the code: the user types it.
    await page.goto(verification_uri);
    await heading(page, 'Connect a device');
    assert.equal(await page.locator('input[name=user_code]').inputValue(), '');
    assert.equal(await page.locator('input[name=email]').count(), 1, 'not signed in: sign-in fields');
    assert.equal(await page.locator('input[name=password]').count(), 1);
    await assertCsrf(page, context);
    await shot(page, 'device-entry');
    await type(page, 'input[name=user_code]', user_code);
    await signIn(page, user);
    await page.getByRole('button', { name: 'Continue' }).click();

    await heading(page, 'Allow access?');
    assert.equal(await page.locator('.app').textContent(), 'Living Room TV');
    await assertScopes(page, scopes);
    await assertCsrf(page, context);
    await shot(page, 'device-consent');
    await page.locator('button[name=decision][value=allow]').click();

    await heading(page, 'Device connected');
    await page.getByText('You can go back to your device now.').waitFor();
    await shot(page, 'device-done');

    const done = await token({ grant_type: DEVICE_GRANT, device_code, client_id: clientId });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.ok(done.body.access_token);
    assert.ok(done.body.refresh_token, 'offline_access yields a refresh token');
    assert.deepEqual(new Set(done.body.scope.split(' ')), new Set(scopes));
    const who = await me(done.body.access_token);
    assert.equal(who.status, 200);
    assert.equal(who.body.id, user.id, 'the device acts as the user who approved it');

    const again = await token({ grant_type: DEVICE_GRANT, device_code, client_id: clientId });
    assert.equal(again.body.error, 'invalid_grant', 'a device code is redeemed once');
  } finally {
    await context.close();
  }
});

test('(d) account page: the app is listed; Remove revokes its access and refresh tokens', { timeout: TIMEOUT }, async () => {
  const user = users[2];
  const appName = 'Photo Frame ' + b64url(randomBytes(3));
  const scopes = ['profile', 'offline_access'];
  let flow;
  {
    const { context, page } = await newPage();
    try {
      flow = await codeFlow(page, context, { user, clientName: appName, scopes, tag: 'd' });
    } finally {
      await context.close();
    }
  }
  const { access_token, refresh_token } = flow.tokens;
  assert.ok(refresh_token, 'offline_access yields a refresh token');
  assert.equal((await me(access_token)).status, 200, 'the token works before removal');

  // A second fresh browser: /account asks to sign in first.
  const { context, page } = await newPage();
  try {
    await page.goto(`${BASE}/account`);
    await heading(page, 'Sign in');
    await assertCsrf(page, context);
    await shot(page, 'account-sign-in');
    await signIn(page, user);
    const toAccount = page.waitForURL(`${BASE}/account`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await toAccount;
    await heading(page, 'Your account');
    await page.getByText(`Signed in as ${user.displayName}.`).waitFor();

    const row = page.locator(`tr[data-client-id="${flow.clientId}"]`);
    await row.waitFor({ state: 'visible' });
    assert.equal(await row.locator('.app').textContent(), appName, 'the app is listed by name');
    for (const s of scopes) {
      assert.equal(
        (await row.locator(`li[data-scope="${s}"]`).textContent()).trim(),
        SCOPE_TEXT[s],
      );
    }
    await assertCsrf(page, context, `tr[data-client-id="${flow.clientId}"] form`);
    await shot(page, 'account-with-app');

    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    await heading(page, 'Your account');
    assert.equal(page.url(), `${BASE}/account`);
    assert.equal(await page.getByText(appName).count(), 0, 'the app is gone from the list');
    await shot(page, 'account-after-removal');
  } finally {
    await context.close();
  }

  const after = await me(access_token);
  assert.equal(after.status, 401, 'the access token is revoked');
  assert.match(after.headers.get('www-authenticate') ?? '', /invalid_token/);
  const refreshed = await token({
    grant_type: 'refresh_token',
    refresh_token,
    client_id: flow.clientId,
  });
  assert.equal(refreshed.status, 400, JSON.stringify(refreshed.body));
  assert.equal(refreshed.body.error, 'invalid_grant', 'the refresh token is revoked');
});

test('(e) a wrong password re-shows the sign-in form with an error', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const redirect = redirectUri('e');
    const clientId = await publicClient('Wrong Password App', ['profile'], redirect);
    const { challenge } = pkce();
    await page.goto(authorizeUrl({ clientId, redirect, scope: 'profile', state: 'e', challenge }));
    await heading(page, 'Sign in');
    await type(page, 'input[name=email]', users[0].email);
    await type(page, 'input[name=password]', users[0].password + '-wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    assert.equal((await alert.textContent()).trim(), 'Wrong email or password.');
    await heading(page, 'Sign in');
    assert.equal(await page.locator('input[name=email]').inputValue(), users[0].email, 'email kept');
    assert.equal(await page.locator('input[name=password]').inputValue(), '', 'password cleared');
    assert.equal(await page.locator('button[name=decision]').count(), 0, 'no consent yet');
    const cookies = await context.cookies(BASE);
    assert.equal(cookies.find((c) => c.name === 'mc_session'), undefined, 'no session started');
    await assertCsrf(page, context);
    await shot(page, 'sign-in-error');

    // And the right password then goes on to consent.
    await page.locator('input[name=password]').fill('');
    await type(page, 'input[name=password]', users[0].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Allow access?');
    await assertScopes(page, ['profile']);
  } finally {
    await context.close();
  }
});

test('(f) an unknown client gets an error page, never a redirect', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const { challenge } = pkce();
    const response = await page.goto(
      authorizeUrl({
        clientId: 'app_does_not_exist',
        redirect: 'http://127.0.0.1:9/evil',
        scope: 'profile',
        state: 'f',
        challenge,
      }),
    );
    assert.equal(response.status(), 400);
    assert.ok(page.url().startsWith(`${BASE}/oauth/authorize`), 'stayed on the mock');
    await heading(page, 'Something went wrong');
    assert.equal(
      (await page.locator('p.error').textContent()).trim(),
      'Unknown application (client_id).',
    );
    await shot(page, 'error');
  } finally {
    await context.close();
  }
});

test('(g) a form POST without the browser\'s mc_csrf cookie is refused with 403', { timeout: TIMEOUT }, async () => {
  const { context, page } = await newPage();
  try {
    const redirect = redirectUri('g');
    const clientId = await publicClient('CSRF App', ['profile'], redirect);
    const { challenge } = pkce();
    await page.goto(authorizeUrl({ clientId, redirect, scope: 'profile', state: 'g', challenge }));
    await heading(page, 'Sign in');
    const token = await assertCsrf(page, context);
    const fields = await page
      .locator('form input[type=hidden]')
      .evaluateAll((els) => els.map((e) => [e.name, e.value]));
    // Same fields and token, but from Node: no mc_csrf cookie, so the token is worthless.
    const forged = await postForm('/oauth/authorize', [
      ...fields,
      ['email', users[0].email],
      ['password', users[0].password],
    ]);
    assert.equal(forged.status, 403);
    assert.match(forged.body, /did not come from this site/);
    assert.ok(token, 'the token came from the real page');
  } finally {
    await context.close();
  }
});
