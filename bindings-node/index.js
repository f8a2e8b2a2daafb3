'use strict';
// `messenger-connect`: the Node.js client of the Messenger Connect API. A thin layer over
// the native addon (napi-rs, wrapping the Rust core): argument checks that JS needs before
// crossing, JSON in and out (one `JSON.stringify` / `JSON.parse` per call: cheaper than
// building objects through N-API), error classes, async iterators. All protocol logic
// lives in the Rust core.

const native = require('./native.js');
const errors = require('./errors.js');
const { TokenSet, AuthorizationRequest, storable } = require('./tokens.js');

const { fromNative, invalidArgument } = errors;

const parse = (text) => (text === null || text === undefined ? text : JSON.parse(text));

/** Runs a native call, mapping its errors (sync throws and rejections) to our classes. */
async function call(fn) {
  try {
    return await fn();
  } catch (e) {
    throw fromNative(e);
  }
}

/** A native call that resolves to JSON text: the parsed value. */
async function callJson(fn) {
  return parse(await call(fn));
}

/** A native call that resolves to a token set's JSON text: the `TokenSet`. */
async function callTokens(fn) {
  return tokenSet(await call(fn));
}

/**
 * The call helpers of a client: with an `AbortSignal`, a call that fails once the signal
 * has aborted rejects with `signal.reason` (an `AbortError` unless the caller gave another
 * reason), as `fetch` does; core ends such calls when the signal aborts.
 */
function callers(signal) {
  if (!signal) return { call, callJson, callTokens };
  const guard = async (fn) => {
    try {
      return await fn();
    } catch (e) {
      throw signal.aborted ? signal.reason : e;
    }
  };
  return {
    call: (fn) => guard(() => call(fn)),
    callJson: (fn) => guard(() => callJson(fn)),
    callTokens: (fn) => guard(() => callTokens(fn)),
  };
}

/** Options a view of a client may change (`withOptions`); the client takes them too. */
const CALL_OPTIONS = [
  'requestTimeoutMs',
  'totalTimeoutMs',
  'maxAttempts',
  'initialBackoffMs',
  'maxBackoffMs',
  'maxElapsedMs',
  'maxRetryAfterMs',
];

/** Options that may be 0 (no wait); the other numeric options are at least 1. */
const WAITS = ['initialBackoffMs', 'maxBackoffMs', 'maxElapsedMs', 'maxRetryAfterMs'];

/** Checks the numeric options among `CALL_OPTIONS` (and `connectTimeoutMs`): whole
 * numbers of milliseconds (attempts) below 2^32. */
function checkCallOptions(options) {
  for (const k of ['connectTimeoutMs', ...CALL_OPTIONS]) {
    const v = options[k];
    if (v === undefined || v === null) continue;
    const least = WAITS.includes(k) ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < least || v > 0xffffffff) {
      throw invalidArgument(k, `must be an integer from ${least} to ${0xffffffff}`);
    }
  }
}

function callSync(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

function requireString(name, value) {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(name, 'must be a non-empty string');
  }
  return value;
}

function optionalString(name, value) {
  if (value === undefined || value === null) return undefined;
  return requireString(name, value);
}

function requireObject(name, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(name, 'must be an object');
  }
  return value;
}

function optionalObject(name, value) {
  if (value === undefined || value === null) return undefined;
  return requireObject(name, value);
}

function requireStrings(name, value, { nonEmpty = true } = {}) {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0) || !value.every((s) => typeof s === 'string' && s.length > 0)) {
    throw invalidArgument(name, `must be ${nonEmpty ? 'a non-empty' : 'an'} array of non-empty strings`);
  }
  return value;
}

function optionalCount(name, value) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw invalidArgument(name, 'must be a positive integer');
  return value;
}

/**
 * JSON text of the argument `name`: a value JSON cannot carry (a cycle, a BigInt, a
 * throwing `toJSON`) is an `InvalidArgumentError` naming it, before any request.
 */
function json(name, value, replacer) {
  try {
    return JSON.stringify(value, replacer);
  } catch (e) {
    throw invalidArgument(name, `cannot be sent as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** JSON text of a token set (a `TokenSet` or its stored form), secrets in clear. */
function tokensJson(name, tokens) {
  requireObject(name, tokens);
  const { plain, redacted } = storable(tokens);
  if (redacted) {
    throw invalidArgument(name, 'holds `[redacted]` secrets (JSON.stringify of a TokenSet): store tokens.toStorage() instead');
  }
  return json(name, plain);
}

/** A token set from the addon's JSON text (`null` stays `null`). */
const tokenSet = (text) => {
  const t = parse(text);
  return t ? TokenSet.from(t) : t;
};

/**
 * Filter builders: plain objects in core's one JSON form of a filter
 * (`spec/query.schema.json`); core reads and checks them (limits, operators, nesting)
 * and escapes the literals.
 */
const Filter = Object.freeze({
  eq: (property, value) => ({ op: 'eq', property, value }),
  ne: (property, value) => ({ op: 'ne', property, value }),
  gt: (property, value) => ({ op: 'gt', property, value }),
  ge: (property, value) => ({ op: 'ge', property, value }),
  lt: (property, value) => ({ op: 'lt', property, value }),
  le: (property, value) => ({ op: 'le', property, value }),
  startswith: (property, value) => ({ op: 'startswith', property, value }),
  endswith: (property, value) => ({ op: 'endswith', property, value }),
  contains: (property, value) => ({ op: 'contains', property, value }),
  in: (property, values) => ({ op: 'in', property, values }),
  and: (...filters) => ({ op: 'and', filters }),
  or: (...filters) => ({ op: 'or', filters }),
  not: (filter) => ({ op: 'not', filter }),
  any: (property, filter) => ({ op: 'any', property, filter }),
  /** An OData expression written by hand, sent as-is (a plain string does the same). */
  raw: (text) => ({ op: 'raw', text }),
  /** A date-time literal (RFC 3339); a `Date` as a filter value does the same. */
  date: (d) => ({ dateTime: d instanceof Date ? d.toISOString() : String(d) }),
});

/** A `JSON.stringify` replacer writing each `Date` as core's date-time literal. */
function dateTimes(key, value) {
  const raw = this[key];
  return raw instanceof Date ? Filter.date(raw) : value;
}

/** `orderby` as `"displayName desc, id"` or an array of such keys → `[{property, desc}]`. */
function orderJson(value) {
  const keys = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(keys)) throw invalidArgument('orderby', 'must be a string or an array');
  return keys.map((key) => {
    if (typeof key !== 'string') return key; // already {property, desc}: core checks it
    const [property, direction = 'asc', ...rest] = key.trim().split(/\s+/);
    if (rest.length || (direction !== 'asc' && direction !== 'desc')) {
      throw invalidArgument('orderby', `\`${key.trim()}\` is not "<property> [asc|desc]"`);
    }
    return { property, desc: direction === 'desc' };
  });
}

/**
 * Query options `{filter, orderby | orderBy, select, top, skip, count, search}` as core's
 * JSON form of a query (`undefined` when none); core checks them before any request.
 */
function queryOptions(options) {
  const o = optionalObject('options', options);
  if (!o) return undefined;
  const { orderby, orderBy, filter, ...rest } = o;
  const q = { ...rest };
  if (filter !== undefined && filter !== null) q.filter = typeof filter === 'string' ? Filter.raw(filter) : filter;
  const order = orderBy ?? orderby;
  if (order !== undefined && order !== null) q.orderBy = orderJson(order);
  return json('options', q, dateTimes);
}

/**
 * A collection: `for await (const item of list)` yields every item once, across pages
 * (the next page is prefetched while the current one is consumed); `list.pages()` yields
 * `{items, nextLink, deltaLink, count}`. Each iteration starts from the first page.
 */
class Paged {
  #open;
  #cursor;
  #callJson;
  constructor(open, signal) {
    this.#open = open;
    this.#callJson = callers(signal).callJson;
    // Open at once: invalid options throw here, before any request.
    this.#cursor = callSync(open);
  }

  #take() {
    const c = this.#cursor ?? callSync(this.#open);
    this.#cursor = undefined;
    return c;
  }

  async *pages() {
    const cursor = this.#take();
    try {
      for (;;) {
        const page = await this.#callJson(() => cursor.next());
        if (page === null) return;
        yield page;
      }
    } finally {
      cursor.close();
    }
  }

  async *[Symbol.asyncIterator]() {
    for await (const page of this.pages()) {
      yield* page.items;
    }
  }

  /** Collects every item into an array. */
  async toArray() {
    const out = [];
    for await (const page of this.pages()) out.push(...page.items);
    return out;
  }
}

/** Live events: `for await (const event of events)`; `close()` ends the loop. */
class EventSubscription {
  #native;
  #onClose;
  /** `onClose` (optional) runs once, at the first `close()`. */
  constructor(n, onClose) {
    this.#native = n;
    this.#onClose = onClose;
  }
  /** The next event `{type, seq, data}`, or `null` once closed. */
  next() {
    return callJson(() => this.#native.next());
  }
  /** The seq of the last logged event handed out (resume with `events({ since })`). */
  lastSeq() {
    return this.#native.lastSeq();
  }
  /** How many times the socket was reconnected. */
  reconnects() {
    return this.#native.reconnects();
  }
  /** Tells the other members of a conversation that the user is typing (works while a
   * `next()` is pending). */
  async typing(conversationId) {
    requireString('conversationId', conversationId);
    callSync(() => this.#native.typing(conversationId));
  }
  close() {
    this.#native.close();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
  async *[Symbol.asyncIterator]() {
    try {
      for (;;) {
        const e = await this.next();
        if (e === null) return;
        yield e;
      }
    } finally {
      this.close();
    }
  }
}

const HINTS = ['access_token', 'refresh_token'];

/** An object's keys in JS spelling (`device_code` → `deviceCode`) or the wire's (back). */
const camelKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));
const snakeKeys = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

/** The device authorization (RFC 8628, core's `DeviceAuthorization`) in its JS spelling;
 * core reads and checks its fields. */
const device = {
  fromWire: (d) => ({ verificationUriComplete: null, ...camelKeys(d) }),
  toWire: (d) => {
    requireObject('device', d);
    requireString('device.deviceCode', d.deviceCode);
    return json('device', snakeKeys(d));
  },
};

function checkHint(hint) {
  if (hint !== undefined && hint !== null && !HINTS.includes(hint)) {
    throw invalidArgument('hint', 'must be access_token or refresh_token');
  }
  return hint ?? undefined;
}

/**
 * The native token callback of an `onTokens` function (checked: a function, or
 * `undefined`/`null` for none): it receives each new token set as JSON text and waits for
 * `onTokens` (its Promise, if it returns one). It resolves to `""` when saved, or to
 * `"<id>:<message>"` when `onTokens` threw or rejected: the call that obtained the tokens
 * then fails with a `TokenStoreError` whose `cause` is the thrown value (kept under `id`).
 */
function tokenCallback(onTokens) {
  if (onTokens === undefined || onTokens === null) return undefined;
  if (typeof onTokens !== 'function') throw invalidArgument('onTokens', 'must be a function');
  return async (text) => {
    try {
      await onTokens(tokenSet(text));
      return '';
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return `${errors.keepCause(e)}:${message}`;
    }
  };
}

/** Passed as `options` by `withTokens` (with the native client): not a public API. */
const WRAP = Symbol('wrap a native client');

class Client {
  #native;

  /**
   * @param {object} options `{ baseUrl, clientId?, clientSecret?, redirectUri?, issuer?,
   *   accessToken? | tokens?, onTokens?, userAgent?, pagePrefetch?, allowInsecureHttp?,
   *   connectTimeoutMs?, requestTimeoutMs?, totalTimeoutMs?, maxAttempts?,
   *   initialBackoffMs?, maxBackoffMs?, maxElapsedMs?, maxRetryAfterMs? }`
   */
  #calls;
  #signal;

  constructor(options, wrapped, signal) {
    if (options === WRAP) {
      this.#native = wrapped;
      this.#signal = signal;
    } else {
      requireObject('options', options);
      requireString('baseUrl', options.baseUrl);
      const { onTokens, tokens, ...rest } = options;
      const callback = tokenCallback(onTokens);
      if (rest.accessToken !== undefined) requireString('accessToken', rest.accessToken);
      checkCallOptions(rest);
      const nativeOptions = tokens ? { ...rest, tokens: tokensJson('tokens', tokens) } : rest;
      this.#native = callSync(() => new native.NativeClient(nativeOptions, callback));
    }
    // Calls of a view made with a signal reject with `signal.reason` once it aborts.
    const { call, callJson, callTokens } = (this.#calls = callers(this.#signal));
    const paged = (open) => new Paged(open, this.#signal);

    const n = () => this.#native;
    this.contacts = Object.freeze({
      list: (options) => paged(() => n().contactPages(queryOptions(options))),
      /** One page (`{items, nextLink, deltaLink, count}`). */
      listPage: (options) => {
        const q = queryOptions(options);
        return callJson(() => n().listContacts(q));
      },
      /** Resume from a stored `nextLink`. */
      from: (link) => {
        requireString('link', link);
        return paged(() => n().pagesFrom(link));
      },
      get: (id) => {
        requireString('id', id);
        return callJson(() => n().getContact(id));
      },
      create: (contact) => {
        requireObject('contact', contact);
        return callJson(() => n().createContact(json('contact', contact)));
      },
      update: (id, update, options) => {
        requireString('id', id);
        requireObject('update', update);
        const ifMatch = optionalString('ifMatch', optionalObject('options', options)?.ifMatch);
        return callJson(() => n().updateContact(id, json('update', update), ifMatch));
      },
      delete: (id, options) => {
        requireString('id', id);
        const ifMatch = optionalString('ifMatch', optionalObject('options', options)?.ifMatch);
        return call(() => n().deleteContact(id, ifMatch));
      },
      /**
       * One delta round: `{upserts, removed, deltaLink}`. Without a `deltaLink`, a full
       * sync (`pageSize` per page). A link too old rejects with `ResyncRequiredError`:
       * start again without one.
       */
      sync: (options) => {
        const o = optionalObject('options', options) ?? {};
        const deltaLink = optionalString('deltaLink', o.deltaLink);
        const pageSize = optionalCount('pageSize', o.pageSize);
        return callJson(() => n().syncContacts(deltaLink, pageSize));
      },
      /** The changes of a delta round, page by page (items or `{id, "@removed"}`); the
       * last page carries the `deltaLink` of the next round. */
      delta: (options) => {
        const o = optionalObject('options', options) ?? {};
        const deltaLink = optionalString('deltaLink', o.deltaLink);
        const pageSize = optionalCount('pageSize', o.pageSize);
        return paged(() => n().deltaPages(deltaLink, pageSize));
      },
    });
    this.portableContacts = Object.freeze({
      /** Portable Contacts query form → `{startIndex, itemsPerPage, totalResults, entry}`. */
      list: (options) => {
        const o = optionalObject('options', options);
        if (o?.updatedSince instanceof Date) o.updatedSince = o.updatedSince.toISOString();
        const q = o ? json('options', o) : undefined;
        return callJson(() => n().pocoContacts(q));
      },
      get: (id) => {
        requireString('id', id);
        return callJson(() => n().pocoContact(id));
      },
    });
    this.friends = Object.freeze({
      list: (options) => paged(() => n().friendPages(queryOptions(options))),
    });
    this.invitations = Object.freeze({
      list: (options) => paged(() => n().invitationPages(queryOptions(options))),
      /** `{email}` or `{contactId}`, `message?`. */
      create: (invitation) => {
        requireObject('invitation', invitation);
        if (!invitation.email === !invitation.contactId) {
          throw invalidArgument('invitation', 'give either `email` or `contactId`');
        }
        return callJson(() => n().invite(json('invitation', invitation)));
      },
      cancel: (id) => {
        requireString('id', id);
        return call(() => n().cancelInvitation(id));
      },
    });
    this.feed = Object.freeze({
      list: (options) => paged(() => n().feedPages(queryOptions(options))),
    });
    this.activities = Object.freeze({
      list: (options) => paged(() => n().activityPages(queryOptions(options))),
      get: (id) => {
        requireString('id', id);
        return callJson(() => n().getActivity(id));
      },
      /**
       * Posts an activity under `options.idempotencyKey` (1 to 255 visible ASCII
       * characters, e.g. derived from the item's id in your database: posting the same
       * item again, even from another run of the job, returns the first activity instead
       * of a second one), or else under a key made per call. Retries reuse the key.
       */
      create: (activity, options) => {
        requireObject('activity', activity);
        if (typeof activity.type !== 'string') throw invalidArgument('type', 'must be a string');
        const key = optionalObject('options', options)?.idempotencyKey;
        if (key !== undefined && key !== null && typeof key !== 'string') {
          throw invalidArgument('idempotencyKey', 'must be a string');
        }
        // Its content is checked by core, before any request.
        return callJson(() => n().createActivity(json('activity', activity), key ?? undefined));
      },
      delete: (id) => {
        requireString('id', id);
        return call(() => n().deleteActivity(id));
      },
    });
    this.conversations = Object.freeze({
      list: (options) => paged(() => n().conversationPages(queryOptions(options))),
      create: (members) => {
        requireStrings('members', members);
        return callJson(() => n().createConversation(members));
      },
    });
    this.messages = Object.freeze({
      list: (conversationId, options) => {
        requireString('conversationId', conversationId);
        return paged(() => n().messagePages(conversationId, queryOptions(options)));
      },
      /** Sends a message (`text` or `{text, clientMessageId?}`); idempotent. */
      send: (conversationId, message) => {
        requireString('conversationId', conversationId);
        const body = typeof message === 'string' ? { text: message } : requireObject('message', message);
        return callJson(() => n().sendMessage(conversationId, json('message', body)));
      },
    });
    this.auth = Object.freeze({
      /**
       * Starts the authorization-code flow (PKCE S256, state, nonce): `{url, state, nonce,
       * codeVerifier, redirectUri, scopes}` as an `AuthorizationRequest`. Send the user to
       * `url`; keep the request for `exchangeCode` (it holds the secret verifier, redacted
       * when logged: persist `request.toStorage()`).
       */
      authorizationUrl: (params) => {
        requireObject('params', params);
        requireStrings('scopes', params.scopes);
        optionalString('prompt', params.prompt);
        optionalString('loginHint', params.loginHint);
        return AuthorizationRequest.from(parse(callSync(() => n().authorizationUrl(json('params', params)))));
      },
      /** Completes the flow from the URL the user was redirected to → the token set. */
      exchangeCode: (request, redirectUrl) => {
        requireObject('request', request);
        requireString('redirectUrl', redirectUrl);
        const { plain, redacted } = storable(request, AuthorizationRequest);
        if (redacted) {
          throw invalidArgument('request', 'holds a `[redacted]` code verifier (JSON.stringify of an AuthorizationRequest): store request.toStorage() instead');
        }
        return callTokens(() => n().exchangeCode(json('request', plain), redirectUrl));
      },
      /** Device flow: `{deviceCode, userCode, verificationUri, verificationUriComplete,
       * expiresIn, interval}`; show `userCode` and `verificationUri` to the user. */
      startDeviceAuthorization: async (scopes) => {
        requireStrings('scopes', scopes);
        return device.fromWire(await callJson(() => n().startDeviceAuthorization(scopes)));
      },
      /** One poll: `{status: 'pending'} | {status: 'slowDown', interval} |
       * {status: 'complete', tokens}`. */
      pollDeviceTokenOnce: (d) => {
        const wire = device.toWire(d);
        return callJson(() => n().pollDeviceTokenOnce(wire)).then((r) =>
          r?.tokens ? { ...r, tokens: TokenSet.from(r.tokens) } : r,
        );
      },
      /** Polls (every `interval` seconds, slower after `slow_down`) until the user answers. */
      pollDeviceToken: (d) => {
        const wire = device.toWire(d);
        return callTokens(() => n().pollDeviceToken(wire));
      },
      /** App-only tokens (confidential clients); renewed the same way when they expire. */
      clientCredentials: (scopes) => {
        requireStrings('scopes', scopes ?? [], { nonEmpty: false });
        return callTokens(() => n().clientCredentials(scopes ?? []));
      },
      /** Renews the tokens now; `onTokens` receives them. */
      refresh: () => callTokens(() => n().refreshTokens()),
      revokeToken: (token, hint) => {
        requireString('token', token);
        const h = checkHint(hint);
        return call(() => n().revokeToken(token, h));
      },
      introspectToken: (token, hint) => {
        requireString('token', token);
        const h = checkHint(hint);
        return callJson(() => n().introspectToken(token, h));
      },
      userinfo: () => callJson(() => n().userinfo()),
      /** Validates an id token (signature by JWKS, iss, aud, exp, nonce) → its claims. */
      validateIdToken: (idToken, nonce) => {
        requireString('idToken', idToken);
        const nc = optionalString('nonce', nonce);
        return callJson(() => n().validateIdToken(idToken, nc));
      },
    });
  }

  /** The current token set (secrets in clear, to persist), or `null`. */
  get tokens() {
    return tokenSet(callSync(() => this.#native.tokens()));
  }

  setTokens(tokens) {
    const wire = tokensJson('tokens', tokens);
    callSync(() => this.#native.setTokens(wire));
  }

  /**
   * A client for another user: it shares this client's connection pool and options, with
   * its own `tokens` and its own `onTokens` (its rotated tokens go there only, nowhere
   * when absent; never to this client's callback). Closing one does not close the other.
   */
  withTokens(tokens, onTokens) {
    const wire = tokensJson('tokens', tokens);
    const callback = tokenCallback(onTokens);
    return new Client(WRAP, callSync(() => this.#native.withTokens(wire, callback)), this.#signal);
  }

  /**
   * A view of this client for some calls: the same user, tokens and connection pool, with
   * these options over the client's — `requestTimeoutMs`, `totalTimeoutMs`, `maxAttempts`,
   * `initialBackoffMs`, `maxBackoffMs`, `maxElapsedMs`, `maxRetryAfterMs` — and an
   * optional `signal` (`AbortSignal`): once it aborts, the view's pending calls (and page
   * fetches, and its live events) end and reject with `signal.reason`, and its later calls
   * reject so without sending anything. `client.withOptions({ signal }).me()`.
   */
  withOptions(options) {
    requireObject('options', options);
    const { signal, ...rest } = options;
    for (const k of Object.keys(rest)) {
      if (!CALL_OPTIONS.includes(k)) throw invalidArgument(k, `is not an option of withOptions (${CALL_OPTIONS.join(', ')}, signal)`);
    }
    checkCallOptions(rest);
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgument('signal', 'must be an AbortSignal');
    let cancel;
    if (signal) {
      cancel = new native.NativeCancel();
      if (signal.aborted) cancel.cancel();
      else signal.addEventListener('abort', () => cancel.cancel(), { once: true });
    }
    const view = callSync(() => this.#native.withOptions(rest, cancel));
    return new Client(WRAP, view, signal ?? this.#signal);
  }

  me() {
    return this.#calls.callJson(() => this.#native.me());
  }

  updateMe(update) {
    requireObject('update', update);
    return this.#calls.callJson(() => this.#native.updateMe(json('update', update)));
  }

  user(id) {
    requireString('id', id);
    return this.#calls.callJson(() => this.#native.user(id));
  }

  status() {
    return this.#calls.callJson(() => this.#native.status());
  }

  /** `{message?, presence?}`: also posts a `Status` activity and a live event. */
  setStatus(update) {
    requireObject('update', update);
    return this.#calls.callJson(() => this.#native.setStatus(json('update', update)));
  }

  /** The calling app's grant: `{clientId, clientName, scopes, granted}`. */
  permissions() {
    return this.#calls.callJson(() => this.#native.permissions());
  }

  /** The user disconnects the app: every token of the grant is revoked. */
  revokePermissions() {
    return this.#calls.call(() => this.#native.revokePermissions());
  }

  /** Gives up one scope of the grant. */
  dropScope(scope) {
    requireString('scope', scope);
    return this.#calls.call(() => this.#native.dropScope(scope));
  }

  /**
   * `POST /v1/$batch`: up to 20 requests `{id, method, url, headers?, body?, dependsOn?}`
   * (`url` relative to `/v1`) → one `{id, status, headers, body}` per request, in order.
   * Item failures are responses, not exceptions.
   */
  batch(requests) {
    if (!Array.isArray(requests)) throw invalidArgument('requests', 'must be an array');
    requests.forEach((r, i) => requireObject(`requests[${i}]`, r));
    return this.#calls.callJson(() => this.#native.batch(json('requests', requests)));
  }

  /** Live events: `for await (const e of await client.events({ since }))`. */
  async events(options) {
    const since = optionalObject('options', options)?.since;
    if (since !== undefined && since !== null && (!Number.isSafeInteger(since) || since < 0)) {
      throw invalidArgument('since', 'must be a non-negative integer');
    }
    const n = await this.#calls.call(() => this.#native.events(since ?? undefined));
    const signal = this.#signal;
    // The view's signal closes the subscription; closing it removes that listener, so a
    // long-lived signal does not keep every subscription made under it.
    const onAbort = () => subscription.close();
    const subscription = new EventSubscription(n, signal && (() => signal.removeEventListener('abort', onAbort)));
    if (signal) {
      if (signal.aborted) subscription.close();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    return subscription;
  }

  /** Releases the client; later calls reject with `ConfigError`. */
  async close() {
    this.#native.close();
  }

  /** @internal Panics inside Rust: the promise rejects, the process survives. */
  _debugPanic() {
    return this.#calls.call(() => this.#native._debugPanic());
  }

  /** @internal Panics inside a synchronous Rust call: an exception is thrown. */
  _debugPanicSync() {
    return callSync(() => this.#native._debugPanicSync());
  }
}

const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Sends core's log records (retries, Retry-After waits, token refreshes, resyncs,
 * reconnects: targets `messenger_connect::http`, `::auth`, `::sync`, `::events`) to
 * `handler({level, target, message, fields})`, for every client of the process, at
 * `level` and more severe (default `info`). `setLogger(null)` stops them. Records never
 * carry a secret; they arrive asynchronously and never keep the process alive; a handler
 * that throws is ignored.
 */
function setLogger(handler, options) {
  if (handler !== null && handler !== undefined && typeof handler !== 'function') {
    throw invalidArgument('handler', 'must be a function or null');
  }
  const level = optionalObject('options', options)?.level ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw invalidArgument('level', `must be one of ${LOG_LEVELS.join(', ')}`);
  const forward = handler
    ? (text) => {
        try {
          handler(JSON.parse(text));
        } catch {
          // a logger must not break the client
        }
      }
    : null;
  callSync(() => native.setLogHandler(forward, level));
}

module.exports = { Client, Filter, Paged, EventSubscription, TokenSet, AuthorizationRequest, setLogger, ...errors };
delete module.exports.fromNative;
delete module.exports.keepCause;
delete module.exports.invalidArgument;
