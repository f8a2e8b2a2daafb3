// setLogger: core's tracing events reach a JS handler (retries with their status, token
// refreshes), at the level asked for, never with a secret; setLogger(null) stops them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { InvalidArgumentError, setLogger } from '../index.mjs';
import { setup } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(async () => {
  setLogger(null);
  await env.teardown();
});

/** Waits (bounded) until `records` has one that `match` accepts. */
async function waitFor(records, match, what) {
  const deadline = Date.now() + 10_000;
  while (!records.some(match)) {
    assert.ok(Date.now() < deadline, `no log record ${what} within 10 s (got ${records.length})`);
    await tick();
  }
  return records.find(match);
}

test('retries and refreshes are logged with their fields, without a secret', async () => {
  const records = [];
  setLogger((r) => records.push(r), { level: 'debug' });
  const { tokens, clientId, clientSecret } = await env.server.mintToken(0);
  const c = await env.client(0);
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  assert.equal((await c.me()).id, env.server.users[0].id);
  const retry = await waitFor(records, (r) => r.target === 'messenger_connect::http' && r.message === 'retrying', 'of a retry');
  assert.equal(retry.level, 'info');
  assert.equal(retry.fields.status, 503);
  assert.equal(retry.fields.method, 'GET');
  assert.equal(retry.fields.path, '/v1/me');
  assert.equal(retry.fields.attempt, 1);
  assert.equal(typeof retry.fields.request_id, 'string');
  await waitFor(records, (r) => r.level === 'debug' && r.message === 'response' && r.fields.status === 200, 'of the response at debug');

  const renewed = await c.auth.refresh();
  await waitFor(records, (r) => r.target === 'messenger_connect::auth', 'of the refresh');
  const text = JSON.stringify(records);
  for (const secret of [tokens.accessToken, tokens.refreshToken, renewed.accessToken, renewed.refreshToken, clientSecret]) {
    assert.ok(!text.includes(secret), 'a secret in a log record');
  }
  assert.ok(clientId);
});

test('the level filters, and setLogger(null) stops the records', async () => {
  const records = [];
  setLogger((r) => records.push(r), { level: 'info' });
  const c = await env.client(1);
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  await c.me();
  await waitFor(records, (r) => r.message === 'retrying', 'of the retry at info');
  assert.deepEqual(records.filter((r) => r.level === 'debug' || r.level === 'trace'), [], 'nothing below info');

  setLogger(null);
  records.length = 0;
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  await c.me();
  // The records of the call would have been queued before it resolved; let the queue drain.
  for (let i = 0; i < 50; i++) await tick();
  assert.deepEqual(records, []);
});

test('bad setLogger arguments are InvalidArgumentError', () => {
  assert.throws(() => setLogger('console'), InvalidArgumentError);
  assert.throws(() => setLogger(() => {}, { level: 'verbose' }), (e) => e instanceof InvalidArgumentError && e.target === 'level');
});
