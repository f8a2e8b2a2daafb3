// The shared fault scenarios (`spec/scenarios/*.json`, format in its README) run by the
// Node binding, mirroring core's runner (`core/tests/scenarios.rs`): each scenario is a
// test of its own, `<file>::<scenario>` — ok, failed with every unmet expectation, or
// skipped with the reason its file gives under `skip.node`. Every scenario gets a fresh
// in-process mock server; its setup and faults go through the mock's typed control plane
// (`MockServer.call`, the mock crate's `Control::call`), and its expectations are checked
// against what the control plane and the request journal saw, never against the client.
// Each scenario runs under a deadline, so a hung wait fails with the scenario's name.
//
//   node --test --test-timeout=60000 test/scenarios.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Client, TokenSet } from '../index.mjs';
import { MockServer, ALL_SCOPES } from '../testing.mjs';

/** This runner's name in a scenario's `skip`. */
const RUNNER = 'node';
/** Wall time one scenario may take (its steps, setup and teardown). */
const DEADLINE_MS = 45_000;
/** The `node:test` timeout of a scenario's test: past the deadline, so the deadline's
 * message (naming the step) is the one reported. */
const TEST_TIMEOUT_MS = DEADLINE_MS + 10_000;
const REDIRECT_URI = 'http://127.0.0.1/callback';

const DIR = fileURLToPath(new URL('../../spec/scenarios/', import.meta.url));

function load(file) {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8'));
}

/** The scenario files: the `*.json` files of the folder with a `scenarios` list. */
const FILES = readdirSync(DIR)
  .filter((n) => n.endsWith('.json'))
  .filter((n) => Array.isArray(load(n).scenarios))
  .sort();
const SCHEMA = load('scenario.schema.json');

// ---------------------------------------------------------------------------- the tests

test('scenario files: at least one, and scenario names are unique over every file', () => {
  assert.ok(FILES.length > 0, `no scenario file in ${DIR}`);
  const names = FILES.flatMap((f) => load(f).scenarios.map((s) => s.name));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(repeated, [], 'scenario names are unique');
});

for (const file of FILES) {
  const doc = load(file);
  test(`${file}::schema`, () => {
    const errors = validate(SCHEMA, SCHEMA, doc);
    assert.deepEqual(errors, [], `${file} does not fit scenario.schema.json`);
  });
  for (const scenario of doc.scenarios) {
    const name = `${file}::${scenario.name}`;
    const reason = scenario.skip?.[RUNNER];
    if (reason) {
      test(name, { skip: reason }, () => {});
      continue;
    }
    test(name, { timeout: TEST_TIMEOUT_MS }, async () => {
      const why = await withDeadline(name, runScenario(scenario));
      if (why) assert.fail(`scenario ${scenario.name} FAILED\n    ${why.replace(/\n/g, '\n    ')}`);
    });
  }
}

// ---------------------------------------------------------------------------- running

/** `work` or, past the deadline, a failure naming the scenario and what it waited for. */
async function withDeadline(name, work) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(() => {
      resolve(`${name}: no result within ${DEADLINE_MS / 1000} s (at ${work.step ?? 'setup'})`);
      // Stop the hung scenario's client and server, so nothing it waits on stays open.
      work.abort();
    }, DEADLINE_MS);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one scenario: `null` when every step passed, else why it failed. */
function runScenario(scenario) {
  const progress = { step: undefined, world: undefined };
  const run = (async () => {
    let world;
    try {
      world = await World.create(scenario);
      progress.world = world;
    } catch (e) {
      return `setup: ${describe(e)}`;
    }
    try {
      for (const [i, step] of scenario.steps.entries()) {
        progress.step = `step ${i + 1} (${stepName(step)})`;
        let why;
        try {
          why = await world.step(step);
        } catch (e) {
          why = `the runner failed: ${describe(e)}`;
        }
        if (why) return `${progress.step}: ${why}`;
      }
      return null;
    } finally {
      await world.close();
    }
  })();
  // The deadline's message names the step it stopped at; `abort` closes the world.
  return Object.assign(Object.defineProperty(run, 'step', { get: () => progress.step }), {
    abort: () => progress.world?.close().catch(() => {}),
  });
}

function stepName(step) {
  return step.call ?? step.control ?? '?';
}

function describe(e) {
  if (e instanceof Error) {
    const extra = ['status', 'code', 'target']
      .filter((k) => e[k] !== undefined && e[k] !== null)
      .map((k) => `${k} ${JSON.stringify(e[k])}`);
    return `${e.constructor.name}: ${e.message}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  return String(e);
}

/** A token set from a `/oauth/token`-style answer (the control plane's `mintToken`). */
function tokensFrom(response) {
  const now = Date.now();
  const t = {
    accessToken: response.access_token,
    tokenType: response.token_type,
    scopes: (response.scope ?? '').split(' ').filter(Boolean),
    obtainedAt: new Date(now).toISOString(),
  };
  if (response.expires_in !== undefined) t.expiresAt = new Date(now + response.expires_in * 1000).toISOString();
  if (response.refresh_token) t.refreshToken = response.refresh_token;
  if (response.id_token) t.idToken = response.id_token;
  return TokenSet.from(t);
}

/** A step that failed: the client's error (checked against `expect.error`) or a refused
 * control call (always a failure of the scenario). */
class ControlFailure {
  constructor(error) {
    this.error = error;
  }
}

/** A scenario's world: its mock server, the client under test and the saved values. */
class World {
  constructor(server, client, vars) {
    this.server = server;
    this.client = client;
    this.vars = vars;
    this.device = null;
  }

  static async create(scenario) {
    const server = await MockServer.start();
    try {
      const users = await server.call('reset', scenario.mock ?? {});
      const spec = scenario.client ?? {};
      const app = await server.call('createApp', { name: 'Scenario App', redirectUris: [REDIRECT_URI] });
      const vars = { users: users.users, app: { clientId: app.clientId } };

      const options = { baseUrl: server.url };
      if (spec.clientId !== false) {
        options.clientId = app.clientId;
        if (app.clientSecret) options.clientSecret = app.clientSecret;
      }
      // The retry policy (the schema's defaults: 4 attempts, 10 ms initial backoff, 100 ms
      // cap): each field is the client option of its name.
      Object.assign(options, { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 100 }, spec.retry);
      if (spec.requestTimeoutMs !== undefined) options.requestTimeoutMs = spec.requestTimeoutMs;
      if (spec.totalTimeoutMs !== undefined) options.totalTimeoutMs = spec.totalTimeoutMs;
      if (spec.signedIn !== false) {
        const user = users.users[spec.user ?? 0];
        if (!user) throw new Error(`no seeded user ${spec.user}`);
        const request = { userId: user.id, clientId: app.clientId, scopes: spec.scopes ?? ALL_SCOPES };
        if (spec.expiresIn !== undefined) request.expiresIn = spec.expiresIn;
        options.tokens = tokensFrom(await server.call('mintToken', request));
      }
      switch (spec.tokenStore ?? 'none') {
        case 'none':
          break;
        case 'failing':
          // A store that cannot save (a full disk): the call that obtained new tokens
          // must fail with a TokenStoreError.
          options.onTokens = () => {
            throw new Error('disk full');
          };
          break;
        default:
          throw new Error(`unknown tokenStore ${JSON.stringify(spec.tokenStore)}`);
      }
      return new World(server, new Client(options), vars);
    } catch (e) {
      await server.close();
      throw e;
    }
  }

  /** Closes the client and stops the server (once, however often it is called). */
  close() {
    this.closed ??= (async () => {
      await this.client.close();
      await this.server.close();
    })();
    return this.closed;
  }

  /** Runs one step: `null` when it met its expectations, else every unmet one. */
  async step(step) {
    const args = interpolate(step.args ?? {}, this.vars);
    const expect = step.expect ?? {};
    const started = performance.now();
    let ok = false;
    let result;
    let failure;
    try {
      if (step.control !== undefined) {
        try {
          result = await this.server.call(step.control, args);
        } catch (e) {
          throw new ControlFailure(e);
        }
      } else {
        await this.server.call('clearRequests');
        result = await this.call(step.call, args);
      }
      ok = true;
    } catch (e) {
      failure = e;
    }
    const elapsed = performance.now() - started;
    const problems = [];
    if (failure instanceof ControlFailure) {
      problems.push(`control call failed: ${describe(failure.error)}`);
    } else if (ok && expect.error === undefined) {
      if (expect.result !== undefined) matches(interpolate(expect.result, this.vars), result, 'result', problems);
    } else if (ok) {
      problems.push(`succeeded, expected an error: ${JSON.stringify(result)}`);
    } else if (expect.error !== undefined) {
      checkError(interpolate(expect.error, this.vars), failure, problems);
    } else {
      problems.push(`failed: ${describe(failure)}`);
    }
    if (expect.journal !== undefined) {
      const { requests } = await this.server.call('requests', {});
      checkJournal(interpolate(expect.journal, this.vars), requests, problems);
    }
    const { min, max } = expect.elapsedMs ?? {};
    if (min !== undefined && elapsed < min) problems.push(`took ${elapsed.toFixed(0)} ms, less than ${min} ms`);
    if (max !== undefined && elapsed > max) problems.push(`took ${elapsed.toFixed(0)} ms, more than ${max} ms`);
    if (problems.length) return problems.join('\n');
    if (step.save !== undefined && ok) this.vars[step.save] = result;
    return null;
  }

  /** Runs a client operation of the scenario vocabulary; its result in the spec's wire
   * JSON (camelCase, as the server sends it). */
  async call(op, args) {
    const c = this.client;
    const text = (name) => args[name] ?? '';
    const body = (name) => args[name] ?? {};
    switch (op) {
      case 'me.get':
        return c.me();
      case 'users.get':
        return c.user(text('id'));
      case 'status.set':
        return c.setStatus(args);
      case 'contacts.list': {
        const page = await c.contacts.listPage(args.top === undefined ? undefined : { top: args.top });
        return { items: page.items, nextLink: page.nextLink ?? null };
      }
      case 'contacts.get':
        return c.contacts.get(text('id'));
      case 'contacts.create':
        return c.contacts.create(body('body'));
      case 'contacts.update':
        return c.contacts.update(text('id'), body('body'), { ifMatch: args.ifMatch });
      case 'contacts.delete':
        await c.contacts.delete(text('id'), { ifMatch: args.ifMatch });
        return null;
      case 'contacts.sync': {
        const round = await c.contacts.sync({ deltaLink: args.deltaLink });
        return { upserted: round.upserts.map((u) => u.id), removed: round.removed, deltaLink: round.deltaLink ?? null };
      }
      case 'activities.create':
        return c.activities.create(body('body'), { idempotencyKey: args.idempotencyKey });
      case 'invitations.create':
        return c.invitations.create(args);
      case 'events.collect': {
        const stream = await c.events({ since: args.since });
        const events = [];
        try {
          for (let i = 0; i < (args.count ?? 1); i++) {
            const event = await stream.next();
            if (event === null) break;
            events.push({ seq: stream.lastSeq(), type: event.type });
          }
        } finally {
          stream.close();
        }
        return { events, lastSeq: stream.lastSeq(), reconnects: stream.reconnects() };
      }
      case 'auth.device.start': {
        const device = await c.auth.startDeviceAuthorization(args.scopes ?? []);
        this.device = device;
        return {
          userCode: device.userCode,
          verificationUri: device.verificationUri,
          expiresIn: device.expiresIn,
          interval: device.interval,
        };
      }
      case 'auth.device.poll': {
        if (!this.device) throw new Error('scenario: a device flow is started first');
        const poll = await c.auth.pollDeviceTokenOnce(this.device);
        switch (poll.status) {
          case 'pending':
            return { state: 'pending' };
          case 'slowDown':
            return { state: 'slowDown', interval: poll.interval };
          case 'complete':
            return { state: 'complete' };
          default:
            throw new Error(`scenario: unknown poll status ${JSON.stringify(poll.status)}`);
        }
      }
      case 'auth.refresh':
        return { scopes: (await c.auth.refresh()).scopes };
      default:
        throw new Error(`scenario: unknown call \`${op}\``);
    }
  }
}

// ---------------------------------------------------------------------------- checking

/** The expected error against the client's: the class of the error object itself (this
 * binding's classes, made from core's one table of error kinds), then its fields. */
function checkError(want, e, problems) {
  const cls = e?.constructor?.name ?? typeof e;
  const shown = describe(e);
  if (want.class !== cls) problems.push(`error class ${cls}, expected ${want.class}: ${shown}`);
  if (want.status !== undefined && e?.status !== want.status) {
    problems.push(`status ${JSON.stringify(e?.status ?? null)}, expected ${want.status}: ${shown}`);
  }
  if (want.code !== undefined && e?.code !== want.code) {
    problems.push(`code ${JSON.stringify(e?.code ?? null)}, expected ${want.code}: ${shown}`);
  }
  if (want.target !== undefined && e?.target !== want.target) {
    problems.push(`target ${JSON.stringify(e?.target ?? null)}, expected ${want.target}`);
  }
  if (want.retryAfterSeconds !== undefined && e?.retryAfter !== want.retryAfterSeconds) {
    problems.push(`retry-after ${JSON.stringify(e?.retryAfter ?? null)}, expected ${want.retryAfterSeconds} s`);
  }
}

/** A journal path pattern: exact, or a prefix ending with `*`. */
function pathMatches(pattern, path) {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

function checkJournal(want, entries, problems) {
  for (const w of want ?? []) {
    const pattern = w.path ?? '*';
    const label = `journal ${w.method ?? '*'} ${pattern}`;
    const seen = entries
      .filter((e) => pathMatches(pattern, e.path))
      .filter((e) => w.method === undefined || e.method.toUpperCase() === w.method.toUpperCase());
    const statuses = seen.map((e) => e.status);
    if (w.count !== undefined && seen.length !== w.count) {
      problems.push(`${label}: ${seen.length} requests ${JSON.stringify(statuses)}, expected ${w.count}`);
    }
    if (w.statuses !== undefined) matches(w.statuses, statuses, `${label} statuses`, problems);
    if (w.sameIdempotencyKey === true) {
      const keys = seen.map((e) => e.idempotencyKey ?? null);
      const same = keys.length > 0 && typeof keys[0] === 'string' && keys[0] !== '' && keys.every((k) => k === keys[0]);
      if (!same) problems.push(`${label}: idempotency keys ${JSON.stringify(keys)} are not one key`);
    }
    if (w.entries !== undefined) matches(w.entries, seen, `${label} entries`, problems);
  }
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const absent = (v) => v === null || v === undefined;
const show = (v) => (v === undefined ? 'null' : JSON.stringify(v));

/** `expected` against `actual`: objects as subsets, arrays item by item (same length),
 * other values equal; `{"$len": n}`, `{"$exists": bool}`, `{"$gte": n}`, `{"$lte": n}`. */
function matches(expected, actual, path, problems) {
  if (isObject(expected)) {
    const [op, arg] = Object.entries(expected)[0] ?? [];
    if (op?.startsWith('$')) {
      let ok;
      switch (op) {
        case '$len': {
          const len = Array.isArray(actual) ? actual.length : typeof actual === 'string' ? [...actual].length : undefined;
          ok = len === arg;
          break;
        }
        case '$exists':
          ok = arg === !absent(actual);
          break;
        case '$gte':
          ok = typeof actual === 'number' && actual >= arg;
          break;
        case '$lte':
          ok = typeof actual === 'number' && actual <= arg;
          break;
        default:
          problems.push(`${path}: unknown matcher ${op}`);
          return;
      }
      if (!ok) problems.push(`${path}: ${show(actual)} does not satisfy ${op} ${JSON.stringify(arg)}`);
      return;
    }
    if (isObject(actual)) {
      for (const [k, v] of Object.entries(expected)) matches(v, actual[k] ?? null, `${path}.${k}`, problems);
      return;
    }
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      problems.push(`${path}: ${actual.length} items, expected ${expected.length}: ${show(actual)}`);
      return;
    }
    expected.forEach((w, i) => matches(w, actual[i], `${path}.${i}`, problems));
    return;
  } else if (expected === (actual ?? null) || (absent(expected) && absent(actual))) {
    return;
  }
  problems.push(`${path}: ${show(actual)}, expected ${show(expected)}`);
}

// ---------------------------------------------------------------------------- references

/** `${a.b.0.c}` references replaced by the values they name. */
function interpolate(value, vars) {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole && !whole[1].includes('${')) return lookup(whole[1], vars);
    let out = '';
    let rest = value;
    for (let start = rest.indexOf('${'); start >= 0; start = rest.indexOf('${')) {
      const end = rest.indexOf('}', start);
      if (end < 0) throw new Error(`unclosed reference in ${value}`);
      const v = lookup(rest.slice(start + 2, end), vars);
      out += rest.slice(0, start) + (typeof v === 'string' ? v : JSON.stringify(v));
      rest = rest.slice(end + 1);
    }
    return out + rest;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)]));
  return value;
}

function lookup(path, vars) {
  const [first, ...parts] = path.split('.');
  if (!Object.hasOwn(vars, first)) throw new Error(`no saved value \`${first}\``);
  let at = vars[first];
  for (const part of parts) {
    if (Array.isArray(at) && /^\d+$/.test(part)) at = at[Number(part)];
    else if (isObject(at) && Object.hasOwn(at, part)) at = at[part];
    else at = undefined;
    if (at === undefined) throw new Error(`\`${path}\` names nothing`);
  }
  return at;
}

// ---------------------------------------------------------------------------- schema

/** Errors of `value` against `schema` (each with its JSON path): the subset of JSON Schema
 * that `scenario.schema.json` uses — `$ref` (local pointers), `type`, `enum`, `required`,
 * `properties`, `additionalProperties`, `propertyNames`, `items`, `oneOf` / `anyOf` /
 * `allOf`, `minItems`, `minLength`, `minimum`, `pattern`. */
function validate(root, schema, value, path = '$', depth = 0) {
  const errors = [];
  if (depth > 64) return [`${path}: schema nested too deeply`];
  if (schema === false) return [`${path}: not allowed`];
  if (!isObject(schema)) return errors;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .reduce((at, key) => (at === undefined ? undefined : at[key.replace(/~1/g, '/').replace(/~0/g, '~')]), root);
    if (target === undefined) errors.push(`${path}: unresolved $ref ${schema.$ref}`);
    else errors.push(...validate(root, target, value, path, depth + 1));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeOk(t, value))) return [...errors, `${path}: ${show(value)} is not of type ${schema.type}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${path}: ${show(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    if (!Array.isArray(schema[key])) continue;
    const results = schema[key].map((sub) => validate(root, sub, value, path, depth + 1));
    const passing = results.filter((r) => r.length === 0).length;
    if (key === 'allOf') errors.push(...results.flat());
    if (key === 'anyOf' && passing === 0) errors.push(`${path}: matches none of anyOf: ${JSON.stringify(results)}`);
    if (key === 'oneOf' && passing !== 1) errors.push(`${path}: matches ${passing} of oneOf`);
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(value, name)) errors.push(`${path}: missing required \`${name}\``);
    }
    for (const [k, item] of Object.entries(value)) {
      if (schema.propertyNames !== undefined) errors.push(...validate(root, schema.propertyNames, k, `${path}.${k} (name)`, depth + 1));
      const sub = schema.properties && Object.hasOwn(schema.properties, k) ? schema.properties[k] : schema.additionalProperties;
      if (sub !== undefined) errors.push(...validate(root, sub, item, `${path}.${k}`, depth + 1));
    }
  } else if (Array.isArray(value)) {
    if (schema.items !== undefined) value.forEach((item, i) => errors.push(...validate(root, schema.items, item, `${path}[${i}]`, depth + 1)));
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than minItems`);
  } else if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) errors.push(`${path}: shorter than minLength`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${path}: ${show(value)} does not match ${schema.pattern}`);
    }
  } else if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: less than minimum ${schema.minimum}`);
  }
  return errors;
}

function typeOk(t, v) {
  switch (t) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    default:
      return true;
  }
}
