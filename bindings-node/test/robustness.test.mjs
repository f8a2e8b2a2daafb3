import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, RateLimitedError, MessengerConnectError, InvalidArgumentError, InternalError } from '../index.mjs';
import { fp, setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

test('429 with Retry-After 0 and 503 are retried transparently', async () => {
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 429, retryAfter: 0, count: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  await env.server.clearRequests();
  const me = await c.me();
  assert.equal(me.id, env.server.users[0].id);
  const calls = (await env.server.requests()).filter((r) => r.path === '/v1/me');
  assert.deepEqual(calls.map((r) => r.status), [429, 503, 200]);
});

test('a 429 past the attempts is a RateLimitedError with retryAfter', async () => {
  const { tokens } = await env.server.mintToken(0);
  const once = new Client({ baseUrl: env.server.url, tokens, maxAttempts: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 429, retryAfter: 7, count: 1 });
  await assert.rejects(once.me(), (e) => {
    assert.ok(e instanceof RateLimitedError);
    assert.equal(e.status, 429);
    assert.equal(e.retryAfter, 7);
    assert.ok(!String(e.message).includes(tokens.accessToken), 'no token in the message');
    return true;
  });
});

test('invalid arguments throw InvalidArgumentError before any request', async () => {
  await env.server.clearRequests();
  assert.throws(() => new Client({}), InvalidArgumentError);
  assert.throws(() => new Client({ baseUrl: env.server.url, onTokens: 5 }), InvalidArgumentError);
  assert.throws(() => c.contacts.get(''), InvalidArgumentError);
  assert.throws(() => c.contacts.list({ top: 0 }), InvalidArgumentError);
  assert.throws(() => c.contacts.list({ filter: 42 }), InvalidArgumentError);
  assert.throws(() => c.contacts.list({ filter: "" }), InvalidArgumentError);
  assert.throws(() => c.contacts.list({ orderby: 'name sideways' }), InvalidArgumentError);
  assert.throws(() => c.activities.create(null), InvalidArgumentError);
  assert.throws(() => c.conversations.create([]), InvalidArgumentError);
  await assert.rejects(c.activities.create({ type: 'Bogus', content: 'x' }), InvalidArgumentError);
  await assert.rejects(c.activities.create({ type: 'Note' }), InvalidArgumentError);
  await assert.rejects(c.activities.create({ type: 'Note', content: 5 }), InvalidArgumentError);
  await assert.rejects(c.setStatus({}), InvalidArgumentError);
  await assert.rejects(c.messages.send('conv', { text: '' }), InvalidArgumentError);
  await assert.rejects(c.events({ since: -1 }), InvalidArgumentError);
  const app = new Client({ baseUrl: env.server.url, clientId: 'app', redirectUri: 'http://127.0.0.1/callback' });
  assert.throws(() => app.auth.authorizationUrl({ scopes: [] }), InvalidArgumentError);
  assert.throws(() => app.auth.authorizationUrl({ scopes: ['bad scope'] }), InvalidArgumentError);
  assert.throws(() => app.auth.authorizationUrl({ scopes: ['profile'], prompt: 3 }), InvalidArgumentError);
  assert.throws(() => c.auth.exchangeCode({}, ''), InvalidArgumentError);
  await assert.rejects(c.auth.exchangeCode({}, 'http://127.0.0.1/callback?code=x'), InvalidArgumentError);
  await assert.rejects(c.auth.startDeviceAuthorization([]), InvalidArgumentError);
  assert.throws(() => c.auth.pollDeviceTokenOnce({}), InvalidArgumentError);
  assert.throws(() => c.auth.validateIdToken(''), InvalidArgumentError);
  assert.throws(() => c.contacts.sync({ pageSize: -5 }), InvalidArgumentError);
  assert.throws(() => c.contacts.update('id', { displayName: 'x' }, { ifMatch: 5 }), InvalidArgumentError);
  await assert.rejects(c.portableContacts.list({ count: -1 }), InvalidArgumentError);
  await assert.rejects(c.portableContacts.list({ updatedSince: 'yesterday' }), InvalidArgumentError);
  await assert.rejects(c.batch([]), InvalidArgumentError);
  assert.throws(() => c.setTokens(null), InvalidArgumentError);
  assert.throws(() => new Client({ baseUrl: env.server.url, maxAttempts: 0 }), InvalidArgumentError);
  const sent = (await env.server.requests()).filter((r) => !r.path.startsWith('/_mock'));
  assert.deepEqual(sent, [], 'no API request in the journal');
});

test('a configuration error throws at construction', () => {
  assert.throws(() => new Client({ baseUrl: 'http://example.com' }), MessengerConnectError);
  assert.throws(() => new Client({ baseUrl: 'not a url' }), MessengerConnectError);
});

test('onTokens receives the rotated tokens', async () => {
  const minted = await env.server.mintToken(1, ['profile', 'offline_access'], { expiresIn: 1 });
  assert.ok(minted.tokens.refreshToken);
  const seen = [];
  let resolveSeen;
  const got = new Promise((r) => { resolveSeen = r; });
  const client = new Client({
    baseUrl: env.server.url,
    clientId: minted.clientId,
    clientSecret: minted.clientSecret,
    // Already expired: the first call refreshes first.
    tokens: { ...minted.tokens, expiresAt: new Date(Date.now() - 1000).toISOString() },
    onTokens: (t) => { seen.push(t); resolveSeen(); },
  });
  const me = await client.me();
  assert.equal(me.id, env.server.users[1].id);
  await got;
  assert.equal(seen.length, 1);
  assert.notEqual(fp(seen[0].accessToken), fp(minted.tokens.accessToken));
  assert.notEqual(fp(seen[0].refreshToken), fp(minted.tokens.refreshToken));
  assert.equal(fp(client.tokens.refreshToken), fp(seen[0].refreshToken));
  await client.close();
});

test('a Rust panic rejects the promise and the process survives', async () => {
  const internal = (e) => e instanceof InternalError && e.kind === 'internal' && /debug panic requested/.test(e.message);
  await assert.rejects(c._debugPanic(), internal);
  assert.throws(() => c._debugPanicSync(), internal);
  const me = await c.me();
  assert.equal(me.id, env.server.users[0].id);
});
