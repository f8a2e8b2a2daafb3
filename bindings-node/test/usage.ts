// Typed usage, checked by `tsc --noEmit` (never run).
import { Client, Filter, ResyncRequiredError, RateLimitedError, ApiError, PreconditionFailedError, TimeoutError, NetworkError, type StoredTokenSet, type Activity, type BatchResponse, type TokenSet } from 'messenger-connect';
import { MockServer } from 'messenger-connect/testing';

export async function usage(): Promise<void> {
  const server = await MockServer.start({ seed: 1, users: 2, friendsPerUser: 1 });
  const { tokens, clientId } = await server.mintToken(0);
  const fault: { id: string } = await server.call('addFault', { path: '/v1/me', kind: 'status', status: 503, count: 1 });
  await server.call('removeFault', { id: fault.id });
  console.log((await server.faults()).length, await server.clock(), (await server.events(0)).seq);
  let saved: TokenSet | undefined;
  const client = new Client({ baseUrl: server.url, clientId, tokens, onTokens: (t) => { saved = t; } });
  const posted: Activity = await client.activities.create({ type: 'Note', content: 'hello' });
  console.log(posted.id, saved?.accessToken);
  const once: Activity = await client.activities.create({ type: 'Note', content: 'item 42' }, { idempotencyKey: 'item-42' });
  console.log(once.id);
  // Another user on the same pool and options, with its own tokens and token callback.
  const other = await server.mintToken(1, undefined, { app: { clientId } });
  const rows = new Map<string, TokenSet>();
  const second: Client = client.withTokens(other.tokens, (t) => { rows.set(other.userId, t); });
  const third: Client = client.withTokens(other.tokens);
  const view: Client = client.withOptions({ signal: AbortSignal.timeout(5000), maxAttempts: 2, totalTimeoutMs: 10000 });
  await view.me();
  console.log((await second.me()).id, (await third.status()).presence, rows.size);
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
    else if (e instanceof PreconditionFailedError || e instanceof TimeoutError) console.log(e.kind, e.target);
    else if (e instanceof ApiError || e instanceof NetworkError) console.log(e.status, e.code, e.description);
    else throw e;
  }
  const stored: StoredTokenSet | undefined = client.tokens?.toStorage();
  if (stored) client.setTokens(stored);
  const request = client.auth.authorizationUrl({ scopes: ['openid', 'profile'], prompt: 'none', loginHint: server.users[0].email });
  const signedIn: TokenSet = await client.auth.exchangeCode(request, await server.authorize(request.url));
  const device = await client.auth.startDeviceAuthorization(['profile']);
  const poll = await client.auth.pollDeviceTokenOnce(device);
  if (poll.status === 'complete') console.log(poll.tokens.accessToken, signedIn.idToken);
  else if (poll.status === 'slowDown') console.log(poll.interval);
  const responses: BatchResponse[] = await client.batch([{ id: 'me', method: 'GET', url: '/me' }]);
  console.log(responses[0].status, (await client.permissions()).scopes);
  const poco = await client.portableContacts.list({ filterBy: 'displayName', filterOp: 'startswith', filterValue: 'A', count: 10 });
  console.log(poco.totalResults, poco.entry[0]?.displayName);
  for await (const change of client.contacts.delta({ pageSize: 100 })) {
    if ('@removed' in change) console.log('removed', change.id);
  }
  const events = await client.events({ since: 0 });
  await events.typing('conversation-id');
  for await (const e of events) {
    if (e.type === 'activity.created') break;
  }
  const position: number | null = events.lastSeq();
  const reconnects: number = events.reconnects();
  console.log(position, reconnects);
  await client.close();
  await server.close();
}
