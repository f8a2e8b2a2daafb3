// Typed usage, checked by `tsc --noEmit` (never run).
import { Client, Filter, ResyncRequiredError, RateLimitedError, type Activity, type TokenSet } from 'messenger-connect';
import { MockServer } from 'messenger-connect/testing';

export async function usage(): Promise<void> {
  const server = await MockServer.start({ seed: 1, users: 2, friendsPerUser: 1 });
  const { tokens, clientId } = await server.mintToken(0);
  let saved: TokenSet | undefined;
  const client = new Client({ baseUrl: server.url, clientId, tokens, onTokens: (t) => { saved = t; } });
  const posted: Activity = await client.activities.create({ type: 'Note', content: 'hello' });
  console.log(posted.id, saved?.accessToken);
  for await (const item of client.feed.list({ top: 50 })) console.log(item.actor.displayName);
  for await (const page of client.contacts.list({ filter: Filter.startswith('displayName', "O'B"), orderby: 'displayName desc' }).pages()) {
    console.log(page.items.length, page.nextLink);
  }
  let round = await client.contacts.sync();
  try {
    round = await client.contacts.sync({ deltaLink: round.deltaLink });
  } catch (e) {
    if (e instanceof ResyncRequiredError) round = await client.contacts.sync();
    else if (e instanceof RateLimitedError) console.log(e.retryAfter, e.requestId);
    else throw e;
  }
  const events = await client.events();
  for await (const e of events) {
    if (e.type === 'activity.created') break;
  }
  await client.close();
  await server.close();
}
