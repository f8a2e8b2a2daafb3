// A certified OpenID Connect client library (panva's openid-client, which holds servers
// to OIDC Discovery 1.0 §4.3 and Core §3.1.3.7) against the mock: discovery, the
// authorization code flow with PKCE, id_token validation (signature by the JWKS, iss,
// aud, nonce), userinfo and refresh, reaching the mock as 127.0.0.1, as localhost and,
// through a second mock started with --public-url, by a service name. RFC 8414
// discovery (`algorithm: 'oauth2'`) too. Run through run.sh (MOCK_URL, MOCK_BIN).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import dns from 'node:dns';
import * as client from 'openid-client';

// `localhost` must reach the IPv4 loopback the mock binds.
dns.setDefaultResultOrder('ipv4first');

const BASE = (process.env.MOCK_URL ?? '').replace(/\/+$/, '');
const BIN = process.env.MOCK_BIN ?? '';
const TIMEOUT = 60_000;
const REDIRECT = 'http://127.0.0.1:9/cb';
const children = [];

after(() => {
  for (const c of children) c.kill('SIGTERM');
});

/** JSON call to a mock's control plane. */
async function control(base, method, path, json, fetchImpl = fetch) {
  const res = await fetchImpl(base + path, {
    method,
    headers: json ? { 'content-type': 'application/json' } : {},
    body: json ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * The whole relying-party flow against a mock whose issuer is `issuer`; `fetchImpl`
 * carries the requests to the process that serves it.
 */
async function signIn(issuer, fetchImpl, { algorithm = 'oidc' } = {}) {
  const { users } = await control(issuer, 'GET', '/_mock/users', undefined, fetchImpl);
  const app = await control(issuer, 'POST', '/_mock/clients', {
    name: 'openid-client', redirectUris: [REDIRECT], public: false,
  }, fetchImpl);
  const scope = 'openid profile email offline_access';
  await control(issuer, 'POST', '/_mock/consents', {
    userId: users[0].id, clientId: app.clientId, scopes: scope.split(' '),
  }, fetchImpl);

  const config = await client.discovery(new URL(issuer), app.clientId, app.clientSecret, undefined, {
    algorithm,
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
    [client.customFetch]: fetchImpl,
  });
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, issuer);
  assert.equal(meta.request_uri_parameter_supported, false);

  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    prompt: 'none',
    login_hint: users[0].id,
  });
  assert.ok(url.href.startsWith(`${issuer}/oauth/authorize?`), url.href);
  const res = await fetchImpl(url.href, { redirect: 'manual' });
  assert.equal(res.status, 303, await res.text());
  const callback = new URL(res.headers.get('location'));
  assert.ok(callback.searchParams.get('code'), callback.href);

  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, app.clientId);
  assert.equal(claims.sub, users[0].id);

  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, users[0].email);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token && refreshed.access_token !== tokens.access_token);
  assert.equal(refreshed.claims()?.iss ?? issuer, issuer);
  return meta;
}

test('openid-client signs in through 127.0.0.1', { timeout: TIMEOUT }, async () => {
  assert.ok(BASE.startsWith('http://127.0.0.1:'), `MOCK_URL is ${BASE}`);
  await signIn(BASE, fetch);
});

test('openid-client signs in through localhost: the issuer follows the name used', { timeout: TIMEOUT }, async () => {
  const issuer = BASE.replace('127.0.0.1', 'localhost');
  const meta = await signIn(issuer, fetch);
  assert.equal(meta.jwks_uri, `${issuer}/oauth/jwks`);
});

test('RFC 8414 discovery (algorithm oauth2) finds the same metadata', { timeout: TIMEOUT }, async () => {
  await signIn(BASE, fetch, { algorithm: 'oauth2' });
});

test('a mock started with --public-url is its issuer for a client that uses that name', { timeout: TIMEOUT }, async () => {
  assert.ok(BIN, 'MOCK_BIN must name the mock binary (use run.sh)');
  const child = spawn(BIN, ['--port', '0', '--public-url', 'http://mock.test'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`the mock exited (${code})`); }),
  ]);
  const local = line.trim();
  assert.ok(local.startsWith('http://127.0.0.1:'), local);
  // The client knows the mock as http://mock.test (a service name, or a proxy): this fetch
  // carries those requests to the process, as a container network or a proxy would.
  const viaServiceName = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    assert.equal(url.host, 'mock.test', `the client was sent to ${url.href}`);
    return fetch(local + url.pathname + url.search, init);
  };
  await signIn('http://mock.test', viaServiceName);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, 'the mock stops cleanly on SIGTERM');
});
