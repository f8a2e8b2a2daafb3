// OAuth 2.0 / OpenID Connect through the mock: authorization code + PKCE + id token,
// device flow, client credentials, refresh with onTokens, revocation and introspection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Client, AuthError, AuthorizationRequest, ConfigError, InvalidArgumentError } from '../index.mjs';
import { fp, setup } from './helpers.mjs';

const REDIRECT = 'http://127.0.0.1/callback';
let env;
before(async () => {
  env = await setup();
});
after(() => env.teardown());

function newClient(app, extra = {}) {
  return env.track(new Client({ baseUrl: env.server.url, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: REDIRECT, ...extra }));
}

test('authorization code with PKCE, id token, userinfo, onTokens', async () => {
  for (const isPublic of [false, true]) {
    const app = await env.server.createApp({ public: isPublic });
    const seen = [];
    const client = newClient(app, { onTokens: (t) => seen.push(t) });
    const scopes = ['openid', 'profile', 'email', 'offline_access'];
    await env.server.grantConsent(0, app.clientId, scopes);
    const request = client.auth.authorizationUrl({ scopes, prompt: 'none', loginHint: env.server.users[0].email });
    assert.match(request.url, /code_challenge_method=S256/);
    assert.match(request.url, new RegExp(`client_id=${app.clientId}`));
    assert.ok(request.state && request.nonce && request.codeVerifier);
    assert.equal(request.redirectUri, REDIRECT);
    const redirect = await env.server.authorize(request.url);
    assert.match(redirect, /[?&]code=/);
    const tokens = await client.auth.exchangeCode(request, redirect);
    assert.ok(tokens.accessToken && tokens.refreshToken && tokens.idToken);
    assert.deepEqual(seen.length, 1);
    assert.equal(fp(seen[0].accessToken), fp(tokens.accessToken));
    assert.equal((await client.me()).id, env.server.users[0].id);
    const claims = await client.auth.validateIdToken(tokens.idToken, request.nonce);
    assert.equal(claims.sub, env.server.users[0].id);
    assert.equal(claims.aud, app.clientId);
    await assert.rejects(client.auth.validateIdToken(tokens.idToken, 'another nonce'), AuthError);
    const info = await client.auth.userinfo();
    assert.equal(info.sub, env.server.users[0].id);
    assert.equal(info.email, env.server.users[0].email);
    // A code is single-use.
    await assert.rejects(client.auth.exchangeCode(request, redirect), (e) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.code, 'invalid_grant');
      return true;
    });
  }
});

test('a started sign-in hides its code verifier when logged and survives a session store', async () => {
  const app = await env.server.createApp();
  const client = newClient(app);
  const scopes = ['profile', 'offline_access'];
  await env.server.grantConsent(0, app.clientId, scopes);
  const request = client.auth.authorizationUrl({ scopes, prompt: 'none', loginHint: env.server.users[0].email });
  assert.ok(request instanceof AuthorizationRequest);
  const verifier = request.codeVerifier;
  assert.ok(verifier.length >= 43);
  for (const shown of [inspect(request), String(request), JSON.stringify(request), inspect({ nested: { request } }, { depth: 5 })]) {
    assert.ok(!shown.includes(verifier), `verifier shown in ${shown}`);
    assert.match(shown, /redacted/);
  }
  assert.ok(inspect(request).includes(request.state), 'the other fields stay visible');
  // The redacted JSON form is refused before any request; the stored form completes the flow.
  await assert.rejects(
    async () => client.auth.exchangeCode(JSON.parse(JSON.stringify(request)), 'http://127.0.0.1/callback?code=x'),
    InvalidArgumentError,
  );
  const stored = JSON.parse(JSON.stringify(request.toStorage()));
  assert.equal(stored.codeVerifier, verifier);
  const redirect = await env.server.authorize(request.url);
  const tokens = await client.auth.exchangeCode(stored, redirect);
  assert.ok(tokens.accessToken);
  assert.equal(AuthorizationRequest.from(stored).codeVerifier, verifier);
});

test('authorization: state mismatch, denial and missing consent are AuthErrors', async () => {
  const app = await env.server.createApp();
  const client = newClient(app);
  const request = client.auth.authorizationUrl({ scopes: ['profile'], prompt: 'none', loginHint: env.server.users[1].email });
  const redirect = await env.server.authorize(request.url);
  assert.match(redirect, /error=consent_required/);
  await assert.rejects(client.auth.exchangeCode(request, redirect), (e) => e instanceof AuthError && e.code === 'consent_required');
  const forged = `${REDIRECT}?code=abc&state=forged`;
  await assert.rejects(client.auth.exchangeCode(request, forged), (e) => e instanceof AuthError && e.code === 'state_mismatch');
  // Without a redirect URI the flow cannot start.
  const noRedirect = env.track(new Client({ baseUrl: env.server.url, clientId: app.clientId }));
  assert.throws(() => noRedirect.auth.authorizationUrl({ scopes: ['profile'] }), ConfigError);
});

test('device flow: pending, then the user allows; a denial is access_denied', async () => {
  const app = await env.server.createApp();
  const client = newClient(app);
  const device = await client.auth.startDeviceAuthorization(['profile', 'offline_access']);
  assert.match(device.userCode, /\S+/);
  assert.match(device.verificationUri, /\/device$/);
  assert.equal(device.interval, 5);
  assert.deepEqual(await client.auth.pollDeviceTokenOnce(device), { status: 'pending' });
  await env.server.answerDeviceCode(device.userCode, 1, 'allow');
  // The mock answers slow_down to a poll sooner than `interval` after the last one.
  await env.server.advanceClock(10);
  const done = await client.auth.pollDeviceTokenOnce(device);
  assert.equal(done.status, 'complete');
  assert.ok(done.tokens.refreshToken);
  assert.equal((await client.me()).id, env.server.users[1].id);

  const denied = await client.auth.startDeviceAuthorization(['profile']);
  await env.server.answerDeviceCode(denied.userCode, 1, 'deny');
  await assert.rejects(client.auth.pollDeviceTokenOnce(denied), (e) => e instanceof AuthError && e.code === 'access_denied');
});

test('pollDeviceToken waits the interval and polls until the user has answered', async () => {
  const app = await env.server.createApp();
  const client = newClient(app);
  const device = await client.auth.startDeviceAuthorization(['profile']);
  // The user allows on the device page (before the first poll: the mock refuses a poll
  // sooner than `interval` after the last one, and this is the first).
  await env.server.answerDeviceCode(device.userCode, 2, 'allow');
  const devicePolls = async () => (await env.server.requests())
    .filter((r) => r.path === '/oauth/token' && r.grantType === 'urn:ietf:params:oauth:grant-type:device_code')
    .length;
  const before = await devicePolls();
  // The protocol's own wait, shortened to 1 s (core waits `interval`, at least 1 s, before
  // each poll; the server's interval only limits how often it may be polled).
  const tokens = await client.auth.pollDeviceToken({ ...device, interval: 1 });
  assert.ok(tokens.accessToken);
  assert.equal((await client.me()).id, env.server.users[2].id);
  assert.equal(await devicePolls(), before + 1);

  const denied = await client.auth.startDeviceAuthorization(['profile']);
  await env.server.answerDeviceCode(denied.userCode, 2, 'deny');
  await assert.rejects(client.auth.pollDeviceToken({ ...denied, interval: 1 }), (e) => e instanceof AuthError && e.code === 'access_denied');
});

test('client credentials, refresh with onTokens, revoke and introspect', async () => {
  const app = await env.server.createApp();
  const appOnly = newClient(app);
  const cc = await appOnly.auth.clientCredentials(['profile']);
  assert.ok(cc.accessToken);
  assert.equal(cc.refreshToken ?? null, null);
  const active = await appOnly.auth.introspectToken(cc.accessToken, 'access_token');
  assert.equal(active.active, true);
  assert.equal(active.client_id, app.clientId);

  const minted = await env.server.mintToken(2, ['profile', 'offline_access'], { app });
  const seen = [];
  let delivered;
  const called = new Promise((resolve) => { delivered = resolve; });
  const client = newClient(app, { tokens: minted.tokens, onTokens: (t) => { seen.push(t); delivered(); } });
  const renewed = await client.auth.refresh();
  assert.notEqual(fp(renewed.accessToken), fp(minted.tokens.accessToken));
  assert.notEqual(fp(renewed.refreshToken), fp(minted.tokens.refreshToken), 'the refresh token rotates');
  assert.deepEqual(fp(client.tokens.refreshToken), fp(renewed.refreshToken));
  // The callback is queued to the JS thread: wait for its first call.
  await called;
  assert.equal(seen.length, 1);
  assert.equal(fp(seen[0].refreshToken), fp(renewed.refreshToken));
  // Reusing the retired refresh token revokes the whole family.
  const stale = newClient(app, { tokens: minted.tokens });
  await assert.rejects(stale.auth.refresh(), (e) => e instanceof AuthError && e.code === 'invalid_grant');
  await assert.rejects(client.me(), AuthError);

  const fresh = await env.server.mintToken(2, ['profile', 'offline_access'], { app });
  const c2 = newClient(app, { tokens: fresh.tokens });
  await c2.auth.revokeToken(fresh.tokens.refreshToken, 'refresh_token');
  assert.equal((await appOnly.auth.introspectToken(fresh.tokens.accessToken)).active, false);
  assert.throws(() => c2.auth.revokeToken(''), InvalidArgumentError);
  assert.throws(() => c2.auth.revokeToken('x', 'bogus'), InvalidArgumentError);
});

test('secrets never appear in error messages', async () => {
  const app = await env.server.createApp();
  const minted = await env.server.mintToken(0, ['profile'], { app });
  const client = newClient(app, { tokens: minted.tokens, maxAttempts: 1 });
  await env.server.addFault({ method: 'GET', path: '/v1/me', kind: 'status', status: 401, count: 1 });
  const err = await client.me().catch((e) => e);
  assert.ok(err instanceof AuthError);
  for (const secret of [minted.tokens.accessToken, app.clientSecret]) {
    assert.ok(!err.message.includes(secret) && !JSON.stringify(err).includes(secret));
  }
  const badTokens = { accessToken: minted.tokens.accessToken, expiresAt: 'not a date' };
  assert.throws(() => new Client({ baseUrl: env.server.url, tokens: badTokens }), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.ok(!e.message.includes(minted.tokens.accessToken));
    return true;
  });
});
