// The same first program in CommonJS (require): scripts/release.sh runs it in the clean
// folder next to smoke.mjs.
'use strict';
const assert = require('node:assert/strict');
const { Client, NotFoundError } = require('messenger-connect');
const { MockServer } = require('messenger-connect/testing');

async function main() {
  const server = await MockServer.start({ users: 2, contactsPerUser: 5 });
  try {
    const { tokens, clientId, clientSecret } = await server.mintToken(0);
    const client = new Client({ baseUrl: server.url, clientId, clientSecret, tokens });
    assert.ok(client instanceof Client);
    const me = await client.me();
    const contacts = await client.contacts.list({ top: 5 }).toArray();
    await assert.rejects(client.contacts.get('no-such-contact'), NotFoundError);
    console.log(`node (CJS): signed in as ${me.displayName}; ${contacts.length} contacts; a missing one is a NotFoundError`);
    await client.close();
  } finally {
    await server.close();
  }
}

main().catch((e) => {
  console.error('smoke.cjs failed:', e);
  process.exit(1);
});
