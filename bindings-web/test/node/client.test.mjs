// The library from Node against the real mock (MOCK_URL, started by run-tests.sh): the
// code flow's checks (state, nonce, ID token signature), refresh with rotation (single
// flight, the token store's failure), errors from real answers, paging, idempotency and
// live events that resume with `since`. The browser-only parts run in Chromium (../browser).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthError, MessengerConnect, NotFoundError, TokenSet, TokenStoreError, ValidationError, odata,
} from '../../dist/messenger-connect.js';
import { api, fingerprint, MOCK, registerApp, WAIT } from '../harness.mjs';

const ORIGIN = 'http://127.0.0.1:9';
const SCOPES = ['openid', 'profile', 'offline_access', 'friends.read', 'feed.read', 'feed.write', 'chat', 'contacts.read'];
let clientId;
let users;

before(async () => {
  assert.ok(MOCK, 'MOCK_URL must point at a running mock (use run-tests.sh)');
  clientId = await registerApp(ORIGIN, 'Node Test App', SCOPES);
  APP = { clientId, origin: ORIGIN, scopes: SCOPES };
  ({ users } = await api('GET', '/_mock/users'));
});


/** The app the client signs in to: this file's, unless a test registers another. */
let APP;

function newClient(extra = {}, app = APP) {
  return new MessengerConnect({ server: MOCK, clientId: app.clientId, redirectUri: `${app.origin}/callback.html`, scopes: app.scopes, ...extra });
}

/**
 * Runs the authorization request without pages: consent through the control plane, then
 * `prompt=none` + `login_hint` redirects at once (the mock's stand-in for a signed-in
 * browser). Returns the answer's parameters and the pending state.
 */
async function authorize(client, user, app = APP) {
  await api('POST', '/_mock/consents', { json: { userId: user.id, clientId: app.clientId, scopes: app.scopes }, status: 204 });
  const { url, pending } = await client.auth.start({ prompt: 'none', loginHint: user.id });
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get('location'));
  assert.equal(location.search, '', 'response_mode=fragment: nothing in the query');
  return { params: new URLSearchParams(location.hash.slice(1)), pending };
}

async function signedIn(user = users[0], extra = {}, app = APP) {
  const client = newClient(extra, app);
  const { params, pending } = await authorize(client, user, app);
  const { tokens, account } = await client.auth.finish(params, pending);
  client.account = account;
  await client.setTokens(tokens);
  return client;
}

/** A set like `t` whose access token the client believes expired. */
const expired = (t) => new TokenSet({ ...JSON.parse(t.serialize()), expiresAt: Date.now() - 1000 });

async function grants(type) {
  const { requests } = await api('GET', '/_mock/requests?path=/oauth/token');
  return requests.filter((r) => r.grantType === type && r.clientId === clientId);
}

test('the code flow validates the ID token (signature by the JWKS, nonce) and names the user', { timeout: WAIT }, async () => {
  const client = await signedIn(users[0]);
  assert.equal(client.account.id, users[0].id);
  assert.equal(client.account.name, users[0].displayName);
  assert.equal(client.account.claims.aud, clientId);
  assert.equal(client.account.claims.iss, MOCK);
  assert.ok(client.tokens.refreshToken, 'offline_access gives a refresh token');
  assert.equal((await client.me()).id, users[0].id);
});

test('a wrong state, nonce or PKCE verifier is refused', { timeout: WAIT }, async () => {
  const client = newClient();
  let { params, pending } = await authorize(client, users[0]);
  await assert.rejects(client.auth.finish(params, { ...pending, state: 'another' }), (e) => e instanceof AuthError && /state/.test(e.message));
  ({ params, pending } = await authorize(client, users[0]));
  await assert.rejects(client.auth.finish(params, { ...pending, nonce: 'another' }), (e) => e instanceof AuthError && /nonce/.test(e.message));
  ({ params, pending } = await authorize(client, users[0]));
  await assert.rejects(client.auth.finish(params, { ...pending, verifier: 'x'.repeat(43) }), (e) => e instanceof AuthError && e.code === 'invalid_grant');
});

test('an expired access token is refreshed once for concurrent calls, and rotated', { timeout: WAIT }, async () => {
  const seen = [];
  const client = await signedIn(users[0], { onTokens: (t) => seen.push(t) });
  const before = client.tokens;
  const refreshesBefore = (await grants('refresh_token')).length;
  await client.setTokens(expired(before));
  const results = await Promise.all(Array.from({ length: 5 }, () => client.me()));
  assert.ok(results.every((m) => m.id === users[0].id));
  assert.equal((await grants('refresh_token')).length - refreshesBefore, 1, 'one refresh for five calls');
  assert.notEqual(fingerprint(client.tokens.accessToken), fingerprint(before.accessToken), 'a new access token');
  assert.notEqual(fingerprint(client.tokens.refreshToken), fingerprint(before.refreshToken), 'the refresh token rotated');
  assert.equal(seen.at(-1), client.tokens, 'onTokens got the new set');
});

test('a token rejected by the server (401) is refreshed once and the call retried', { timeout: WAIT }, async () => {
  const client = await signedIn(users[1]);
  const old = client.tokens;
  const res = await fetch(`${MOCK}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: old.accessToken, client_id: clientId, token_type_hint: 'access_token' }),
  });
  assert.equal(res.status, 200);
  assert.equal((await client.status()).presence !== undefined, true);
  assert.notEqual(fingerprint(client.tokens.accessToken), fingerprint(old.accessToken));
});

test('a failing token store fails the call with TokenStoreError carrying the new tokens; the client keeps them', { timeout: WAIT }, async () => {
  const client = await signedIn(users[0]);
  const before = client.tokens;
  let fail = false;
  const failing = newClient({ store: { load: () => null, save: () => { if (fail) throw new Error('disk full'); } } });
  await failing.setTokens(expired(before));
  fail = true;
  await assert.rejects(failing.me(), (e) => e instanceof TokenStoreError && /disk full/.test(e.message) && e.tokens === failing.tokens);
  assert.notEqual(fingerprint(failing.tokens.accessToken), fingerprint(before.accessToken));
  fail = false;
  assert.equal((await failing.me()).id, users[0].id, 'the new tokens are in use');
});

test('errors from real answers: 404, 400 naming the field, an OAuth error', { timeout: WAIT }, async () => {
  const client = await signedIn(users[0]);
  await assert.rejects(client.contacts.get('c-nope'), (e) => e instanceof NotFoundError && e.status === 404 && /^[0-9a-f-]{36}$/.test(e.requestId));
  await assert.rejects(
    client.activities.create({ type: 'Share', url: 'javascript:alert(1)' }),
    (e) => e instanceof ValidationError && e.target === 'url' && e.code === 'validationFailed',
  );
  await assert.rejects(client.auth.refresh('rt_not_a_token'), (e) => e instanceof AuthError && e.code === 'invalid_grant');
});

test('contacts page by page with an escaped filter; the items match the server count', { timeout: WAIT }, async () => {
  const client = await signedIn(users[0]);
  const all = client.contacts.list({ filter: odata`isFriend eq ${false}`, orderby: 'displayName', top: 7, count: true });
  const first = await all.page();
  assert.equal(first.items.length, 7);
  assert.ok(first.nextLink, 'more pages');
  const items = await all.toArray();
  assert.equal(items.length, first.count, '@odata.count items in all');
  assert.equal(new Set(items.map((c) => c.id)).size, items.length, 'no item twice');
  assert.ok(items.every((c) => c.isFriend === false));
  const none = await client.contacts.list({ filter: odata`displayName eq ${"x' or 'a' eq 'a"}` }).toArray();
  assert.deepEqual(none, [], 'a quote in a value cannot widen the filter');
});

test('activities.create with the same idempotency key posts once', { timeout: WAIT }, async () => {
  const client = await signedIn(users[0]);
  const item = { type: 'Share', url: 'https://example.com/once', content: 'once' };
  const key = `same-${Date.now()}`;
  const a = await client.activities.create(item, { idempotencyKey: key });
  const b = await client.activities.create(item, { idempotencyKey: key });
  assert.equal(a.id, b.id, 'the same key returns the original');
  const c = await client.activities.create(item);
  const d = await client.activities.create(item);
  assert.notEqual(c.id, d.id, 'each call without a key gets its own (new) key');
});

test('status and invitations: set and read back, invite, list, cancel', { timeout: WAIT }, async () => {
  const scopes = [...SCOPES, 'status.write', 'friends.invite'];
  const origin = 'http://127.0.0.1:10';
  const app = { clientId: await registerApp(origin, 'Node Writer App', scopes), origin, scopes };
  const c = await signedIn(users[2], {}, app);

  const set = await c.setStatus({ message: 'Writing tests', presence: 'busy' });
  assert.equal(set.message, 'Writing tests');
  assert.deepEqual([(await c.status()).message, (await c.status()).presence], ['Writing tests', 'busy']);
  const email = `someone-${Date.now()}@example.com`;
  const invitation = await c.invitations.create({ email, message: 'Join me' });
  assert.equal(invitation.status, 'pending');
  const listed = await c.invitations.list({ filter: odata`email eq ${email}` }).toArray();
  assert.deepEqual(listed.map((i) => i.id), [invitation.id]);
  await c.invitations.cancel(invitation.id);
  const after = await c.invitations.list({ filter: odata`email eq ${email}` }).toArray();
  assert.ok(after.every((i) => i.status !== 'pending'), 'cancelled');
});

/** Waits for `predicate` over the events received so far (bounded). */
function waitFor(received, predicate, what) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + WAIT;
    const tick = setInterval(() => {
      const hit = received.find(predicate);
      if (hit) { clearInterval(tick); resolve(hit); } else if (Date.now() > deadline) { clearInterval(tick); reject(new Error(`no ${what} within ${WAIT} ms`)); }
    }, 20);
  });
}

test('live events arrive, and after a dropped socket resume with since (nothing missed)', { timeout: 2 * WAIT }, async () => {
  const client = await signedIn(users[0]);
  const { value: friends } = await api('GET', `/_mock/act-as/${users[0].id}/friends`);
  const friend = friends[0];
  const { id: conversationId } = await client.conversations.create([friend.id]);
  // The next socket opened is dropped abruptly (no close frame) after its first frame.
  await api('POST', '/_mock/faults', { json: { kind: 'closeSocket', path: '/v1/me/events', afterFrames: 1 }, status: 201 });
  const live = client.events();
  const received = [];
  live.on('message.created', (e) => received.push(e));
  const send = (text) => api('POST', `/_mock/act-as/${friend.id}/conversations/${conversationId}/messages`, { json: { text }, status: 201 });
  try {
    await new Promise((r) => live.addEventListener('open', r, { once: true }));
    const closed = new Promise((r) => live.addEventListener('close', r, { once: true }));
    await send('first');
    await closed;
    await send('second'); // while the client is away (or reconnecting)
    await waitFor(received, (e) => e.data.text === 'second', 'the message sent while away');
    await send('third');
    await waitFor(received, (e) => e.data.text === 'third', 'a live message after the reconnect');
    const texts = received.map((e) => e.data.text);
    assert.deepEqual(texts, ['first', 'second', 'third'], 'in order, none missed, none twice');
    assert.ok(live.reconnects >= 1, 'reconnected');
    assert.equal(live.lastSeq, received.at(-1).seq, 'the resume point is the last seq');
  } finally {
    live.close();
    await api('DELETE', '/_mock/faults', { status: 204 });
  }
});
