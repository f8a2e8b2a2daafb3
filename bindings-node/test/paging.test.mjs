import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ResyncRequiredError, Filter } from '../index.mjs';
import { setup } from './helpers.mjs';

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
