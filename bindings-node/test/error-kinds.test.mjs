// Every case of spec/scenarios/error-kinds.json (the cross-binding fixture of core's error
// table) through this binding, against the real in-process mock server: the class raised
// (and each of its ancestors), kind, status, code, target, retryAfter, request id, and
// "sent: false" read from the mock's journal. Plus the hierarchy itself, from the file's
// `classes`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as mc from '../index.mjs';
import { MockServer } from '../testing.mjs';

const { Client } = mc;
const fixture = JSON.parse(readFileSync(new URL('../../spec/scenarios/error-kinds.json', import.meta.url), 'utf8'));
const parentOf = Object.fromEntries(fixture.classes.map((c) => [c.class, c.parent ?? 'MessengerConnectError']));

let server;
before(async () => {
  server = await MockServer.start({ seed: 11, users: 2, contactsPerUser: 3, friendsPerUser: 1, activitiesPerUser: 1 });
});
after(() => server.close());

test('the classes are core\'s hierarchy, one exported class per kind', () => {
  for (const { class: name, kind, parent } of fixture.classes) {
    const Cls = mc[name];
    assert.equal(typeof Cls, 'function', `${name} is exported`);
    assert.equal(Cls.name, name);
    assert.equal(Object.getPrototypeOf(Cls), mc[parent ?? 'MessengerConnectError'], `${name} extends ${parent}`);
    const e = new Cls('m', { kind });
    assert.ok(e instanceof mc.MessengerConnectError && e instanceof Error);
    assert.equal(e.name, name);
  }
});

/** A loopback port nothing listens on. */
async function closedPort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** The client of a case's `setup` (built by the `build` operation itself). */
async function clientOptions(setup) {
  const tokensOf = setup.tokens ?? 'valid';
  const minted = await server.mintToken(0, setup.scopes, { expiresIn: setup.tokenLifetimeSeconds });
  let tokens;
  if (tokensOf === 'valid') tokens = minted.tokens;
  else if (tokensOf === 'unknownAccessToken') tokens = { accessToken: 'never-issued-access-token' };
  else if (tokensOf === 'unknownRefreshToken') {
    tokens = { ...minted.tokens.toStorage(), refreshToken: 'never-issued-refresh-token', expiresAt: new Date(Date.now() - 3600_000).toISOString() };
  } else if (tokensOf === 'accessOnly') tokens = { accessToken: minted.tokens.accessToken };
  else assert.equal(tokensOf, 'none', `unknown setup.tokens ${tokensOf}`);
  let baseUrl = server.url;
  if (setup.server === 'closed') baseUrl = `http://127.0.0.1:${await closedPort()}`;
  if (setup.baseUrl) baseUrl = setup.baseUrl;
  const options = {
    baseUrl,
    clientId: minted.clientId,
    clientSecret: setup.clientSecret === 'wrong' ? 'not-the-secret' : minted.clientSecret,
  };
  if (tokens) options.tokens = tokens;
  if (setup.retries === false) options.maxAttempts = 1;
  if (setup.requestTimeoutMs) options.requestTimeoutMs = setup.requestTimeoutMs;
  return options;
}

/** The fixture's client operations. */
const operations = {
  me: (c) => c.me(),
  getContact: (c, a) => c.contacts.get(a.id),
  listContacts: (c, a) => c.contacts.listPage(a.query),
  createContact: (c, a) => c.contacts.create(a.contact),
  updateContact: (c, a) => c.contacts.update(a.id, a.update, { ifMatch: a.ifMatch }),
  createActivity: (c, a) => c.activities.create(a.activity, { idempotencyKey: a.idempotencyKey }),
  syncContacts: (c, a) => c.contacts.sync({ deltaLink: a.deltaLink }),
  refreshTokens: (c) => c.auth.refresh(),
  clientCredentials: (c, a) => c.auth.clientCredentials(a.scopes),
};

/** `${name}` in the string arguments replaced by saved values. */
function substitute(value, saved) {
  if (typeof value === 'string') return value.replace(/\$\{(\w+)\}/g, (_, k) => saved[k]);
  if (Array.isArray(value)) return value.map((v) => substitute(v, saved));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved)]));
  return value;
}

async function runCase(c) {
  const setup = c.setup ?? {};
  await server.clearFaults();
  const options = await clientOptions(setup);
  const saved = {};
  let client;
  const build = () => {
    client = new Client(options);
    return client;
  };
  try {
    if (c.call.op !== 'build') build();
    for (const step of c.steps ?? []) {
      if (step.advanceClockSeconds !== undefined) {
        await server.advanceClock(step.advanceClockSeconds);
        continue;
      }
      const result = await operations[step.op](client, substitute(step.args ?? {}, saved));
      for (const [variable, field] of Object.entries(step.save ?? {})) saved[variable] = result[field];
    }
    for (const fault of setup.faults ?? []) await server.addFault(fault);
    await server.clearRequests();
    const op = c.call.op === 'build' ? build : operations[c.call.op];
    assert.ok(op, `unknown operation ${c.call.op}`);
    let err = null;
    try {
      await op(client, substitute(c.call.args ?? {}, saved));
    } catch (e) {
      err = e;
    }
    const x = c.expect;
    assert.ok(err, `expected ${x.class}, but the call succeeded`);
    assert.equal(err.constructor.name, x.class, `class (got ${err.constructor.name}: ${err.message})`);
    for (let name = x.class; name; name = parentOf[name]) {
      assert.ok(err instanceof mc[name], `an instance of ${name}`);
    }
    assert.ok(err instanceof mc.MessengerConnectError);
    assert.equal(err.kind, x.kind, 'kind');
    assert.equal(err.status, x.status, 'status');
    assert.equal(err.code, x.code, 'code');
    if ('target' in x) assert.equal(err.target, x.target, 'target');
    if ('retryAfter' in x) assert.equal(err.retryAfter, x.retryAfter, 'retryAfter');
    assert.equal(typeof err.requestId === 'string' && err.requestId.length > 0, x.hasRequestId, 'hasRequestId');
    assert.ok(typeof err.message === 'string' && err.message.length > 0, 'a message');
    if (x.sent === false) {
      const sent = (await server.requests()).filter((r) => /^\/(v1|oauth)\//.test(r.path));
      assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), [], 'no request was sent');
    }
  } finally {
    await client?.close();
    await server.clearFaults();
  }
}

for (const c of fixture.cases) {
  test(`error kind: ${c.name}`, () => runCase(c));
}

test('every case of the fixture ran (none skipped)', () => {
  assert.ok(fixture.cases.length >= 37, `${fixture.cases.length} cases`);
  assert.equal(fixture.skip?.node, undefined);
});
