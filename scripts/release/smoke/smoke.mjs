// A first ESM program of a user of the installed `messenger-connect` npm packages: starts
// the embedded mock server, signs a client in, reads the profile, syncs contacts, posts a
// feed item. Exits non-zero (with the reason) if anything is off. Run by
// scripts/release.sh in a clean folder that installed the two tarballs.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { Client } from 'messenger-connect';
import { MockServer } from 'messenger-connect/testing';

const require = createRequire(import.meta.url);
const where = require.resolve('messenger-connect');
assert.match(where, /node_modules\/messenger-connect\//, `resolved ${where}, not the installed package`);
const addon = require.resolve('@messenger-connect/linux-x64-gnu');

const server = await MockServer.start({ users: 2, contactsPerUser: 30 });
try {
  const { tokens, clientId, clientSecret } = await server.mintToken(0);
  const client = new Client({ baseUrl: server.url, clientId, clientSecret, tokens });
  assert.ok(client instanceof Client);
  const me = await client.me();
  const round = await client.contacts.sync();
  assert.equal(round.upserts.length, 30);
  const item = await client.activities.create({ type: 'Note', content: 'installed from the artifact' });
  console.log(`node (ESM): signed in as ${me.displayName}; ${round.upserts.length} contacts; posted ${item.id}; addon ${addon}`);
  await client.close();
} finally {
  await server.close();
}
