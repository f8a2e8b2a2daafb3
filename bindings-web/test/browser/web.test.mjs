// The library and the widgets in headless Chromium against the real mock: the popup and
// redirect sign-ins through the real sign-in and consent pages, refresh after expiry,
// each widget rendering real data, a live chat between two browser contexts, live
// presence, sign-out, and CORS refusing an unregistered origin. Screenshots: out/web/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createStaticServer } from '../../examples/serve.mjs';
import { api, fingerprint, liveReady, MOCK, openExample, setup, shot, signIn, WAIT } from '../harness.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.teardown(); });

const T = { timeout: 4 * WAIT };

/** The friends of `user` as the API lists them (act-as, from Node). */
async function friendsOf(user) {
  return (await api('GET', `/_mock/act-as/${user.id}/friends?$orderby=displayName`)).value;
}

/**
 * Opens the example in a fresh context, signs `user` in through the popup, runs `body`,
 * and closes the context whatever happens; the page must have had no script error.
 */
async function asSignedIn(user, body, { path } = {}) {
  const { context, page, errors } = await openExample(env, { path });
  try {
    await signIn(page, user);
    await body(page);
    assert.deepEqual(errors, [], 'no script errors on the page');
  } finally {
    await context.close();
  }
}

/** The seeded user object (with password) of a friend. */
const userById = (id) => env.users.find((u) => u.id === id);

test('popup sign-in through the consent page: ID token checked, tokens only in memory', T, async () => {
  const { context, page, errors } = await openExample(env);
  try {
    await page.locator('mc-sign-in').getByRole('button', { name: 'Sign in with Messenger Connect' }).waitFor();
    await shot(page, 'signed-out');
    const user = env.users[0];
    const popupOpened = page.waitForEvent('popup');
    await page.locator('mc-sign-in').getByRole('button').click();
    const popup = await popupOpened;
    await popup.locator('h1', { hasText: 'Sign in' }).waitFor();
    assert.equal(await popup.locator('.app').textContent(), 'Web Example', 'the page names the app');
    const authorize = new URL(popup.url());
    assert.equal(authorize.origin, MOCK);
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok(authorize.searchParams.get(p), p);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('response_mode'), 'fragment');
    await shot(popup, 'popup-sign-in');
    await popup.locator('input[name=email]').fill(user.email);
    await popup.locator('input[name=password]').fill(user.password);
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await popup.locator('h1', { hasText: 'Allow access?' }).waitFor();
    await shot(popup, 'popup-consent');
    const closed = popup.waitForEvent('close');
    await popup.locator('button[name=decision][value=allow]').click();
    await closed;

    await page.locator('mc-sign-in').getByText(user.displayName).waitFor();
    const state = await page.evaluate(() => ({
      account: window.mc.account,
      scope: window.mc.tokens.scope,
      local: Object.keys(localStorage).length,
      session: Object.keys(sessionStorage).length,
      printed: String(window.mc.tokens) + JSON.stringify(window.mc.tokens),
      access: window.mc.tokens.accessToken,
    }));
    assert.equal(state.account.id, user.id, 'the ID token names the user');
    assert.equal(state.account.claims.aud, env.clientId);
    assert.equal(state.local + state.session, 0, 'nothing in web storage by default');
    assert.ok(!state.printed.includes(state.access), 'printing the tokens hides them');
    assert.deepEqual(new Set(state.scope.split(' ')), new Set(['openid', 'profile', 'offline_access', 'friends.read', 'feed.read', 'feed.write', 'chat']));
    const { requests } = await api('GET', '/_mock/requests?path=/oauth/token');
    assert.ok(requests.some((r) => r.clientId === env.clientId && r.grantType === 'authorization_code' && r.status === 200), 'the page redeemed the code itself');
    await page.locator('mc-feed li').first().waitFor();
    await shot(page, 'signed-in');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('redirect sign-in comes back to the page, which completes it and cleans the address bar', T, async () => {
  const { context, page, errors } = await openExample(env);
  try {
    const user = env.users[1];
    await page.evaluate(() => { void window.mc.signIn({ mode: 'redirect' }); });
    await page.waitForURL((u) => u.origin === MOCK);
    await page.locator('input[name=email]').fill(user.email);
    await page.locator('input[name=password]').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('button[name=decision][value=allow]').click();
    await page.waitForURL((u) => u.origin === env.site.url && u.pathname === '/');
    await page.locator('mc-sign-in').getByText(user.displayName).waitFor();
    const url = new URL(page.url());
    assert.equal(url.hash, '', 'the code is gone from the address bar');
    assert.equal(await page.evaluate(() => Object.keys(sessionStorage).length), 0, 'the pending state is removed');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('after the access token expires, the next call refreshes (rotation) and succeeds', T, async () => {
  const user = env.users[0];
  await asSignedIn(user, async (page) => {
    const before = await page.evaluate(() => [window.mc.tokens.accessToken, window.mc.tokens.refreshToken]);
    await api('POST', '/_mock/clock', { json: { advanceSeconds: 3700 } });
    const me = await page.evaluate(async () => (await window.mc.me()).id);
    assert.equal(me, user.id);
    const after = await page.evaluate(() => [window.mc.tokens.accessToken, window.mc.tokens.refreshToken]);
    assert.notEqual(fingerprint(after[0]), fingerprint(before[0]), 'a new access token');
    assert.notEqual(fingerprint(after[1]), fingerprint(before[1]), 'the refresh token rotated');
    const old = await fetch(`${MOCK}/v1/me`, { headers: { authorization: `Bearer ${before[0]}` } });
    assert.equal(old.status, 401, 'the old access token is expired');
    const { requests } = await api('GET', '/_mock/requests?path=/oauth/token');
    assert.ok(requests.some((r) => r.clientId === env.clientId && r.grantType === 'refresh_token' && r.status === 200));
  });
});

test('the widgets render the real data: person, friends with presence, feed', T, async () => {
  const user = env.users[2];
  await asSignedIn(user, async (page) => {
    await page.locator('mc-person').getByText(user.displayName).waitFor();
    const friends = await friendsOf(user);
    assert.ok(friends.length >= 1, 'the seed gives friends');
    const items = page.locator('mc-friends li[part~=friend]');
    await items.first().waitFor();
    const shown = await items.evaluateAll((els) => els.map((e) => [e.dataset.userId, e.querySelector('[part=name]').textContent, e.querySelector('[part=presence]').dataset.presence]));
    assert.deepEqual(shown, friends.map((f) => [f.id, f.displayName, f.presence]), 'every friend, in order, with presence');
    const feed = (await api('GET', `/_mock/act-as/${user.id}/feed?$top=10`)).value;
    const rows = page.locator('mc-feed li[part~=activity]');
    await rows.first().waitFor();
    const ids = await rows.evaluateAll((els) => els.map((e) => e.dataset.activityId));
    assert.deepEqual(ids, feed.map((a) => a.id), 'the feed, newest first');
    const words = await page.locator('mc-friends [part=presence]').first().textContent();
    assert.match(words, /Online|Away|Busy|Offline/, 'presence in words, not colour alone');
    await shot(page, 'widgets');
  });
});

test('mc-share posts a Share with the link and comment; it appears in the feed', T, async () => {
  const user = env.users[0];
  await asSignedIn(user, async (page) => {
    const share = page.locator('mc-share');
    const url = `https://example.com/article-${Date.now()}`;
    await share.getByLabel('Link').fill(url);
    await share.getByLabel('Comment').fill('Worth a read');
    await share.getByLabel('Comment').press('Tab');
    await page.keyboard.press('Enter'); // the Share button has the focus: the keyboard is enough
    await share.getByRole('status').getByText('Shared.').waitFor();
    const mine = (await api('GET', `/_mock/act-as/${user.id}/activities?$top=5`)).value;
    const posted = mine.find((a) => a.url === url);
    assert.ok(posted, 'the activity exists on the server');
    assert.equal(posted.type, 'Share');
    assert.equal(posted.content, 'Worth a read');
    assert.equal(posted.generator.id, env.clientId, 'posted by this app');
    await page.locator(`mc-feed li[data-activity-id="${posted.id}"]`).waitFor();
    await shot(page, 'shared');
  });
});

test('a friend\'s status change reaches mc-friends live', T, async () => {
  const user = env.users[1];
  await asSignedIn(user, async (page) => {
    const [friend] = await friendsOf(user);
    const row = page.locator(`mc-friends li[data-user-id="${friend.id}"]`);
    await row.waitFor();
    await liveReady(page);
    const message = `At lunch ${Date.now()}`;
    await api('PUT', `/_mock/act-as/${friend.id}/status`, { json: { message, presence: 'away' } });
    await row.getByText(message).waitFor();
    assert.equal(await row.locator('[part=presence]').getAttribute('data-presence'), 'away');
    assert.match(await row.locator('[part=presence]').textContent(), /Away/);
    await api('PUT', `/_mock/act-as/${friend.id}/status`, { json: { presence: 'online' } });
    await row.locator('[data-presence=online]').waitFor();
    await shot(page, 'presence-live');
  });
});

test('a chat between two browser contexts: typing and messages arrive live', T, async () => {
  const alice = env.users[0];
  const [friend] = await friendsOf(alice);
  const bob = userById(friend.id);
  const a = await openExample(env, { path: `/?chat=${bob.id}` });
  const b = await openExample(env, { path: `/?chat=${alice.id}` });
  try {
    await signIn(a.page, alice);
    await signIn(b.page, bob);
    const inputA = a.page.locator('mc-chat').getByRole('textbox', { name: 'Message' });
    const inputB = b.page.locator('mc-chat').getByRole('textbox', { name: 'Message' });
    await inputA.waitFor();
    await inputB.waitFor();
    await b.page.locator('mc-chat [part~=title]').getByText(alice.displayName).waitFor();
    // Both sockets open before anything is sent.
    await liveReady(a.page);
    await liveReady(b.page);

    const text = `Hello Bob ${Date.now()}`;
    await inputA.pressSequentially(text.slice(0, 5));
    await b.page.locator('mc-chat [part=typing]').getByText('Typing…').waitFor();
    await inputA.pressSequentially(text.slice(5));
    await inputA.press('Enter');
    await b.page.locator('mc-chat li[part~=message]').getByText(text).waitFor();
    await a.page.locator('mc-chat li[part~=mine]').getByText(text).waitFor();

    const reply = `Hi Alice ${Date.now()}`;
    await inputB.fill(reply);
    await b.page.locator('mc-chat').getByRole('button', { name: 'Send' }).click();
    await a.page.locator('mc-chat li[part~=message]').getByText(reply).waitFor();
    const logA = await a.page.locator('mc-chat li[part~=message] [part=text]').allTextContents();
    assert.deepEqual(logA.slice(-2), [text, reply], 'in order, once each');
    await shot(a.page, 'chat-alice');
    await shot(b.page, 'chat-bob');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

test('sign-out revokes the tokens at the server and shows the button again', T, async () => {
  const user = env.users[2];
  await asSignedIn(user, async (page) => {
    const access = await page.evaluate(() => window.mc.tokens.accessToken);
    await page.locator('mc-sign-in').getByRole('button', { name: 'Sign out' }).click();
    await page.locator('mc-sign-in').getByRole('button', { name: 'Sign in with Messenger Connect' }).waitFor();
    assert.equal(await page.evaluate(() => window.mc.tokens), null);
    assert.equal(await page.locator('#app').isHidden(), true);
    const res = await fetch(`${MOCK}/v1/me`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(res.status, 401, 'the access token is revoked');
  });
});

test('CORS: an unregistered origin is refused (fetch and WebSocket); credentials are never allowed', T, async () => {
  const token = (await api('POST', '/_mock/tokens', { json: { userId: env.users[0].id, clientId: env.clientId, scopes: ['profile', 'chat'] } })).access_token;
  const other = await createStaticServer({ config: { server: MOCK, clientId: env.clientId } });
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const probe = (pg) => pg.evaluate(async ({ mock, token }) => {
      const out = {};
      const attempt = async (name, f) => {
        try { out[name] = await f(); } catch (e) { out[name] = `refused: ${e.name}`; }
      };
      await attempt('api', async () => (await fetch(`${mock}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status);
      await attempt('requestId', async () => !!(await fetch(`${mock}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).headers.get('request-id'));
      await attempt('credentials', async () => (await fetch(`${mock}/v1/me`, { credentials: 'include', headers: { authorization: `Bearer ${token}` } })).status);
      await attempt('discovery', async () => (await fetch(`${mock}/.well-known/openid-configuration`)).status);
      await attempt('control', async () => (await fetch(`${mock}/_mock/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
      out.socket = await new Promise((resolve) => {
        const ws = new WebSocket(`${mock.replace('http', 'ws')}/v1/me/events?access_token=${token}`);
        const timer = setTimeout(() => resolve('timeout'), 10000);
        ws.onopen = () => { clearTimeout(timer); ws.close(); resolve('open'); };
        ws.onerror = () => { clearTimeout(timer); resolve('refused'); };
      });
      return out;
    }, { mock: MOCK, token });

    await page.goto(`${other.url}/callback.html`);
    const refused = await probe(page);
    assert.deepEqual(refused, {
      api: 'refused: TypeError', requestId: 'refused: TypeError', credentials: 'refused: TypeError',
      discovery: 200, control: 'refused: TypeError', socket: 'refused',
    }, `from the unregistered origin ${other.url}`);

    await page.goto(`${env.site.url}/callback.html`);
    const allowed = await probe(page);
    assert.deepEqual(allowed, {
      api: 200, requestId: true, credentials: 'refused: TypeError',
      discovery: 200, control: 'refused: TypeError', socket: 'open',
    }, `from the registered origin ${env.site.url}`);
  } finally {
    await context.close();
    await other.close();
  }
});

test('accessibility: every control is named, text contrast is at least 4.5:1, the keyboard reaches every control', T, async () => {
  const user = env.users[0];
  await asSignedIn(user, async (page) => {
    await page.locator('mc-feed li').first().waitFor();
    await page.locator('mc-chat').getByRole('textbox', { name: 'Message' }).waitFor();
    const report = await page.evaluate(() => {
      const parse = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement ?? e.getRootNode()?.host) {
          const c = parse(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const lowContrast = [];
      const unnamed = [];
      const controls = [];
      for (const host of document.querySelectorAll('mc-sign-in, mc-person, mc-friends, mc-share, mc-feed, mc-chat')) {
        for (const el of host.shadowRoot.querySelectorAll('*')) {
          const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
          if (own && el.checkVisibility()) {
            const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(background(el))];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) lowContrast.push(`${host.localName} ${el.localName}: ${ratio.toFixed(2)}`);
          }
          if (el.matches('button, input, textarea, a[href]')) {
            controls.push(el);
            const label = el.labels?.[0]?.textContent || el.getAttribute('aria-label') || el.textContent;
            if (!label?.trim()) unnamed.push(`${host.localName} ${el.localName}`);
          }
        }
      }
      return { lowContrast, unnamed, controls: controls.length };
    });
    assert.deepEqual(report.lowContrast, [], 'text contrast ≥ 4.5:1');
    assert.deepEqual(report.unnamed, [], 'every control has a name');
    // Tab through the page: every widget control takes the focus in turn.
    const reached = new Set();
    for (let i = 0; i < report.controls + 5; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => {
        let e = document.activeElement;
        while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
        return e ? `${e.getRootNode().host?.localName ?? 'page'} ${e.localName} ${e.getAttribute('part') ?? ''}` : '';
      }));
    }
    for (const wanted of ['mc-sign-in button', 'mc-share input', 'mc-share textarea', 'mc-share button', 'mc-chat textarea', 'mc-chat button']) {
      assert.ok([...reached].some((r) => r.startsWith(wanted)), `${wanted} takes the focus (reached: ${[...reached].join('; ')})`);
    }
  });
});

test('the README quickstart: pasted lines alone (no script of the page\'s own) sign in and render', T, async () => {
  const context = await env.browser.newContext();
  context.setDefaultTimeout(WAIT);
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${env.site.url}/quickstart.html`);
    const user = env.users[1];
    await signIn(page, user);
    await page.locator('mc-person').getByText(user.displayName).waitFor();
    const friends = await friendsOf(user);
    await page.locator(`mc-friends li[data-user-id="${friends[0].id}"]`).waitFor();
    await page.locator('mc-feed li').first().waitFor();
    await shot(page, 'quickstart');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
