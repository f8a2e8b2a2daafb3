// `MockServer.call(op, args)`: the mock's control plane by name, in-process (the mock
// crate's `Control::call`), as the scenario runner uses it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MockServer } from '../testing.mjs';

let server;
before(async () => {
  server = await MockServer.start();
});
after(() => server.close());

test('call: reset reseeds and answers the users that `users` lists', async () => {
  const reset = await server.call('reset', { users: 2, contactsPerUser: 3, seed: 5 });
  assert.equal(reset.users.length, 2);
  const listed = await server.call('users');
  assert.deepEqual(listed.users.map((u) => u.id), reset.users.map((u) => u.id));
  // Same seed, same data.
  const again = await server.call('reset', { users: 2, contactsPerUser: 3, seed: 5 });
  assert.deepEqual(again.users.map((u) => u.email), reset.users.map((u) => u.email));
});

test('call: addFault → faults → removeFault (snake_case names too)', async () => {
  await server.call('reset', {});
  const { id } = await server.call('addFault', { method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 2 });
  assert.equal(typeof id, 'string');
  const { faults } = await server.call('faults');
  assert.equal(faults.length, 1);
  assert.equal(faults[0].id, id);
  assert.equal(faults[0].kind, 'status');
  assert.equal(faults[0].fired, 0);
  assert.equal(await server.call('remove_fault', { id }), null);
  assert.deepEqual((await server.call('faults')).faults, []);
});

test('call: refusals reject with the mock code (unknown op, unknown id, bad args)', async () => {
  await assert.rejects(server.call('noSuchOperation', {}), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'validationFailed');
    assert.match(e.message, /unknown operation/);
    return true;
  });
  await assert.rejects(server.call('removeFault', { id: 'f-does-not-exist' }), (e) => {
    assert.equal(e.code, 'notFound');
    return true;
  });
  await assert.rejects(server.call('addFault', { kind: 'noSuchKind' }), (e) => {
    assert.equal(e.code, 'validationFailed');
    return true;
  });
});

test('call: the journal seen through requests / clearRequests', async () => {
  await server.call('reset', {});
  const app = await server.call('createApp', { name: 'call test', redirectUris: ['http://127.0.0.1/cb'] });
  const user = (await server.call('users')).users[0];
  const minted = await server.call('mintToken', { userId: user.id, clientId: app.clientId, scopes: ['profile'] });
  await server.call('clearRequests');
  const res = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${minted.access_token}` } });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const { requests } = await server.call('requests', {});
  assert.deepEqual(requests.map((r) => [r.method, r.path, r.status]), [['GET', '/v1/me', 200]]);
});

/** The mock's operations, as its refusal of an unknown one lists them. */
async function operations() {
  const e = await server.call('noSuchOperation').catch((err) => err);
  const known = /known: ([^(]*)/.exec(e.message)?.[1];
  assert.ok(known, `the refusal lists the operations: ${e.message}`);
  return known.split(',').map((s) => s.trim());
}

test('a helper for every control operation (users: the `users` property and listUsers)', async () => {
  const ops = await operations();
  assert.ok(ops.length >= 20, ops.join(' '));
  const missing = ops.filter((op) => op !== 'users' && typeof server[op] !== 'function');
  assert.deepEqual(missing, [], 'operations without a helper');
});

test('the helpers: users, clock, stats, settings, faults, events, devices', async () => {
  const users = await server.reset({ users: 2, contactsPerUser: 2, seed: 9 });
  assert.deepEqual(server.users, users, 'reset refreshes `users`');
  const added = await server.createUser({ displayName: 'Ada Test', email: 'ada@test.example', password: 'pw-123456' });
  assert.deepEqual((await server.listUsers()).map((u) => u.id), [...users.map((u) => u.id), added.id]);

  const before = Date.parse(await server.clock());
  await server.advanceClock(3600);
  assert.ok(Date.parse(await server.clock()) - before >= 3600 * 1000);
  assert.equal(typeof (await server.stats()), 'object');
  const grace = (await server.settings()).refreshTokenReuseGraceSeconds;
  const changed = await server.updateSettings({ refreshTokenReuseGraceSeconds: (grace ?? 0) + 7 });
  assert.equal(changed.refreshTokenReuseGraceSeconds, (grace ?? 0) + 7);

  const { id } = await server.addFault({ path: '/v1/me', kind: 'status', status: 503 });
  assert.deepEqual((await server.faults()).map((f) => f.id), [id]);
  await server.removeFault(id);
  assert.deepEqual(await server.faults(), []);

  const frame = await server.publishEvent(0, { type: 'custom.test', data: { n: 1 } });
  const log = await server.events(0);
  assert.equal(log.seq, frame.seq);
  assert.equal(log.events.at(-1).type, 'custom.test');
  assert.deepEqual((await server.events(0, frame.seq)).events, [], 'nothing after the last seq');

  await assert.rejects(server.approveDevice('NO-SUCH'), (e) => e.code === 'notFound');
  await assert.rejects(server.denyDevice('NO-SUCH'), (e) => e.code === 'notFound');
});
