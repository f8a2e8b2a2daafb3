// Invitations, permissions (revoke, drop a scope), `$batch` and Portable Contacts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, ConflictError, NotFoundError, InvalidArgumentError } from '../index.mjs';
import { setup } from './helpers.mjs';

let env;
before(async () => {
  env = await setup({ users: 4, friendsPerUser: 1 });
});
after(() => env.teardown());

test('invitations: by email and by contact, accepted, cancelled, alreadyFriends', async () => {
  const c = await env.client(0);
  const byEmail = await c.invitations.create({ email: 'newcomer@example.com', message: 'Join me!' });
  assert.equal(byEmail.status, 'pending');
  assert.equal(byEmail.email, 'newcomer@example.com');
  const [contact] = await c.contacts.list({ top: 1 }).toArray();
  const byContact = await c.invitations.create({ contactId: contact.id });
  assert.equal(byContact.contactId, contact.id);
  const listed = await c.invitations.list().toArray();
  assert.deepEqual(new Set(listed.map((i) => i.id)), new Set([byEmail.id, byContact.id]));

  const before = (await c.friends.list().toArray()).length;
  await env.server.acceptInvitation(byEmail.id);
  const friends = await c.friends.list().toArray();
  assert.equal(friends.length, before + 1);
  const [accepted] = await c.invitations.list({ filter: `status eq 'accepted'` }).toArray();
  assert.equal(accepted.id, byEmail.id);
  assert.ok(accepted.friendId);
  await assert.rejects(c.invitations.create({ email: 'newcomer@example.com' }), (e) => {
    assert.ok(e instanceof ConflictError);
    assert.equal(e.status, 409);
    assert.equal(e.code, 'alreadyFriends');
    return true;
  });

  await c.invitations.cancel(byContact.id);
  const [cancelled] = await c.invitations.list({ filter: `id eq '${byContact.id}'` }).toArray();
  assert.equal(cancelled.status, 'cancelled');
  await assert.rejects(c.invitations.cancel('i-nope'), NotFoundError);
  assert.throws(() => c.invitations.create({}), InvalidArgumentError);
  assert.throws(() => c.invitations.create({ email: 'a@example.com', contactId: 'c1' }), InvalidArgumentError);
});

test('permissions: read, drop a scope, revoke the grant', async () => {
  const c = await env.client(1, { scopes: ['profile', 'contacts.read', 'feed.read'] });
  const p = await c.permissions();
  assert.deepEqual(new Set(p.scopes), new Set(['profile', 'contacts.read', 'feed.read']));
  assert.ok(p.clientId);
  await c.dropScope('contacts.read');
  assert.ok(!(await c.permissions()).scopes.includes('contacts.read'));
  await assert.rejects(c.contacts.list().toArray(), (e) => e instanceof AuthError && e.status === 403);
  assert.equal((await c.me()).id, env.server.users[1].id);
  await c.revokePermissions();
  await assert.rejects(c.me(), (e) => e instanceof AuthError && e.status === 401);
  assert.throws(() => c.dropScope(''), InvalidArgumentError);
});

test('$batch: responses in order, dependsOn, 424 for a failed dependency', async () => {
  const c = await env.client(2);
  const responses = await c.batch([
    { id: 'me', method: 'GET', url: '/me' },
    { id: 'new', method: 'POST', url: '/me/contacts', body: { displayName: 'Batch Person' } },
    { id: 'missing', method: 'GET', url: '/me/contacts/c-nope' },
    { id: 'after', method: 'GET', url: '/me/status', dependsOn: ['missing'] },
    { id: 'ok', method: 'GET', url: '/me/contacts?$top=2', dependsOn: ['new'] },
  ]);
  assert.deepEqual(responses.map((r) => [r.id, r.status]), [['me', 200], ['new', 201], ['missing', 404], ['after', 424], ['ok', 200]]);
  assert.equal(responses[0].body.id, env.server.users[2].id);
  assert.equal(responses[1].body.displayName, 'Batch Person');
  assert.equal(responses[3].body.error.code, 'failedDependency');
  assert.equal(responses[4].body.value.length, 2);
  await env.server.clearRequests();
  const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: '/me' }));
  await assert.rejects(c.batch(tooMany), InvalidArgumentError);
  await assert.rejects(c.batch([{ id: 'a', method: 'GET', url: 'https://elsewhere/me' }]), InvalidArgumentError);
  await assert.rejects(c.batch([{ id: 'a', method: 'GET', url: '/me', dependsOn: ['later'] }]), InvalidArgumentError);
  assert.throws(() => c.batch('nope'), InvalidArgumentError);
  const sent = (await env.server.requests()).filter((r) => !r.path.startsWith('/_mock'));
  assert.deepEqual(sent, [], 'invalid batches are refused before any request');
});

test('Portable Contacts: filter, sort, paging, one entry', async () => {
  const c = await env.client(3);
  const all = await c.portableContacts.list({ count: 10 });
  assert.equal(all.startIndex, 1);
  assert.equal(all.itemsPerPage, 10);
  assert.equal(all.totalResults, 25);
  const sorted = await c.portableContacts.list({ sortBy: 'displayName', sortOrder: 'descending', count: 25 });
  const ascending = await c.portableContacts.list({ sortBy: 'displayName', sortOrder: 'ascending', count: 25 });
  const names = sorted.entry.map((e) => e.displayName);
  assert.equal(names.length, 25);
  assert.deepEqual(names, ascending.entry.map((e) => e.displayName).reverse());
  assert.notDeepEqual(names, ascending.entry.map((e) => e.displayName));
  const first = sorted.entry[0];
  const found = await c.portableContacts.list({ filterBy: 'displayName', filterOp: 'equals', filterValue: first.displayName });
  assert.ok(found.entry.some((e) => e.id === first.id));
  const second = await c.portableContacts.list({ startIndex: 11, count: 10 });
  assert.equal(second.startIndex, 11);
  assert.ok(second.entry.every((e) => !all.entry.some((x) => x.id === e.id)));
  const one = await c.portableContacts.get(first.id);
  assert.equal(one.id, first.id);
  await assert.rejects(c.portableContacts.get('c-nope'), NotFoundError);
  await assert.rejects(c.portableContacts.list({ filterBy: 'displayName', filterOp: 'resembles' }), InvalidArgumentError);
});
