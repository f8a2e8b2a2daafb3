// `client.withTokens(tokens, onTokens?)`: clients for other users on one parent's pool and
// options, each with its own tokens and its own token callback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ConfigError, InvalidArgumentError } from '../index.mjs';
import { fp, setup } from './helpers.mjs';

let env;
let app;
/** Minted token sets of the seeded users 0, 1, 2 (one app). */
let minted;
/** The parent client (user 0) and what its `onTokens` received. */
let parent;
const parentSeen = [];
let parentDelivered = () => {};

before(async () => {
  env = await setup();
  app = await env.server.createApp();
  minted = [];
  for (const user of [0, 1, 2]) minted.push(await env.server.mintToken(user, undefined, { app }));
  parent = env.track(new Client({
    baseUrl: env.server.url,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    tokens: minted[0].tokens,
    onTokens: (t) => { parentSeen.push(t); parentDelivered(); },
  }));
});
after(() => env.teardown());

/** A promise of the next call of a callback made by `make`. */
function nextCall() {
  let resolve;
  const called = new Promise((r) => { resolve = r; });
  return { called, resolve };
}

test('two users\' clients from one parent each see their own data', async () => {
  const [u1, u2] = [1, 2].map((i) => env.track(parent.withTokens(minted[i].tokens)));
  assert.ok(u1 instanceof Client);
  assert.equal((await u1.me()).id, env.server.users[1].id);
  assert.equal((await u2.me()).id, env.server.users[2].id);
  assert.equal((await parent.me()).id, env.server.users[0].id, 'the parent keeps its user');
  assert.equal(fp(parent.tokens.accessToken), fp(minted[0].tokens.accessToken));
  assert.equal(fp(u1.tokens.accessToken), fp(minted[1].tokens.accessToken));

  const c1 = await u1.contacts.list().toArray();
  const c2 = await u2.contacts.list().toArray();
  assert.equal(c1.length, 25);
  assert.equal(c2.length, 25);
  const ids2 = new Set(c2.map((c) => c.id));
  assert.ok(c1.every((c) => !ids2.has(c.id)), 'no contact of user 1 in user 2\'s list');
  const made = await u1.contacts.create({ displayName: 'Only in user 1' });
  assert.ok((await u1.contacts.list().toArray()).some((c) => c.id === made.id));
  assert.ok(!(await u2.contacts.list().toArray()).some((c) => c.id === made.id));

  // Each request went out with its own user's token (the journal knows whose it was).
  await env.server.clearRequests();
  await u2.me();
  await u1.me();
  const me = (await env.server.requests()).filter((r) => r.path === '/v1/me');
  assert.deepEqual(me.map((r) => r.userId), [env.server.users[2].id, env.server.users[1].id]);

  // Closing a derived client leaves the parent (and its siblings) working, and back.
  await u2.close();
  await assert.rejects(u2.me(), ConfigError);
  assert.equal((await u1.me()).id, env.server.users[1].id);
  assert.equal((await parent.me()).id, env.server.users[0].id);
  const closedParent = env.track(new Client({ baseUrl: env.server.url, tokens: minted[0].tokens }));
  const orphan = env.track(closedParent.withTokens(minted[1].tokens));
  await closedParent.close();
  assert.equal((await orphan.me()).id, env.server.users[1].id);
  assert.throws(() => closedParent.withTokens(minted[1].tokens), ConfigError);
});

test('a refresh on a derived client goes to its own callback, never to the parent\'s', async () => {
  // Tokens the client believes valid for 10 minutes, expired on the server's clock: the
  // first call is answered 401, core refreshes once and retries.
  const short = await env.server.mintToken(1, undefined, { app, expiresIn: 600 });
  const other = await env.server.mintToken(2, undefined, { app, expiresIn: 600 });
  assert.ok(short.tokens.refreshToken && other.tokens.refreshToken);
  const seen = [];
  const derivedCall = nextCall();
  const derived = env.track(parent.withTokens(short.tokens, (t) => { seen.push(t); derivedCall.resolve(); }));
  // No callback: its rotated tokens are reported nowhere.
  const silent = env.track(parent.withTokens(other.tokens));
  await env.server.advanceClock(601);
  await env.server.clearRequests();

  assert.equal((await derived.me()).id, env.server.users[1].id);
  assert.equal((await silent.me()).id, env.server.users[2].id);
  const journal = (await env.server.requests()).filter((r) => !r.path.startsWith('/_mock'));
  const refreshes = journal.filter((r) => r.path === '/oauth/token');
  assert.deepEqual(refreshes.map((r) => [r.grantType, r.clientId]), [
    ['refresh_token', app.clientId],
    ['refresh_token', app.clientId],
  ]);
  assert.deepEqual(
    journal.filter((r) => r.path === '/v1/me').map((r) => r.status),
    [401, 200, 401, 200],
  );

  // Whichever callback hears first (the parent's would only if the tokens went astray:
  // the parent itself has not refreshed yet).
  const parentFirst = nextCall();
  parentDelivered = parentFirst.resolve;
  const first = await Promise.race([
    derivedCall.called.then(() => 'derived'),
    parentFirst.called.then(() => 'parent'),
  ]);
  assert.equal(first, 'derived');
  assert.equal(seen.length, 1);
  assert.notEqual(fp(seen[0].accessToken), fp(short.tokens.accessToken));
  assert.notEqual(fp(seen[0].refreshToken), fp(short.tokens.refreshToken), 'the refresh token rotated');
  assert.equal(fp(derived.tokens.refreshToken), fp(seen[0].refreshToken));
  assert.notEqual(fp(silent.tokens.refreshToken), fp(other.tokens.refreshToken));

  // The parent's callback is queued in order: once its own refresh has been delivered,
  // anything the derived clients had wrongly sent it would have arrived before.
  assert.equal(parentSeen.length, 0);
  const parentCall = nextCall();
  parentDelivered = parentCall.resolve;
  const renewed = await parent.auth.refresh();
  await parentCall.called;
  assert.deepEqual(parentSeen.map((t) => fp(t.refreshToken)), [fp(renewed.refreshToken)]);
  assert.equal(seen.length, 1, 'the parent\'s refresh is not reported to the derived client');
  assert.equal((await parent.me()).id, env.server.users[0].id);
});

test('invalid withTokens arguments throw before any request', async () => {
  const { accessToken } = minted[1].tokens;
  await env.server.clearRequests();
  const bad = [
    () => parent.withTokens(),
    () => parent.withTokens(null),
    () => parent.withTokens(accessToken),
    () => parent.withTokens([accessToken]),
    () => parent.withTokens({}),
    () => parent.withTokens({ accessToken: 5 }),
    () => parent.withTokens({ accessToken, expiresAt: 'not a date' }),
    () => parent.withTokens(minted[1].tokens, 5),
    () => parent.withTokens(minted[1].tokens, 'onTokens'),
  ];
  for (const make of bad) {
    assert.throws(make, (e) => {
      assert.ok(e instanceof InvalidArgumentError, `${make}: ${e}`);
      assert.ok(!e.message.includes(accessToken), 'no token in the message');
      return true;
    });
  }
  const journal = await env.server.requests();
  assert.deepEqual(journal.filter((r) => !r.path.startsWith('/_mock')), [], 'no API request');
});
