import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ResyncRequiredError, ValidationError, Filter, InvalidArgumentError } from '../index.mjs';
import { setup, serverContactCount } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup({ contactsPerUser: 95 });
  c = await env.client(0);
});
after(() => env.teardown());

test('pagination yields every item exactly once', async () => {
  const ids = [];
  for await (const contact of c.contacts.list({ top: 10, orderby: 'displayName desc' })) ids.push(contact.id);
  assert.equal(ids.length, 95);
  assert.equal(new Set(ids).size, 95);
  const pages = [];
  for await (const page of c.contacts.list({ top: 10 }).pages()) pages.push(page);
  assert.equal(pages.length, 10);
  assert.ok(pages.slice(0, -1).every((p) => p.items.length === 10 && p.nextLink));
  assert.equal(pages.at(-1).nextLink, null);
  assert.deepEqual(new Set(pages.flatMap((p) => p.items.map((i) => i.id))), new Set(ids));
});

test('resume from a stored nextLink', async () => {
  const first = await c.contacts.listPage({ top: 40 });
  assert.equal(first.items.length, 40);
  const rest = await c.contacts.from(first.nextLink).toArray();
  assert.equal(rest.length, 55);
  const all = new Set([...first.items, ...rest].map((x) => x.id));
  assert.equal(all.size, 95);
});

test('filters escape literals', async () => {
  await c.contacts.create({ displayName: "Seán O'Brien" });
  const found = await c.contacts.list({ filter: Filter.and(Filter.startswith('displayName', "Seán O'"), Filter.ne('displayName', 'x')) }).toArray();
  assert.equal(found.length, 1);
  assert.equal(found[0].displayName, "Seán O'Brien");
});

test('delta sync with a stored link, then ResyncRequiredError', async () => {
  const full = await c.contacts.sync();
  assert.ok(full.upserts.length >= 95);
  assert.match(full.deltaLink, /deltatoken/i);
  const added = await c.contacts.create({ displayName: 'Delta Person' });
  const victim = full.upserts[0].id;
  await c.contacts.delete(victim);
  const round = await c.contacts.sync({ deltaLink: full.deltaLink });
  assert.deepEqual(round.upserts.map((x) => x.id), [added.id]);
  assert.deepEqual(round.removed, [victim]);
  assert.notEqual(round.deltaLink, full.deltaLink);
  // A change, then past the change log's retention (7 days): the link is too old.
  const longLived = await env.client(0, { expiresIn: 30 * 24 * 3600 });
  await longLived.contacts.create({ displayName: 'Old Change' });
  await env.server.advanceClock(8 * 24 * 3600);
  await assert.rejects(longLived.contacts.sync({ deltaLink: round.deltaLink }), (e) => {
    assert.ok(e instanceof ResyncRequiredError);
    assert.equal(e.status, 410);
    assert.equal(e.code, 'resyncRequired');
    return true;
  });
});

test('filter strings are sent as-is (Filter.raw)', async () => {
  await c.contacts.create({ displayName: 'Raw Filter Person' });
  const byString = await c.contacts.list({ filter: "displayName eq 'Raw Filter Person'" }).toArray();
  assert.equal(byString.length, 1);
  const byRaw = await c.contacts.list({ filter: Filter.and(Filter.raw("startswith(displayName, 'Raw F')"), Filter.ne('displayName', 'x')) }).toArray();
  assert.deepEqual(byRaw.map((x) => x.id), byString.map((x) => x.id));
  await assert.rejects(c.contacts.list({ filter: 'displayName eq' }).toArray(), (e) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.code, 'invalidFilter');
    return true;
  });
  assert.throws(() => c.contacts.list({ filter: 'a\u0000b' }), InvalidArgumentError);
});

test('delta pages with a page size, resumed from the deltaLink of the last page', async () => {
  const pages = [];
  for await (const page of c.contacts.delta({ pageSize: 30 }).pages()) pages.push(page);
  assert.ok(pages.length >= 4);
  assert.ok(pages.slice(0, -1).every((p) => p.items.length === 30 && p.nextLink && !p.deltaLink));
  const deltaLink = pages.at(-1).deltaLink;
  assert.match(deltaLink, /deltatoken/i);
  const total = pages.reduce((n, p) => n + p.items.length, 0);
  assert.equal(total, await serverContactCount(env.server, 0));
  const added = await c.contacts.create({ displayName: 'Paged Delta' });
  const gone = pages[0].items[0].id;
  await c.contacts.delete(gone);
  const changes = await c.contacts.delta({ deltaLink }).toArray();
  assert.deepEqual(changes.filter((x) => !x['@removed']).map((x) => x.id), [added.id]);
  assert.deepEqual(changes.filter((x) => x['@removed']).map((x) => x.id), [gone]);
  assert.equal(changes.find((x) => x['@removed'])['@removed'].reason, 'deleted');
  assert.throws(() => c.contacts.delta({ pageSize: 0 }), InvalidArgumentError);
  assert.throws(() => c.contacts.delta({ pageSize: 1001 }), InvalidArgumentError);
});

test('one request per page (the typed stream core builds the first URL with sends nothing)', async () => {
  await env.server.clearRequests();
  const ids = [];
  for await (const contact of c.contacts.list({ top: 25, orderby: 'displayName' })) ids.push(contact.id);
  const gets = (await env.server.requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/v1/me/contacts'));
  assert.equal(gets.length, Math.ceil(ids.length / 25));
  assert.equal(new Set(ids).size, ids.length);
});

test('a reset connection and a truncated page mid-listing are retried: every item once', async () => {
  const expected = await serverContactCount(env.server, 0); // before the faults are armed
  await env.server.addFault({ method: 'GET', path: '/v1/me/contacts', kind: 'reset', count: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me/contacts', kind: 'truncated', count: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me/contacts', kind: 'malformed', count: 1 });
  await env.server.clearRequests();
  const ids = await c.contacts.list({ top: 20 }).toArray().then((xs) => xs.map((x) => x.id));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(ids.length, expected);
  const statuses = (await env.server.requests()).filter((r) => r.method === 'GET' && r.path === '/v1/me/contacts');
  assert.equal(statuses.length, Math.ceil(expected / 20) + 3, 'three retried attempts');
});
