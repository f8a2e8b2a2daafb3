import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../index.mjs';
import { nextOfType, setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

test('events arrive, and survive a dropped socket', async () => {
  const [friend] = await c.friends.list().toArray();
  // The server drops the socket after its first frame; the client reconnects with
  // since=<seq> and misses nothing.
  await env.server.addFault({ path: '/v1/me/events', kind: 'closeSocket', afterFrames: 1, count: 1 });
  const events = await c.events();
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'first' });
  const first = await nextOfType(events, 'activity.created');
  assert.equal(first.data.content, 'first');
  assert.ok(Number.isInteger(first.seq));
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'second' });
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'third' });
  const second = await nextOfType(events, 'activity.created');
  const third = await nextOfType(events, 'activity.created');
  assert.deepEqual([second.data.content, third.data.content], ['second', 'third']);
  assert.ok(second.seq > first.seq && third.seq > second.seq);
  assert.ok((await events.reconnects()) >= 1, 'the socket was dropped and reconnected');
  events.close();
  assert.equal(await events.next(), null);
});

test('for await over events ends on close', async () => {
  const events = await c.events();
  await c.setStatus({ message: 'event me' });
  let got;
  for await (const e of events) {
    if (e.type === 'activity.created' && e.data.type === 'Status') {
      got = e;
      break;
    }
  }
  assert.equal(got.data.content, 'event me');
  assert.equal(await events.next(), null, 'closed by the loop');
});

test('typing reaches the other member, also while a next() is pending', async () => {
  const [friend] = await c.friends.list().toArray();
  const conv = await c.conversations.create([friend.id]);
  const friendClient = await env.client(env.server.users.findIndex((u) => u.id === friend.id));
  const theirs = await friendClient.events();
  const mine = await c.events();
  const pending = mine.next(); // holds the stream; typing must not wait for it
  await mine.typing(conv.id);
  const typing = await nextOfType(theirs, 'typing');
  assert.deepEqual(typing.data, { conversationId: conv.id, userId: env.server.users[0].id });
  assert.equal(typing.seq, null, 'typing is not logged');
  mine.close();
  assert.equal(await pending, null);
  await assert.rejects(mine.typing(''), InvalidArgumentError);
  theirs.close();
});

test('since resumes after the last seq; a seq older than the log gives resync', async () => {
  const long = await env.client(0, { expiresIn: 7 * 24 * 3600 });
  const [friend] = await long.friends.list().toArray();
  const first = await long.events();
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'seen' });
  const seen = await nextOfType(first, 'activity.created');
  assert.equal(await first.lastSeq(), seen.seq);
  first.close();
  // Missed while disconnected, replayed on resume, in order, nothing twice.
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'missed 1' });
  await env.server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'missed 2' });
  const resumed = await long.events({ since: seen.seq });
  const a = await nextOfType(resumed, 'activity.created');
  const b = await nextOfType(resumed, 'activity.created');
  assert.deepEqual([a.data.content, b.data.content], ['missed 1', 'missed 2']);
  assert.ok(a.seq > seen.seq && b.seq > a.seq);
  const last = await resumed.lastSeq();
  resumed.close();
  // A day later the log no longer reaches back: the first frame is resync.
  await env.server.advanceClock(25 * 3600);
  const late = await long.events({ since: seen.seq });
  const resync = await late.next();
  assert.equal(resync.type, 'resync');
  assert.ok(resync.seq >= last);
  late.close();
});
