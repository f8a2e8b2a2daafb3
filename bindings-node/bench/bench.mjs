// Benchmark of the Node binding against plain HTTP clients, on an in-process mock server.
//
//   node bench/bench.mjs [--posts 20000] [--concurrency 64] [--items 100000] [--page 1000]
//                        [--rounds 3] [--mock-bin ../target/ci/messenger-connect-mock | --in-process]
//
// The mock runs as its own process (the `messenger-connect-mock` binary) when it is built,
// so that the CPU time of this process is the client's alone; `--in-process` uses
// `MockServer` from `messenger-connect/testing` instead.
//
// 1. Feed posts: `--posts` activities at `--concurrency` in flight, through
//    `client.activities.create` (core adds an Idempotency-Key) vs `undici.request` and vs
//    the global `fetch`, each with `JSON.stringify`, an Idempotency-Key and the parsed 201 body.
// 2. Feed listing: `--items` items of `/v1/me/feed` in pages of `--page`, following
//    `@odata.nextLink`, through `for await` over `client.feed.list()` vs `fetch` + `JSON.parse`
//    and vs `undici.request` + `JSON.parse`.
// Each variant runs `--rounds` times (the order rotates); the table shows the median, and
// the baseline of each part is measured in the same run. No time limit is asserted.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { Client } from '../index.mjs';
import { MockServer } from '../testing.mjs';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    items: { type: 'string', default: '100000' },
    page: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'mock-bin': { type: 'string', default: new URL('../../target/ci/messenger-connect-mock', import.meta.url).pathname },
    'in-process': { type: 'boolean', default: false },
  },
});
const POSTS = Number(args.posts);
const CONCURRENCY = Number(args.concurrency);
const ITEMS = Number(args.items);
const PAGE = Number(args.page);
const ROUNDS = Number(args.rounds);

// User 0 befriends users 1 and 2 (ring), so its feed holds the activities of three users.
const perUser = Math.ceil(ITEMS / 3) + PAGE;
const seed = { seed: 1, users: 3, contactsPerUser: 0, friendsPerUser: 2, activitiesPerUser: perUser, rateLimit: 1_000_000_000 };

/** The mock as a child process: its URL, a control-plane client, and how to stop it. */
async function spawnMock(bin) {
  const child = spawn(bin, ['--seed', '1', '--users', '3', '--contacts-per-user', '0', '--friends-per-user', '2',
    '--activities-per-user', String(perUser), '--rate-limit', String(seed.rateLimit)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
  const [url] = await Promise.race([
    new Promise((resolve) => lines.once('line', (l) => resolve([l.trim()]))),
    new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`mock exited with ${code}`)))),
  ]);
  const control = async (method, path, body) => {
    const res = await fetch(`${url}/_mock${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  const { users } = await control('GET', '/users');
  const mintToken = async (user, scopes) => {
    const app = await control('POST', '/clients', { name: 'bench', redirectUris: ['http://127.0.0.1/cb'], public: false, scopes });
    const t = await control('POST', '/tokens', { userId: users[user].id, clientId: app.clientId, scopes, expiresIn: 24 * 3600 });
    return { clientId: app.clientId, clientSecret: app.clientSecret, tokens: { accessToken: t.access_token, tokenType: 'Bearer', scopes } };
  };
  const close = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { url, mintToken, close, where: `mock process (${bin})` };
}

async function inProcessMock() {
  const m = await MockServer.start(seed);
  return {
    url: m.url,
    mintToken: async (user, scopes) => m.mintToken(user, scopes, { expiresIn: 24 * 3600 }),
    close: () => m.close(),
    where: 'mock in-process (MockServer)',
  };
}

const useProcess = !args['in-process'] && existsSync(args['mock-bin']);
const server = useProcess ? await spawnMock(args['mock-bin']) : await inProcessMock();
const reader = await server.mintToken(0, ['feed.read']);
const poster = await server.mintToken(1, ['feed.read', 'feed.write']);
// One client per variant for the whole run (connections kept alive across rounds).
const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 30_000 });
const postClient = new Client({ baseUrl: server.url, clientId: poster.clientId, clientSecret: poster.clientSecret, tokens: poster.tokens });
const readClient = new Client({ baseUrl: server.url, tokens: reader.tokens });

/** Runs `task(i)` for i in 0..n with at most `limit` in flight. */
async function pool(n, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

const note = (i) => ({ type: 'Note', content: `bench post #${i} ${'x'.repeat(40)}` });
const auth = (t) => `Bearer ${t.tokens.accessToken}`;

const postVariants = {
  binding: async () => {
    await pool(POSTS, CONCURRENCY, async (i) => {
      const a = await postClient.activities.create(note(i));
      if (!a.id) throw new Error('no id');
    });
  },
  undici: async () => {
    const url = `${server.url}/v1/me/activities`;
    await pool(POSTS, CONCURRENCY, async (i) => {
      const res = await request(url, {
        method: 'POST',
        dispatcher,
        headers: { authorization: auth(poster), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(note(i)),
      });
      const a = await res.body.json();
      if (res.statusCode !== 201 || !a.id) throw new Error(`status ${res.statusCode}`);
    });
  },
  fetch: async () => {
    const url = `${server.url}/v1/me/activities`;
    await pool(POSTS, CONCURRENCY, async (i) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: auth(poster), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(note(i)),
      });
      const a = await res.json();
      if (res.status !== 201 || !a.id) throw new Error(`status ${res.status}`);
    });
  },
};

async function walk(get) {
  let link = `${server.url}/v1/me/feed?$top=${PAGE}`;
  let n = 0;
  while (link && n < ITEMS) {
    const page = JSON.parse(await get(link));
    for (const item of page.value) {
      if (!item.id) throw new Error('no id');
      if (++n === ITEMS) break;
    }
    link = page['@odata.nextLink'] ? new URL(page['@odata.nextLink'], server.url).href : null;
  }
  if (n !== ITEMS) throw new Error(`only ${n} items`);
}

const listVariants = {
  binding: async () => {
    let n = 0;
    for await (const item of readClient.feed.list({ top: PAGE })) {
      if (!item.id) throw new Error('no id');
      if (++n === ITEMS) break;
    }
    if (n !== ITEMS) throw new Error(`only ${n} items`);
  },
  'fetch + JSON.parse': () =>
    walk(async (link) => {
      const res = await fetch(link, { headers: { authorization: auth(reader) } });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      return res.text();
    }),
  'undici + JSON.parse': () =>
    walk(async (link) => {
      const res = await request(link, { dispatcher, headers: { authorization: auth(reader) } });
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      return res.body.text();
    }),
};

async function measure(variants) {
  const names = Object.keys(variants);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await variants[name](); // warm-up (connections, JIT)
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = names.slice(r % names.length).concat(names.slice(0, r % names.length));
    for (const name of order) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await variants[name]();
      times[name].push(Number(process.hrtime.bigint() - t0) / 1e9);
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1e6);
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return names.map((name) => ({ name, s: median(times[name]), cpu: median(cpu[name]), all: times[name] }));
}

function table(title, unit, count, rows, baseline) {
  const base = rows.find((r) => r.name === baseline).s;
  console.log(`\n${title}\n`);
  const baseCpu = rows.find((r) => r.name === baseline).cpu;
  const cpuHeader = useProcess ? ' client CPU s | CPU vs baseline |' : '';
  console.log(`| variant | s (median of ${ROUNDS}) | ${unit}/s | time vs ${baseline} |${cpuHeader} rounds (s) |`);
  console.log(`|---|---:|---:|---:|${useProcess ? '---:|---:|' : ''}---|`);
  for (const r of rows) {
    const rate = Math.round(count / r.s).toLocaleString('en-US');
    const cpuCells = useProcess ? ` ${r.cpu.toFixed(2)} | ${(r.cpu / baseCpu).toFixed(2)}× |` : '';
    console.log(`| ${r.name} | ${r.s.toFixed(3)} | ${rate} | ${(r.s / base).toFixed(2)}× |${cpuCells} ${r.all.map((t) => t.toFixed(2)).join(', ')} |`);
  }
}

try {
  console.log(`node ${process.version}, ${server.where}, feed of user 0: ${3 * perUser} activities`);
  const list = await measure(listVariants);
  const posts = await measure(postVariants);
  table(`Feed posts: ${POSTS.toLocaleString('en-US')} at concurrency ${CONCURRENCY}`, 'posts', POSTS, posts, 'undici');
  table(`Feed listing: ${ITEMS.toLocaleString('en-US')} items, pages of ${PAGE}`, 'items', ITEMS, list, 'undici + JSON.parse');
} finally {
  await postClient.close();
  await readClient.close();
  await dispatcher.close();
  await server.close();
}
