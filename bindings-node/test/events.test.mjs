import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

async function nextOfType(events, type) {
  for (;;) {
    const e = await events.next();
    assert.notEqual(e, null, `stream ended before ${type}`);
    if (e.type === type) return e;
  }
}

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
