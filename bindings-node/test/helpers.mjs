// Shared fixtures: one in-process MockServer per test file, a client per user.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Client } from '../index.mjs';
import { MockServer } from '../testing.mjs';

export async function setup(options = {}) {
  const server = await MockServer.start({
    seed: 7,
    users: 3,
    contactsPerUser: 25,
    friendsPerUser: 2,
    activitiesPerUser: 3,
    ...options,
  });
  const clients = [];
  async function client(user = 0, extra = {}) {
    const { tokens, clientId, clientSecret } = await server.mintToken(user, extra.scopes, { expiresIn: extra.expiresIn });
    const c = new Client({ baseUrl: server.url, clientId, clientSecret, tokens, ...extra.options });
    clients.push(c);
    return c;
  }
  /** Closes `c` at teardown. */
  function track(c) {
    clients.push(c);
    return c;
  }
  async function teardown() {
    for (const c of clients) await c.close();
    await server.close();
  }
  return { server, client, track, teardown };
}

/** A short fingerprint of a token, for assertions: a failing comparison prints
 * fingerprints, never the tokens themselves. */
export function fp(secret) {
  return secret ? createHash('sha256').update(String(secret)).digest('hex').slice(0, 12) : String(secret);
}

/** How many contacts the server holds for seeded user `user`, read with a plain `fetch`
 * of `$count` and a token minted for it now (an oracle independent of the client under
 * test, and of the mock clock's moves). */
export async function serverContactCount(server, user = 0) {
  const accessToken = (await server.mintToken(user)).tokens.accessToken;
  const r = await fetch(`${server.url}/v1/me/contacts?$count=true&$top=1`, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(typeof body['@odata.count'], 'number');
  return body['@odata.count'];
}

/** The next event of `type` from a subscription (others are skipped). */
export async function nextOfType(events, type) {
  for (;;) {
    const e = await events.next();
    assert.notEqual(e, null, `stream ended before ${type}`);
    if (e.type === type) return e;
  }
}
