import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../index.mjs';
import {
  Client, Filter, ApiError, NotFoundError, ValidationError, AuthError, MessengerConnectError,
  ConfigError,
} from '../index.mjs';
import { setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

test('me, updateMe, user', async () => {
  const me = await c.me();
  assert.equal(me.id, env.server.users[0].id);
  assert.equal(me.displayName, env.server.users[0].displayName);
  const updated = await c.updateMe({ displayName: 'Renamed From Node' });
  assert.equal(updated.displayName, 'Renamed From Node');
  const other = await c.user(env.server.users[1].id);
  assert.equal(other.id, env.server.users[1].id);
  await assert.rejects(c.user('u-does-not-exist'), (e) => {
    assert.ok(e instanceof NotFoundError && e instanceof ApiError && e instanceof MessengerConnectError);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'notFound');
    assert.match(e.requestId, /\S+/);
    return true;
  });
});

test('status and setStatus', async () => {
  const s = await c.setStatus({ message: 'posting from node', presence: 'busy' });
  assert.equal(s.message, 'posting from node');
  assert.equal(s.presence, 'busy');
  const again = await c.status();
  assert.equal(again.message, 'posting from node');
  await assert.rejects(c.setStatus({ message: 'x'.repeat(281) }), InvalidArgumentError);
});

test('contacts CRUD with ETag and error mapping', async () => {
  const created = await c.contacts.create({ displayName: "Zoë O'Brien", emails: [{ value: 'zoe@example.com', type: 'home' }] });
  assert.equal(created.displayName, "Zoë O'Brien");
  const got = await c.contacts.get(created.id);
  assert.equal(got.id, created.id);
  const updated = await c.contacts.update(created.id, { displayName: 'Zoë B' });
  assert.equal(updated.displayName, 'Zoë B');
  await assert.rejects(c.contacts.update(created.id, { displayName: 'Nope' }, { ifMatch: '"stale"' }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 412);
    assert.equal(e.code, 'preconditionFailed');
    return true;
  });
  const found = await c.contacts.list({ filter: Filter.eq('displayName', 'Zoë B') }).toArray();
  assert.deepEqual(found.map((x) => x.id), [created.id]);
  await c.contacts.delete(created.id);
  await assert.rejects(c.contacts.get(created.id), NotFoundError);
});

test('a validation error names its target', async () => {
  await assert.rejects(c.contacts.list({ filter: Filter.eq('noSuchField', 1) }).toArray(), (e) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'invalidFilter');
    return true;
  });
});

test('friends, feed, activities (idempotency key automatic)', async () => {
  const friends = await c.friends.list().toArray();
  assert.ok(friends.length >= 1);
  assert.ok(friends.every((f) => typeof f.id === 'string' && f.presence));
  await env.server.clearRequests();
  const a = await c.activities.create({ type: 'Note', content: 'hello from node' });
  assert.equal(a.type, 'Note');
  assert.equal(a.content, 'hello from node');
  const journal = await env.server.requests();
  const post = journal.find((r) => r.method === 'POST' && r.path === '/v1/me/activities');
  assert.ok(post, 'the POST is in the journal');
  assert.match(post.idempotencyKey, /\S{8,}/);
  const got = await c.activities.get(a.id);
  assert.equal(got.id, a.id);
  const mine = await c.activities.list().toArray();
  assert.ok(mine.some((x) => x.id === a.id));
  const feed = await c.feed.list().toArray();
  assert.equal(feed[0].id, a.id, 'newest first');
  await c.activities.delete(a.id);
  await assert.rejects(c.activities.get(a.id), NotFoundError);
  await assert.rejects(c.activities.create({ type: 'Share', url: 'ftp://x' }), InvalidArgumentError);
});

test('conversations and messages', async () => {
  const [friend] = await c.friends.list().toArray();
  const conv = await c.conversations.create([friend.id]);
  assert.ok(conv.members.some((m) => m.id === friend.id));
  const m1 = await c.messages.send(conv.id, 'hi there');
  assert.equal(m1.text, 'hi there');
  assert.ok(m1.clientMessageId, 'a clientMessageId is made');
  const m2 = await c.messages.send(conv.id, { text: 'again', clientMessageId: 'fixed-1' });
  const replay = await c.messages.send(conv.id, { text: 'again', clientMessageId: 'fixed-1' });
  assert.equal(replay.id, m2.id);
  const all = await c.messages.list(conv.id).toArray();
  assert.deepEqual(all.map((m) => m.id), [m1.id, m2.id]);
  const convs = await c.conversations.list().toArray();
  assert.ok(convs.some((x) => x.id === conv.id));
});

test('a missing scope is an AuthError', async () => {
  const narrow = await env.client(1, { scopes: ['profile'] });
  await assert.rejects(narrow.contacts.list().toArray(), (e) => {
    assert.ok(e instanceof AuthError);
    assert.equal(e.status, 403);
    return true;
  });
});

test('close() makes later calls fail', async () => {
  const tmp = await env.client(2);
  await tmp.close();
  await assert.rejects(tmp.me(), ConfigError);
});

test('a CommonJS require gives the same classes', async () => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const cjs = require('../index.js');
  assert.equal(cjs.Client, Client);
  assert.equal(typeof require('../testing.js').MockServer.start, 'function');
});
