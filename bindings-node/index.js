'use strict';
// `messenger-connect`: the Node.js client of the Messenger Connect API. A thin layer over
// the native addon (napi-rs, wrapping the Rust core): argument checks that JS needs before
// crossing, JSON in and out (one `JSON.stringify` / `JSON.parse` per call: cheaper than
// building objects through N-API), error classes, async iterators. All protocol logic
// lives in the Rust core.

const native = require('./native.js');
const errors = require('./errors.js');

const { fromNative } = errors;

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

function callSync(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

function typeError(name, message) {
  const e = new TypeError(`invalid argument \`${name}\`: ${message}`);
  e.code = 'ERR_INVALID_ARG_TYPE';
  e.argument = name;
  return e;
}

function requireString(name, value) {
  if (typeof value !== 'string' || value.length === 0) {
    throw typeError(name, 'must be a non-empty string');
  }
  return value;
}

function optionalString(name, value) {
  if (value === undefined || value === null) return undefined;
  return requireString(name, value);
}

function requireObject(name, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(name, 'must be an object');
  }
  return value;
}

function optionalObject(name, value) {
  if (value === undefined || value === null) return undefined;
  return requireObject(name, value);
}

function requireStrings(name, value, { nonEmpty = true } = {}) {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0) || !value.every((s) => typeof s === 'string' && s.length > 0)) {
    throw typeError(name, `must be ${nonEmpty ? 'a non-empty' : 'an'} array of non-empty strings`);
  }
  return value;
}

function optionalCount(name, value) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw typeError(name, 'must be a positive integer');
  return value;
}

/** JSON text of an argument object. */
const json = (value) => JSON.stringify(value);

/** Filter builders: plain objects the native side turns into core's escaping `Filter`. */
const Filter = Object.freeze({
  eq: (field, value) => ({ op: 'eq', field, value }),
  ne: (field, value) => ({ op: 'ne', field, value }),
  gt: (field, value) => ({ op: 'gt', field, value }),
  ge: (field, value) => ({ op: 'ge', field, value }),
  lt: (field, value) => ({ op: 'lt', field, value }),
  le: (field, value) => ({ op: 'le', field, value }),
  startswith: (field, value) => ({ op: 'startswith', field, value }),
  endswith: (field, value) => ({ op: 'endswith', field, value }),
  contains: (field, value) => ({ op: 'contains', field, value }),
  in: (field, values) => ({ op: 'in', field, values }),
  and: (...filters) => ({ op: 'and', filters }),
  or: (...filters) => ({ op: 'or', filters }),
  not: (filter) => ({ op: 'not', filter }),
  any: (field, filter) => ({ op: 'any', field, filter }),
  /** An OData expression written by hand, sent as-is (a plain string does the same). */
  raw: (expression) => ({ op: 'raw', expression }),
  /** A date literal (RFC 3339). */
  date: (d) => ({ $date: d instanceof Date ? d.toISOString() : String(d) }),
});

function dates(value) {
  // Filter values: Date objects become date literals.
  if (value instanceof Date) return Filter.date(value);
  if (Array.isArray(value)) return value.map(dates);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = dates(v);
    return out;
  }
  return value;
}

/** Query options as JSON text (`undefined` when none). */
function queryOptions(options) {
  const o = optionalObject('options', options);
  if (!o) return undefined;
  return json(o.filter === undefined ? o : { ...o, filter: dates(o.filter) });
}

/**
 * A collection: `for await (const item of list)` yields every item once, across pages
 * (the next page is prefetched while the current one is consumed); `list.pages()` yields
 * `{items, nextLink, deltaLink, count}`. Each iteration starts from the first page.
 */
class Paged {
  #open;
  #cursor;
  constructor(open) {
    this.#open = open;
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
        const page = await callJson(() => cursor.next());
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
  constructor(n) {
    this.#native = n;
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

/** The device authorization as the API sends it (snake_case) ↔ its JS form (camelCase). */
const device = {
  fromWire: (d) => ({
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    verificationUriComplete: d.verification_uri_complete ?? null,
    expiresIn: d.expires_in,
    interval: d.interval,
  }),
  toWire: (d) => {
    requireObject('device', d);
    requireString('device.deviceCode', d.deviceCode);
    const w = {
      device_code: d.deviceCode,
      user_code: String(d.userCode ?? ''),
      verification_uri: String(d.verificationUri ?? ''),
      expires_in: d.expiresIn ?? 0,
      interval: d.interval ?? 5,
    };
    if (d.verificationUriComplete) w.verification_uri_complete = d.verificationUriComplete;
    return json(w);
  },
};

function checkHint(hint) {
  if (hint !== undefined && hint !== null && !HINTS.includes(hint)) {
    throw typeError('hint', 'must be access_token or refresh_token');
  }
  return hint ?? undefined;
}

/**
 * The native token callback of an `onTokens` function (checked: a function, or
 * `undefined`/`null` for none): it receives each new token set as JSON text.
 */
function tokenCallback(onTokens) {
  if (onTokens === undefined || onTokens === null) return undefined;
  if (typeof onTokens !== 'function') throw typeError('onTokens', 'must be a function');
  return (text) => {
    try {
      onTokens(JSON.parse(text));
    } catch (e) {
      // A throwing callback must not take the process down: report it.
      process.emitWarning(`messenger-connect: onTokens threw: ${e && e.message}`);
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
   *   connectTimeoutMs?, requestTimeoutMs?, totalTimeoutMs?, maxAttempts? }`
   */
  constructor(options, wrapped) {
    if (options === WRAP) {
      this.#native = wrapped;
    } else {
      requireObject('options', options);
      requireString('baseUrl', options.baseUrl);
      const { onTokens, tokens, ...rest } = options;
      const callback = tokenCallback(onTokens);
      if (rest.accessToken !== undefined) requireString('accessToken', rest.accessToken);
      if (tokens !== undefined && tokens !== null) requireObject('tokens', tokens);
      for (const k of ['connectTimeoutMs', 'requestTimeoutMs', 'totalTimeoutMs', 'maxAttempts']) {
        if (rest[k] !== undefined) optionalCount(k, rest[k]);
      }
      const nativeOptions = tokens ? { ...rest, tokens: json(tokens) } : rest;
      this.#native = callSync(() => new native.NativeClient(nativeOptions, callback));
    }

    const n = () => this.#native;
    this.contacts = Object.freeze({
      list: (options) => new Paged(() => n().contactPages(queryOptions(options))),
      /** One page (`{items, nextLink, deltaLink, count}`). */
      listPage: (options) => {
        const q = queryOptions(options);
        return callJson(() => n().listContacts(q));
      },
      /** Resume from a stored `nextLink`. */
      from: (link) => {
        requireString('link', link);
        return new Paged(() => n().pagesFrom(link));
      },
      get: (id) => {
        requireString('id', id);
        return callJson(() => n().getContact(id));
      },
      create: (contact) => {
        requireObject('contact', contact);
        return callJson(() => n().createContact(json(contact)));
      },
      update: (id, update, options) => {
        requireString('id', id);
        requireObject('update', update);
        const ifMatch = optionalString('ifMatch', optionalObject('options', options)?.ifMatch);
        return callJson(() => n().updateContact(id, json(update), ifMatch));
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
        return new Paged(() => n().deltaPages(deltaLink, pageSize));
      },
    });
    this.portableContacts = Object.freeze({
      /** Portable Contacts query form → `{startIndex, itemsPerPage, totalResults, entry}`. */
      list: (options) => {
        const o = optionalObject('options', options);
        if (o?.updatedSince instanceof Date) o.updatedSince = o.updatedSince.toISOString();
        const q = o ? json(o) : undefined;
        return callJson(() => n().pocoContacts(q));
      },
      get: (id) => {
        requireString('id', id);
        return callJson(() => n().pocoContact(id));
      },
    });
    this.friends = Object.freeze({
      list: (options) => new Paged(() => n().friendPages(queryOptions(options))),
    });
    this.invitations = Object.freeze({
      list: (options) => new Paged(() => n().invitationPages(queryOptions(options))),
      /** `{email}` or `{contactId}`, `message?`. */
      create: (invitation) => {
        requireObject('invitation', invitation);
        if (!invitation.email === !invitation.contactId) {
          throw typeError('invitation', 'give either `email` or `contactId`');
        }
        return callJson(() => n().invite(json(invitation)));
      },
      cancel: (id) => {
        requireString('id', id);
        return call(() => n().cancelInvitation(id));
      },
    });
    this.feed = Object.freeze({
      list: (options) => new Paged(() => n().feedPages(queryOptions(options))),
    });
    this.activities = Object.freeze({
      list: (options) => new Paged(() => n().activityPages(queryOptions(options))),
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
        if (typeof activity.type !== 'string') throw typeError('type', 'must be a string');
        const key = optionalObject('options', options)?.idempotencyKey;
        if (key !== undefined && key !== null && typeof key !== 'string') {
          throw typeError('idempotencyKey', 'must be a string');
        }
        // Its content is checked by core, before any request.
        return callJson(() => n().createActivity(json(activity), key ?? undefined));
      },
      delete: (id) => {
        requireString('id', id);
        return call(() => n().deleteActivity(id));
      },
    });
    this.conversations = Object.freeze({
      list: (options) => new Paged(() => n().conversationPages(queryOptions(options))),
      create: (members) => {
        requireStrings('members', members);
        return callJson(() => n().createConversation(members));
      },
    });
    this.messages = Object.freeze({
      list: (conversationId, options) => {
        requireString('conversationId', conversationId);
        return new Paged(() => n().messagePages(conversationId, queryOptions(options)));
      },
      /** Sends a message (`text` or `{text, clientMessageId?}`); idempotent. */
      send: (conversationId, message) => {
        requireString('conversationId', conversationId);
        const body = typeof message === 'string' ? { text: message } : requireObject('message', message);
        return callJson(() => n().sendMessage(conversationId, json(body)));
      },
    });
    this.auth = Object.freeze({
      /**
       * Starts the authorization-code flow (PKCE S256, state, nonce): `{url, state, nonce,
       * codeVerifier, redirectUri, scopes}`. Send the user to `url`; keep the rest (it
       * holds the secret verifier) for `exchangeCode`.
       */
      authorizationUrl: (params) => {
        requireObject('params', params);
        requireStrings('scopes', params.scopes);
        optionalString('prompt', params.prompt);
        optionalString('loginHint', params.loginHint);
        return parse(callSync(() => n().authorizationUrl(json(params))));
      },
      /** Completes the flow from the URL the user was redirected to → the token set. */
      exchangeCode: (request, redirectUrl) => {
        requireObject('request', request);
        requireString('redirectUrl', redirectUrl);
        return callJson(() => n().exchangeCode(json(request), redirectUrl));
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
        return callJson(() => n().pollDeviceTokenOnce(wire));
      },
      /** Polls (every `interval` seconds, slower after `slow_down`) until the user answers. */
      pollDeviceToken: (d) => {
        const wire = device.toWire(d);
        return callJson(() => n().pollDeviceToken(wire));
      },
      /** App-only tokens (confidential clients); renewed the same way when they expire. */
      clientCredentials: (scopes) => {
        requireStrings('scopes', scopes ?? [], { nonEmpty: false });
        return callJson(() => n().clientCredentials(scopes ?? []));
      },
      /** Renews the tokens now; `onTokens` receives them. */
      refresh: () => callJson(() => n().refreshTokens()),
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
    return parse(callSync(() => this.#native.tokens()));
  }

  setTokens(tokens) {
    requireObject('tokens', tokens);
    callSync(() => this.#native.setTokens(json(tokens)));
  }

  /**
   * A client for another user: it shares this client's connection pool and options, with
   * its own `tokens` and its own `onTokens` (its rotated tokens go there only, nowhere
   * when absent; never to this client's callback). Closing one does not close the other.
   */
  withTokens(tokens, onTokens) {
    requireObject('tokens', tokens);
    const callback = tokenCallback(onTokens);
    const wire = json(tokens);
    return new Client(WRAP, callSync(() => this.#native.withTokens(wire, callback)));
  }

  me() {
    return callJson(() => this.#native.me());
  }

  updateMe(update) {
    requireObject('update', update);
    return callJson(() => this.#native.updateMe(json(update)));
  }

  user(id) {
    requireString('id', id);
    return callJson(() => this.#native.user(id));
  }

  status() {
    return callJson(() => this.#native.status());
  }

  /** `{message?, presence?}`: also posts a `Status` activity and a live event. */
  setStatus(update) {
    requireObject('update', update);
    return callJson(() => this.#native.setStatus(json(update)));
  }

  /** The calling app's grant: `{clientId, clientName, scopes, granted}`. */
  permissions() {
    return callJson(() => this.#native.permissions());
  }

  /** The user disconnects the app: every token of the grant is revoked. */
  revokePermissions() {
    return call(() => this.#native.revokePermissions());
  }

  /** Gives up one scope of the grant. */
  dropScope(scope) {
    requireString('scope', scope);
    return call(() => this.#native.dropScope(scope));
  }

  /**
   * `POST /v1/$batch`: up to 20 requests `{id, method, url, headers?, body?, dependsOn?}`
   * (`url` relative to `/v1`) → one `{id, status, headers, body}` per request, in order.
   * Item failures are responses, not exceptions.
   */
  batch(requests) {
    if (!Array.isArray(requests)) throw typeError('requests', 'must be an array');
    requests.forEach((r, i) => requireObject(`requests[${i}]`, r));
    return callJson(() => this.#native.batch(json(requests)));
  }

  /** Live events: `for await (const e of await client.events({ since }))`. */
  async events(options) {
    const since = optionalObject('options', options)?.since;
    if (since !== undefined && since !== null && (!Number.isSafeInteger(since) || since < 0)) {
      throw typeError('since', 'must be a non-negative integer');
    }
    const n = await call(() => this.#native.events(since ?? undefined));
    return new EventSubscription(n);
  }

  /** Releases the client; later calls reject with `ConfigError`. */
  async close() {
    this.#native.close();
  }

  /** @internal Panics inside Rust: the promise rejects, the process survives. */
  _debugPanic() {
    return call(() => this.#native._debugPanic());
  }

  /** @internal Panics inside a synchronous Rust call: an exception is thrown. */
  _debugPanicSync() {
    return callSync(() => this.#native._debugPanicSync());
  }
}

module.exports = { Client, Filter, Paged, EventSubscription, ...errors };
delete module.exports.fromNative;
