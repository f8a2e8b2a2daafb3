// A TypeScript user file, type-checked (tsc --noEmit, module nodenext) against the types
// of the installed `messenger-connect` package. It is not run: smoke.mjs does that.
import { Client, type Contact, NotFoundError } from 'messenger-connect';
import { MockServer } from 'messenger-connect/testing';

const server: MockServer = await MockServer.start({ users: 1, contactsPerUser: 3 });
const { tokens, clientId, clientSecret } = await server.mintToken(0);
const client: Client = new Client({ baseUrl: server.url, clientId, clientSecret, tokens });
const first: Contact[] = await client.contacts.list({ top: 3 }).toArray();
const name: string | undefined = first[0]?.displayName;
try {
  await client.contacts.get('missing');
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
}
console.log(name);
await client.close();
await server.close();
