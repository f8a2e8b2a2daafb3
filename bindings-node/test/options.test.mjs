// `withOptions`: per-call options (timeouts, retry policy) and an AbortSignal on a view of a
// client; the retry options of `new Client`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as pause } from 'node:timers/promises';
import { Client, InvalidArgumentError, RateLimitedError, ServerError, TimeoutError } from '../index.mjs';
import { setup } from './helpers.mjs';

let env;
let c;
before(async () => {
  env = await setup();
  c = await env.client(0);
});
after(() => env.teardown());

/** Arms a fault holding `path` for `ms`; resolves once a request met it (bounded). */
async function holdNext(path, ms = 20000) {
  const { id } = await env.server.addFault({ method: 'GET', path, kind: 'delay', delayMs: ms, count: 1 });
  return {
    async arrived() {
      const until = Date.now() + 20000;
      for (;;) {
        const { faults } = await env.server.call('faults');
        if (faults.find((f) => f.id === id)?.fired > 0) return;
        if (Date.now() > until) throw new Error(`no request reached ${path} in 20 s`);
        await pause(5);
      }
    },
  };
}

const apiRequests = async () => (await env.server.requests()).filter((r) => r.path.startsWith('/v1/'));

test('an abort ends a pending call with signal.reason; later calls send nothing', async () => {
  const controller = new AbortController();
  const view = c.withOptions({ signal: controller.signal });
  assert.equal((await view.me()).id, env.server.users[0].id, 'the same user');

  const held = await holdNext('/v1/me/status');
  const pending = view.status();
  await held.arrived();
  const started = Date.now();
  controller.abort();
  await assert.rejects(pending, (e) => {
    assert.equal(e.name, 'AbortError');
    assert.equal(e, controller.signal.reason);
    return true;
  });
  assert.ok(Date.now() - started < 5000, 'ended by the abort, not by the server');

  await env.server.clearRequests();
  await assert.rejects(view.me(), (e) => e === controller.signal.reason);
  assert.deepEqual(await apiRequests(), [], 'nothing sent after the abort');
  assert.equal((await c.me()).id, env.server.users[0].id, 'the client itself goes on');
  await env.server.clearFaults();
});

test('an aborted signal with a reason: the reason, before any request', async () => {
  await env.server.clearRequests();
  const reason = new Error('shutting down');
  const view = c.withOptions({ signal: AbortSignal.abort(reason) });
  await assert.rejects(view.me(), (e) => e === reason);
  await assert.rejects(view.contacts.list().toArray(), (e) => e === reason);
  assert.deepEqual(await apiRequests(), []);
});

test('an abort ends a pending page fetch and the live events of the view', async () => {
  const controller = new AbortController();
  const view = c.withOptions({ signal: controller.signal });
  const held = await holdNext('/v1/me/contacts');
  const listing = view.contacts.list({ top: 5 }).toArray();
  await held.arrived();
  controller.abort();
  await assert.rejects(listing, (e) => e.name === 'AbortError');

  const live = new AbortController();
  const events = await c.withOptions({ signal: live.signal }).events();
  const next = events.next();
  live.abort();
  assert.equal(await next, null, 'the subscription closed');
  await env.server.clearFaults();
});

test('closing a subscription removes its listener from the view\'s signal', async () => {
  const controller = new AbortController();
  const view = c.withOptions({ signal: controller.signal });
  const before = getEventListeners(controller.signal, 'abort').length;
  const events = await view.events();
  assert.equal(getEventListeners(controller.signal, 'abort').length, before + 1);
  events.close();
  events.close();
  assert.equal(getEventListeners(controller.signal, 'abort').length, before, 'the listener was removed');
  assert.equal(controller.signal.aborted, false);
});

test('a view has its own retry policy and timeouts; the client keeps its own', async () => {
  const once = c.withOptions({ maxAttempts: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  await assert.rejects(once.me(), ServerError);
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 503, count: 1 });
  assert.equal((await c.me()).id, env.server.users[0].id, 'the client retried');

  const impatient = once.withOptions({ totalTimeoutMs: 300 });
  await holdNext('/v1/me/status', 3000);
  const started = Date.now();
  await assert.rejects(impatient.status(), TimeoutError);
  assert.ok(Date.now() - started < 2500, `the view's timeout ended it (${Date.now() - started} ms)`);
  await env.server.clearFaults();
});

test('the retry options of new Client: a Retry-After longer than maxRetryAfterMs is not waited for', async () => {
  const { tokens } = await env.server.mintToken(0);
  const strict = env.track(new Client({ baseUrl: env.server.url, tokens, maxRetryAfterMs: 500 }));
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 429, retryAfter: 30, count: 1 });
  const started = Date.now();
  await assert.rejects(strict.me(), (e) => e instanceof RateLimitedError && e.retryAfter === 30);
  assert.ok(Date.now() - started < 10000, 'gave up at once');
  await env.server.clearFaults();
});

test('invalid options throw InvalidArgumentError before any request', async () => {
  await env.server.clearRequests();
  assert.throws(() => c.withOptions(null), InvalidArgumentError);
  assert.throws(() => c.withOptions({ maxAttempts: 0 }), InvalidArgumentError);
  assert.throws(() => c.withOptions({ totalTimeoutMs: 0 }), InvalidArgumentError);
  assert.throws(() => c.withOptions({ totalTimeoutMs: -1 }), InvalidArgumentError);
  assert.throws(() => c.withOptions({ signal: { aborted: false } }), InvalidArgumentError);
  assert.throws(() => c.withOptions({ timeout: 5 }), /timeout/);
  assert.throws(() => c.withOptions({ requestTimeoutMs: 2 ** 40 }), InvalidArgumentError);
  c.withOptions({ initialBackoffMs: 0, maxRetryAfterMs: 0 }); // no wait is allowed
  assert.throws(() => new Client({ baseUrl: env.server.url, maxBackoffMs: -1 }), InvalidArgumentError);
  assert.deepEqual(await apiRequests(), []);
});
