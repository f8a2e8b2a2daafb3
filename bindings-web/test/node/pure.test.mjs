// Unit tests that need no server: OData escaping, query strings, error classes, token
// redaction, the single-flight refresh. They run against the built bundle (dist/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import {
  ApiError, AuthError, ConfigError, InvalidArgumentError, MessengerConnect, MessengerConnectError,
  NotFoundError, PreconditionFailedError, RateLimitedError, ResyncRequiredError, ServerError,
  TokenSet, TokenStoreError, ValidationError, ConflictError, literal, odata, queryString,
} from '../../dist/messenger-connect.js';

test('odata literals escape quotes, so input cannot change the filter', () => {
  assert.equal(literal("O'Brien"), "'O''Brien'");
  assert.equal(literal("x' or 1 eq 1 or 'a"), "'x'' or 1 eq 1 or ''a'");
  assert.equal(literal(null), 'null');
  assert.equal(literal(true), 'true');
  assert.equal(literal(42.5), '42.5');
  assert.equal(literal(new Date(Date.UTC(2025, 0, 2, 3, 4, 5))), '2025-01-02T03:04:05.000Z');
  assert.equal(literal(['a', "b'c"]), "('a','b''c')");
  assert.throws(() => literal(Number.NaN), InvalidArgumentError);
  const name = "Ada' or displayName ne '";
  assert.equal(
    String(odata`displayName eq ${name} and isFriend eq ${false}`),
    "displayName eq 'Ada'' or displayName ne ''' and isFriend eq false",
  );
});

test('queryString encodes every option and refuses bad numbers before any request', () => {
  const q = queryString({ filter: odata`id in ${['a', 'b']}`, orderby: ['displayName desc', 'id'], select: ['id', 'displayName'], top: 5, skip: 10, count: true, search: 'ada' });
  const p = new URLSearchParams(q.slice(1));
  assert.equal(p.get('$filter'), "id in ('a','b')");
  assert.equal(p.get('$orderby'), 'displayName desc,id');
  assert.equal(p.get('$select'), 'id,displayName');
  assert.equal(p.get('$top'), '5');
  assert.equal(p.get('$skip'), '10');
  assert.equal(p.get('$count'), 'true');
  assert.equal(p.get('$search'), 'ada');
  assert.equal(queryString({}), '');
  for (const top of [-1, 1.5, Number.NaN]) {
    assert.throws(() => queryString({ top }), (e) => e instanceof InvalidArgumentError && e.target === 'top');
  }
});

test('the error classes form the family hierarchy', () => {
  for (const C of [NotFoundError, AuthError, ValidationError, ConflictError, PreconditionFailedError, ResyncRequiredError, RateLimitedError, ServerError]) {
    const e = new C('m', { status: 400, code: 'c', requestId: 'r', target: 't', retryAfter: 3 });
    assert.ok(e instanceof ApiError && e instanceof MessengerConnectError && e instanceof Error, C.name);
    assert.equal(e.name, C.name);
    assert.deepEqual([e.status, e.code, e.requestId, e.target, e.retryAfter], [400, 'c', 'r', 't', 3]);
  }
  for (const C of [InvalidArgumentError, ConfigError, TokenStoreError]) {
    assert.ok(new C('m') instanceof MessengerConnectError && !(new C('m') instanceof ApiError), C.name);
  }
});

test('a TokenSet never prints its secrets', () => {
  const t = new TokenSet({ accessToken: 'at-SECRET-1', refreshToken: 'rt-SECRET-2', idToken: 'id-SECRET-3', expiresAt: 1e12, scope: 'openid chat' });
  for (const shown of [String(t), JSON.stringify(t), inspect(t), inspect({ t }, { depth: 5 }), `${t}`]) {
    assert.doesNotMatch(shown, /SECRET/, shown);
  }
  assert.match(String(t), /scope="openid chat"/);
  assert.equal(t.accessToken, 'at-SECRET-1', 'the secrets are readable on purpose');
  assert.equal(TokenSet.parse(t.serialize()).refreshToken, 'rt-SECRET-2', 'serialize() round-trips');
  assert.throws(() => TokenSet.parse('{"x":1}'), ConfigError);
});

test('bad options are refused before any request', () => {
  assert.throws(() => new MessengerConnect({ server: 'ftp://x', clientId: 'a', redirectUri: 'http://x/' }), (e) => e instanceof InvalidArgumentError && e.target === 'server');
  assert.throws(() => new MessengerConnect({ server: 'http://127.0.0.1:1', clientId: '', redirectUri: 'http://x/' }), (e) => e.target === 'clientId');
  assert.throws(() => new MessengerConnect({ server: 'http://example.com', clientId: 'a', redirectUri: 'http://x/' }), ConfigError, 'plain http only on loopback');
  const c = new MessengerConnect({ server: 'http://127.0.0.1:1', clientId: 'a', redirectUri: 'http://x/' });
  assert.throws(() => c.messages.send('c1', ''), (e) => e instanceof InvalidArgumentError && e.target === 'text');
  assert.throws(() => c.contacts.get(''), (e) => e instanceof InvalidArgumentError && e.target === 'id');
  return assert.rejects(c.me(), ConfigError, 'not signed in');
});
