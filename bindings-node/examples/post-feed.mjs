// Posts the feed items of a JSON file with bounded concurrency, then reads the friends'
// feed and the live events. Each POST carries an Idempotency-Key made from the item's own
// `id` (core reuses it on retries, and a rerun of the job sends the same one, so no item
// is ever posted twice). Without --url it runs against an in-process MockServer that
// injects a lost response and a 503 on the way, checks that every item was posted exactly
// once, then posts every item again as a rerun would and checks that nothing new appears.
//
//   node examples/post-feed.mjs [--file items.json] [--concurrency 4]
//   node examples/post-feed.mjs --url https://api.example.com   (token in MC_ACCESS_TOKEN)
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client, MessengerConnectError } from 'messenger-connect';
import { MockServer } from 'messenger-connect/testing';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    file: { type: 'string', default: new URL('./feed-items.json', import.meta.url).pathname },
    concurrency: { type: 'string', default: '4' },
    events: { type: 'string', default: '3' },
  },
});

/**
 * Runs `task` over `items` with at most `limit` calls in flight; resolves to the results
 * in input order (a failed item gives its error, the others still run).
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T, index: number) => Promise<R>} task
 * @returns {Promise<(R | Error)[]>}
 */
async function mapBounded(items, limit, task) {
  /** @type {(R | Error)[]} */
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = await task(items[i], i);
      } catch (e) {
        results[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** @typedef {import('messenger-connect').NewActivity & { id: string }} FeedItem an activity and its id in our data */
/** @type {FeedItem[]} */
const items = JSON.parse(await readFile(args.file, 'utf8'));
if (!Array.isArray(items)) throw new TypeError(`${args.file}: expected an array of activities`);
const ids = new Set();
items.forEach((item, i) => {
  if (typeof item?.id !== 'string' || item.id === '' || ids.has(item.id)) {
    throw new TypeError(`${args.file}: item ${i} needs an \`id\` of its own (its Idempotency-Key is made from it)`);
  }
  ids.add(item.id);
});

/**
 * The Idempotency-Key of an item: the same in every run of the job (visible ASCII, as the
 * API wants, whatever the id holds).
 * @param {FeedItem} item
 */
const keyOf = (item) => `post-feed:${encodeURIComponent(item.id)}`;

/**
 * Posts one item (its `id` is ours, not part of the activity) under its own key.
 * @param {FeedItem} item
 */
function post(item) {
  const { id, ...activity } = item;
  return client.activities.create(activity, { idempotencyKey: keyOf(item) });
}

/** @type {MockServer | undefined} */
let server;
/** @type {Client} */
let client;
if (args.url) {
  const accessToken = process.env.MC_ACCESS_TOKEN;
  if (!accessToken) throw new Error('set MC_ACCESS_TOKEN to an access token with feed.read and feed.write');
  client = new Client({ baseUrl: args.url, accessToken });
} else {
  server = await MockServer.start({ seed: 1, users: 3, contactsPerUser: 5, friendsPerUser: 2, activitiesPerUser: 4 });
  const { tokens, clientId, clientSecret } = await server.mintToken(0, ['profile', 'feed.read', 'feed.write', 'chat']);
  client = new Client({ baseUrl: server.url, clientId, clientSecret, tokens });
  // The first POST is committed but its response lost; a later one answers 503 once.
  // Core retries both with the same Idempotency-Key: no item is posted twice.
  await server.addFault({ method: 'POST', path: '/v1/me/activities', kind: 'dropAfterCommit', count: 1 });
  await server.addFault({ method: 'POST', path: '/v1/me/activities', kind: 'status', status: 503, count: 1 });
  console.log(`mock server at ${server.url} (user ${server.users[0].displayName})`);
}

try {
  // 1. Post, at most --concurrency requests in flight.
  const started = Date.now();
  const results = await mapBounded(items, Number(args.concurrency), post);
  let failed = 0;
  results.forEach((r, i) => {
    if (r instanceof Error) {
      failed++;
      const code = r instanceof MessengerConnectError ? ` [${r.code}, request ${r.requestId}]` : '';
      console.log(`  ✗ item ${items[i].id}: ${r.message}${code}`);
    } else {
      console.log(`  ✓ ${items[i].id} → ${r.id} ${r.type} ${r.content ?? r.url ?? ''}`);
    }
  });
  console.log(`posted ${items.length - failed}/${items.length} items in ${Date.now() - started} ms at concurrency ${args.concurrency}`);

  // 2. The friends' feed, newest first (pages prefetched while we print).
  console.log('\nfeed:');
  let shown = 0;
  for await (const a of client.feed.list({ top: 10 })) {
    console.log(`  ${a.published}  ${a.actor.displayName}: ${a.content ?? a.url ?? a.type}`);
    if (++shown === 12) break;
  }

  // 3. Live events: (in mock mode) a friend posts and changes status.
  const wanted = Number(args.events);
  const events = await client.events();
  if (server) {
    const friend = server.users[1];
    await server.actAs(friend.id, 'POST', 'activities', { type: 'Note', content: 'Hello from a friend' });
    await server.actAs(friend.id, 'PUT', 'status', { message: 'Reading your posts', presence: 'busy' });
  } else {
    console.log(`waiting for ${wanted} live events (Ctrl-C to stop)`);
  }
  console.log('\nlive events:');
  let received = 0;
  for await (const e of events) {
    console.log(`  #${e.seq ?? '-'} ${e.type} ${JSON.stringify(e.data).slice(0, 80)}`);
    if (++received === wanted) break;
  }

  // 4. In mock mode, check that the faults did not duplicate anything, and that a rerun
  // of the job posts nothing new.
  if (server) {
    const mine = await client.activities.list({ top: 100 }).toArray();
    const contents = mine.map((a) => JSON.stringify([a.type, a.content ?? null, a.url ?? null]));
    const posted = items.map((a) => JSON.stringify([a.type, a.content ?? null, a.url ?? null]));
    const missing = posted.filter((p) => !contents.includes(p));
    const twice = posted.filter((p) => contents.filter((c) => c === p).length > 1);
    const journal = await server.requests();
    const posts = journal.filter((r) => r.method === 'POST' && r.path === '/v1/me/activities');
    const keys = new Set(posts.map((r) => r.idempotencyKey));
    const expected = new Set(items.map(keyOf));
    const foreign = [...keys].filter((k) => !expected.has(k));
    console.log(`\n${posts.length} POSTs sent for ${items.length} items (${posts.length - items.length} retries), ${keys.size} distinct Idempotency-Keys`);
    if (failed || missing.length || twice.length || keys.size !== items.length || foreign.length) {
      console.error(`FAILED: ${failed} failed, ${missing.length} missing, ${twice.length} posted twice, ${foreign.length} keys not made from an item id`);
      process.exitCode = 1;
    } else {
      console.log('every item posted exactly once');
    }

    // The job runs again over the same file: the same keys give back the first activities.
    const rerun = await mapBounded(items, Number(args.concurrency), post);
    const same = rerun.filter((r, i) => {
      const first = results[i];
      return !(r instanceof Error) && !(first instanceof Error) && r.id === first.id;
    }).length;
    const after = await client.activities.list({ top: 100 }).toArray();
    console.log(`rerun: ${same}/${items.length} items answered with the activity of the first run, ${after.length - mine.length} new activities`);
    if (same !== items.length || after.length !== mine.length) {
      console.error('FAILED: the rerun posted again');
      process.exitCode = 1;
    }
  }
} finally {
  await client.close();
  await server?.close();
}
