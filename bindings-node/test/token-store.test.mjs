// A failing onTokens (DESIGN §3, "Token store failures"): throwing or rejecting fails the
// call that obtained the new tokens with TokenStoreError (`tokens`, `cause`); the client
// keeps using them; saving them again lets the next run go on; the server never sees a
// retired refresh token (no invalid_grant).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, TokenStoreError, MessengerConnectError } from '../index.mjs';
import { fp, setup } from './helpers.mjs';

let env;
before(async () => {
  env = await setup();
});
after(() => env.teardown());

async function tokenErrors() {
  const journal = await env.server.requests();
  return journal.filter((r) => r.path === '/oauth/token' && r.status !== 200);
}

for (const style of ['throws', 'rejects']) {
  test(`onTokens that ${style} fails the call with TokenStoreError`, async () => {
    const user = style === 'throws' ? 0 : 1;
    const { tokens: first, clientId, clientSecret } = await env.server.mintToken(user);
    await env.server.advanceClock(2 * 3600); // expired on the server: the call refreshes
    const saved = [];
    let failures = 1;
    const onTokens = async (t) => {
      if (failures > 0) {
        failures -= 1;
        if (style === 'throws') throw new Error('database or disk is full');
        await new Promise((resolve) => setImmediate(resolve));
        return Promise.reject(new RangeError('lock timeout'));
      }
      saved.push(t);
    };
    const client = env.track(new Client({ baseUrl: env.server.url, clientId, clientSecret, tokens: first, onTokens }));
    const err = await client.me().then(() => null, (e) => e);
    assert.ok(err instanceof TokenStoreError, `got ${err}`);
    assert.ok(err instanceof MessengerConnectError);
    assert.ok(err.cause instanceof (style === 'throws' ? Error : RangeError));
    assert.match(err.message, style === 'throws' ? /disk is full/ : /lock timeout/);
    assert.notEqual(fp(err.tokens.refreshToken), fp(first.refreshToken));
    assert.ok(!err.message.includes(err.tokens.refreshToken) && !err.message.includes(err.tokens.accessToken));
    assert.equal(fp(client.tokens.refreshToken), fp(err.tokens.refreshToken));
    // The client goes on with the new tokens; the caller saves them itself.
    assert.equal((await client.me()).id, env.server.users[user].id);
    saved.push(client.tokens);
    // The next run starts from what was saved.
    await env.server.advanceClock(2 * 3600);
    const again = env.track(new Client({ baseUrl: env.server.url, clientId, clientSecret, tokens: saved.at(-1), onTokens }));
    assert.equal((await again.me()).id, env.server.users[user].id);
    assert.notEqual(fp(saved.at(-1).refreshToken), fp(err.tokens.refreshToken));
    assert.deepEqual(await tokenErrors(), []);
  });
}
