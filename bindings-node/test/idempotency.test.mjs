// `activities.create(item, { idempotencyKey })`: the caller's own Idempotency-Key, so a
// job run again never posts an item twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, NetworkError, ValidationError, InvalidArgumentError } from '../index.mjs';
import { setup } from './helpers.mjs';

let env;
let minted;
/** A client of user 0 (one app for every client of this file: keys are per user and app). */
function newClient(options = {}) {
  return env.track(new Client({
    baseUrl: env.server.url,
    clientId: minted.clientId,
    clientSecret: minted.clientSecret,
    tokens: minted.tokens,
    ...options,
  }));
}

before(async () => {
  env = await setup();
  minted = await env.server.mintToken(0);
});
after(() => env.teardown());

const posts = async () => (await env.server.requests())
  .filter((r) => r.method === 'POST' && r.path === '/v1/me/activities');

test('a lost response, then the same key from a second client: one activity', async () => {
  const item = { type: 'Note', content: 'order 4711 shipped' };
  const key = 'shop-order-4711';
  // The first run: no retries, and the server commits the POST but its answer is lost.
  const firstRun = newClient({ maxAttempts: 1 });
  await env.server.addFault({ method: 'POST', path: '/v1/me/activities', kind: 'dropAfterCommit', count: 1 });
  await env.server.clearRequests();
  await assert.rejects(firstRun.activities.create(item, { idempotencyKey: key }), NetworkError);

  // The job runs again (a new client) and posts the same item under the same key.
  const rerun = newClient();
  const posted = await rerun.activities.create(item, { idempotencyKey: key });
  assert.equal(posted.content, item.content);
  const again = await rerun.activities.create(item, { idempotencyKey: key });
  assert.equal(again.id, posted.id, 'a replay returns the original activity');

  const sent = await posts();
  assert.equal(sent.length, 3);
  assert.ok(sent.every((r) => r.idempotencyKey === key), 'every POST carried the caller\'s key');
  const mine = await rerun.activities.list({ top: 100 }).toArray();
  assert.deepEqual(mine.filter((a) => a.content === item.content).map((a) => a.id), [posted.id]);
  const feed = await rerun.feed.list({ top: 100 }).toArray();
  assert.equal(feed.filter((a) => a.content === item.content).length, 1, 'one activity in the feed');

  // The same key with another body is refused, not posted.
  await assert.rejects(
    rerun.activities.create({ type: 'Note', content: 'another item' }, { idempotencyKey: key }),
    (e) => e instanceof ValidationError && e.status === 422 && e.code === 'idempotencyKeyReused',
  );
});

test('core retries a lost response with the caller\'s key', async () => {
  const c = newClient();
  const key = 'retry-me-1';
  await env.server.addFault({ method: 'POST', path: '/v1/me/activities', kind: 'dropAfterCommit', count: 1 });
  await env.server.clearRequests();
  const posted = await c.activities.create({ type: 'Like', url: 'https://example.com/p/1' }, { idempotencyKey: key });
  const sent = await posts();
  assert.deepEqual(sent.map((r) => r.idempotencyKey), [key, key], 'the retry reused the key');
  const mine = await c.activities.list({ top: 100 }).toArray();
  assert.equal(mine.filter((a) => a.url === 'https://example.com/p/1').length, 1);
  assert.equal(mine.find((a) => a.url === 'https://example.com/p/1')?.id, posted.id);
});

test('an invalid idempotency key throws before any request', async () => {
  const c = newClient();
  const item = { type: 'Note', content: 'never posted' };
  await env.server.clearRequests();
  const bad = ['', 'k'.repeat(256), 'line\nbreak', 'tab\tkey', 'nul\u0000key', 'del\u007fkey', 'with space', 'clé', 42, {}];
  for (const idempotencyKey of bad) {
    // Checked in JS (not a string: thrown) or by core (rejected): an InvalidArgumentError either way.
    await assert.rejects(async () => c.activities.create(item, { idempotencyKey }), (e) => {
      assert.ok(e instanceof InvalidArgumentError, `${JSON.stringify(idempotencyKey)}: ${e}`);
      assert.equal(e.target, 'idempotencyKey');
      return true;
    });
  }
  assert.throws(() => c.activities.create(item, 'key'), InvalidArgumentError, 'options must be an object');
  const journal = await env.server.requests();
  assert.deepEqual(journal.filter((r) => !r.path.startsWith('/_mock')), [], 'no API request');

  // The longest key is fine; without one (or with null) core makes one per call.
  const longest = 'k'.repeat(255);
  await c.activities.create(item, { idempotencyKey: longest });
  await c.activities.create(item, { idempotencyKey: null });
  await c.activities.create(item);
  const keys = (await posts()).map((r) => r.idempotencyKey);
  assert.equal(keys.length, 3);
  assert.equal(keys[0], longest);
  assert.ok(keys[1] && keys[2] && keys[1] !== keys[2] && keys[1] !== longest, 'keys made per call');
});
