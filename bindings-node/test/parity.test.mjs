// The parity defects of issue 15 (item 4) for Node, each against the real mock server:
// tokens never printed by console.log / util.inspect / String / JSON.stringify; the event
// stream's position readable after close() (also after `break`) and while a next() waits;
// arguments JSON cannot carry or core refuses fail before any request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Client, Filter, InvalidArgumentError, MessengerConnectError, TokenSet, TokenStoreError } from '../index.mjs';
import { nextOfType, setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

/** Every way a value gets printed or serialised by accident. */
function renderings(value) {
  return {
    inspect: inspect(value, { depth: 10 }),
    inspectShowHidden: inspect(value, { depth: 10, showHidden: true }),
    string: String(value),
    template: `${value}`,
    json: JSON.stringify(value),
    jsonNested: JSON.stringify({ saved: value, list: [value] }),
    inspectNested: inspect({ saved: value, list: [value] }, { depth: 10 }),
  };
}

function assertNoSecret(value, secrets) {
  for (const [how, text] of Object.entries(renderings(value))) {
    for (const secret of secrets.filter(Boolean)) {
      assert.ok(!text.includes(secret), `${how} printed a secret`);
    }
  }
}

test('a TokenSet never prints its tokens, but keeps them readable and storable', async () => {
  const tokens = c.tokens;
  assert.ok(tokens instanceof TokenSet);
  const secrets = [tokens.accessToken, tokens.refreshToken];
  assert.ok(secrets.every((s) => typeof s === 'string' && s.length > 8));
  assertNoSecret(tokens, secrets);
  assert.match(inspect(tokens), /accessToken: '\[redacted\]'/);
  assert.match(JSON.stringify(tokens), /"refreshToken":"\[redacted\]"/);
  // Not secret fields stay visible.
  assert.match(inspect(tokens), /tokenType/);
  // toStorage() is the form to persist; a client starts from it.
  const stored = JSON.parse(JSON.stringify(tokens.toStorage()));
  assert.equal(stored.accessToken, tokens.accessToken);
  const again = env.track(new Client({ baseUrl: env.server.url, tokens: stored }));
  assert.equal((await again.me()).id, env.server.users[0].id);
});

test('a redacted token set given back is refused, naming the argument', () => {
  const redacted = JSON.parse(JSON.stringify(c.tokens));
  assert.throws(() => new Client({ baseUrl: env.server.url, tokens: redacted }), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.target, 'tokens');
    assert.match(e.message, /toStorage/);
    return true;
  });
});

test('tokens from refresh, onTokens and TokenStoreError are redacted TokenSets', async () => {
  const { tokens: first, clientId, clientSecret } = await env.server.mintToken(1);
  const seen = [];
  const client = env.track(new Client({ baseUrl: env.server.url, clientId, clientSecret, tokens: first, onTokens: (t) => seen.push(t) }));
  const renewed = await client.auth.refresh();
  assert.ok(renewed instanceof TokenSet);
  assertNoSecret(renewed, [renewed.accessToken, renewed.refreshToken]);
  assert.equal(seen.length, 1);
  assert.ok(seen[0] instanceof TokenSet);
  assertNoSecret(seen[0], [seen[0].accessToken, seen[0].refreshToken]);

  const failing = env.track(new Client({
    baseUrl: env.server.url, clientId, clientSecret, tokens: renewed, onTokens: () => { throw new Error('disk full'); },
  }));
  const err = await failing.auth.refresh().then(() => null, (e) => e);
  assert.ok(err instanceof TokenStoreError, `got ${err}`);
  assert.ok(err.tokens instanceof TokenSet);
  assertNoSecret(err, [err.tokens.accessToken, err.tokens.refreshToken]);
});

test('lastSeq() and reconnects() answer while a next() is pending and after close()', async () => {
  const events = await c.events();
  const start = events.lastSeq();
  assert.ok(start === null || Number.isInteger(start), 'a position (or none) before any event');
  await c.setStatus({ message: 'position 1' });
  const first = await nextOfType(events, 'activity.created');
  assert.ok(Number.isInteger(first.seq));
  // With a next() waiting, the position is readable at once (a number, not a Promise).
  const pending = events.next();
  const during = events.lastSeq();
  assert.equal(typeof during, 'number');
  assert.ok(during >= first.seq);
  assert.equal(events.reconnects(), 0);
  events.close();
  const last = await pending; // an event already on its way, or null
  const after = events.lastSeq();
  assert.equal(typeof after, 'number', 'readable after close()');
  assert.ok(after >= during && (last === null || last.seq === null || after >= last.seq));
  assert.equal(await events.next(), null, 'closed');
  assert.equal(events.lastSeq(), after);
  assert.equal(events.reconnects(), 0);
  // Resuming from it misses nothing.
  await c.setStatus({ message: 'position 2' });
  const resumed = await c.events({ since: events.lastSeq() });
  const next = await nextOfType(resumed, 'activity.created');
  assert.equal(next.data.content, 'position 2');
  resumed.close();
});

test('lastSeq() is readable after break out of for await', async () => {
  const events = await c.events();
  await c.setStatus({ message: 'break here' });
  let seq = null;
  for await (const e of events) {
    if (e.type === 'activity.created' && e.data.content === 'break here') {
      seq = e.seq;
      break;
    }
  }
  assert.ok(Number.isInteger(seq));
  assert.equal(events.lastSeq(), seq);
  assert.equal(typeof events.reconnects(), 'number');
  assert.equal(await events.next(), null, 'closed by the loop');
});

/** The requests the mock received to /v1 or /oauth since `clearRequests`. */
async function apiRequests() {
  return (await env.server.requests()).filter((r) => /^\/(v1|oauth)\//.test(r.path));
}

test('a 1 MB Filter.eq value is refused before any request', async () => {
  await env.server.clearRequests();
  const huge = 'x'.repeat(1024 * 1024);
  assert.throws(() => c.contacts.list({ filter: Filter.eq('displayName', huge) }), (e) => {
    assert.ok(e instanceof InvalidArgumentError, `got ${e}`);
    assert.ok(e instanceof MessengerConnectError);
    assert.ok(e.target, 'names the argument');
    assert.ok(e.message.length < 1000, 'the message does not echo the value');
    return true;
  });
  await assert.rejects(c.contacts.listPage({ filter: Filter.eq('displayName', huge) }), InvalidArgumentError);
  // Under the JSON limit but over what a $filter may be: core names the field.
  const long = 'y'.repeat(5000);
  await assert.rejects(c.contacts.listPage({ filter: Filter.eq('displayName', long) }), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.target, 'filter.value');
    return true;
  });
  assert.deepEqual(await apiRequests(), []);
});

test('circular and BigInt arguments are InvalidArgumentError naming the argument, before any request', async () => {
  await env.server.clearRequests();
  const circular = { displayName: 'Loop' };
  circular.self = circular;
  const cases = [
    ['contact', () => c.contacts.create(circular)],
    ['contact', () => c.contacts.create({ displayName: 'Big', age: 10n })],
    ['options', () => c.contacts.listPage({ filter: Filter.eq('displayName', 1n) })],
    ['options', () => c.contacts.list({ top: 5n })],
    ['update', () => c.updateMe(circular)],
    ['requests', () => c.batch([{ id: '1', method: 'GET', url: '/me', body: { n: 1n } }])],
  ];
  for (const [target, run] of cases) {
    let err = null;
    try {
      await run();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof InvalidArgumentError, `${target}: got ${err}`);
    assert.equal(err.target, target);
    assert.equal(err.kind, 'invalidArgument');
    assert.match(err.message, new RegExp(`\`${target}\``));
  }
  assert.deepEqual(await apiRequests(), []);
});
