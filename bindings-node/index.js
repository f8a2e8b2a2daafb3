'use strict';
// `messenger-connect`: the Node.js client of the Messenger Connect API. A thin layer over
// the native addon (napi-rs, wrapping the Rust core): argument checks that JS needs before
// crossing, error classes, async iterators. All protocol logic lives in the Rust core.

const native = require('./native.js');
const errors = require('./errors.js');

const { fromNative } = errors;

/** Runs a native call, mapping its errors (sync throws and rejections) to our classes. */
async function call(fn) {
  try {
    return await fn();
  } catch (e) {
    throw fromNative(e);
  }
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

function queryOptions(options) {
  const o = optionalObject('options', options);
  if (!o) return undefined;
  return o.filter === undefined ? o : { ...o, filter: dates(o.filter) };
}

/**
 * A collection: `for await (const item of list)` yields every item once, across pages
 * (the next page is prefetched while the current one is consumed); `list.pages()` yields
 * `{items, nextLink, deltaLink, count}`. Each iteration starts from the first page.
 */
class Paged {
  #open;
  #cursor;
  #pages;
  constructor(open, pages) {
    this.#open = open;
    this.#pages = pages;
    // Open at once: invalid options throw here, before any request.
    this.#cursor = callSync(open);
  }

  #take() {
    const c = this.#cursor ?? callSync(this.#open);
    this.#cursor = undefined;
    return c;
  }

  async *pages() {
    if (!this.#pages) throw new TypeError('this collection is not paged; iterate its items');
    const cursor = this.#take();
    try {
      for (;;) {
        const page = await call(() => cursor.next());
        if (page === null) return;
        yield page;
      }
    } finally {
      cursor.close();
    }
  }

  async *[Symbol.asyncIterator]() {
    if (!this.#pages) {
      const cursor = this.#take();
      try {
        for (;;) {
          const item = await call(() => cursor.next());
          if (item === null) return;
          yield item;
        }
      } finally {
        cursor.close();
      }
    }
    for await (const page of this.pages()) {
      yield* page.items;
    }
  }

  /** Collects every item into an array. */
  async toArray() {
    const out = [];
    for await (const item of this) out.push(item);
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
    return call(() => this.#native.next());
  }
  /** The seq of the last logged event handed out (resume with `events({ since })`). */
  lastSeq() {
    return this.#native.lastSeq();
  }
  /** How many times the socket was reconnected. */
  reconnects() {
    return this.#native.reconnects();
  }
  typing(conversationId) {
    requireString('conversationId', conversationId);
    return call(() => this.#native.typing(conversationId));
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

class Client {
  #native;

  /**
   * @param {object} options `{ baseUrl, clientId?, clientSecret?, accessToken? | tokens?,
   *   onTokens?, userAgent?, pagePrefetch?, allowInsecureHttp?, requestTimeoutMs?,
   *   totalTimeoutMs?, maxAttempts? }`
   */
  constructor(options) {
    requireObject('options', options);
    requireString('baseUrl', options.baseUrl);
    const { onTokens, ...rest } = options;
    if (onTokens !== undefined && typeof onTokens !== 'function') {
      throw typeError('onTokens', 'must be a function');
    }
    if (rest.accessToken !== undefined) requireString('accessToken', rest.accessToken);
    if (rest.tokens !== undefined) requireObject('tokens', rest.tokens);
    const callback = onTokens
      ? (tokens) => {
          try {
            onTokens(tokens);
          } catch (e) {
            // A throwing callback must not take the process down: report it.
            process.emitWarning(`messenger-connect: onTokens threw: ${e && e.message}`);
          }
        }
      : undefined;
    this.#native = callSync(() => new native.NativeClient(rest, callback));

    const n = () => this.#native;
    this.contacts = Object.freeze({
      list: (options) => new Paged(() => n().contactPages(queryOptions(options)), true),
      listPage: (options) => call(() => n().listContacts(queryOptions(options))),
      /** Resume from a stored `nextLink`. */
      from: (link) => {
        requireString('link', link);
        return new Paged(() => n().pagesFrom(link), true);
      },
      get: (id) => {
        requireString('id', id);
        return call(() => n().getContact(id));
      },
      create: (contact) => {
        requireObject('contact', contact);
        return call(() => n().createContact(contact));
      },
      update: (id, update, options) => {
        requireString('id', id);
        requireObject('update', update);
        const ifMatch = optionalObject('options', options)?.ifMatch;
        return call(() => n().updateContact(id, update, ifMatch));
      },
      delete: (id, options) => {
        requireString('id', id);
        const ifMatch = optionalObject('options', options)?.ifMatch;
        return call(() => n().deleteContact(id, ifMatch));
      },
      /**
       * One delta round: `{upserts, removed, deltaLink}`. Without a `deltaLink`, a full
       * sync. A link too old rejects with `ResyncRequiredError`: start again without one.
       */
      sync: (options) => {
        const deltaLink = optionalObject('options', options)?.deltaLink;
        if (deltaLink !== undefined && deltaLink !== null) requireString('deltaLink', deltaLink);
        return call(() => n().syncContacts(deltaLink ?? undefined));
      },
      /** The changes of a delta round, page by page (items or `{id, "@removed"}`). */
      delta: (options) => {
        const o = optionalObject('options', options) ?? {};
        return new Paged(() => n().deltaPages(o.deltaLink ?? undefined, o.pageSize), true);
      },
    });
    this.friends = Object.freeze({
      list: (options) => new Paged(() => n().friendPages(queryOptions(options)), true),
    });
    this.invitations = Object.freeze({
      list: (options) => new Paged(() => n().invitationItems(queryOptions(options)), false),
      create: (invitation) => {
        requireObject('invitation', invitation);
        return call(() => n().invite(invitation));
      },
      cancel: (id) => {
        requireString('id', id);
        return call(() => n().cancelInvitation(id));
      },
    });
    this.feed = Object.freeze({
      list: (options) => new Paged(() => n().feedPages(queryOptions(options)), true),
    });
    this.activities = Object.freeze({
      list: (options) => new Paged(() => n().activityItems(queryOptions(options)), false),
      get: (id) => {
        requireString('id', id);
        return call(() => n().getActivity(id));
      },
      /** Posts an activity; an `Idempotency-Key` is added and reused by retries. */
      create: (activity) => {
        requireObject('activity', activity);
        if (typeof activity.type !== 'string') throw typeError('type', 'must be a string');
        return call(() => n().createActivity(activity));
      },
      delete: (id) => {
        requireString('id', id);
        return call(() => n().deleteActivity(id));
      },
    });
    this.conversations = Object.freeze({
      list: (options) => new Paged(() => n().conversationItems(queryOptions(options)), false),
      create: (members) => {
        if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === 'string')) {
          throw typeError('members', 'must be a non-empty array of user ids');
        }
        return call(() => n().createConversation(members));
      },
    });
    this.messages = Object.freeze({
      list: (conversationId, options) => {
        requireString('conversationId', conversationId);
        return new Paged(() => n().messageItems(conversationId, queryOptions(options)), false);
      },
      /** Sends a message (`text` or `{text, clientMessageId?}`); idempotent. */
      send: (conversationId, message) => {
        requireString('conversationId', conversationId);
        const body = typeof message === 'string' ? { text: message } : requireObject('message', message);
        return call(() => n().sendMessage(conversationId, body));
      },
    });
  }

  /** The current token set (secrets in clear, to persist), or `null`. */
  get tokens() {
    return callSync(() => this.#native.tokens());
  }

  setTokens(tokens) {
    requireObject('tokens', tokens);
    callSync(() => this.#native.setTokens(tokens));
  }

  me() {
    return call(() => this.#native.me());
  }

  updateMe(update) {
    requireObject('update', update);
    return call(() => this.#native.updateMe(update));
  }

  user(id) {
    requireString('id', id);
    return call(() => this.#native.user(id));
  }

  status() {
    return call(() => this.#native.status());
  }

  /** `{message?, presence?}`: also posts a `Status` activity and a live event. */
  setStatus(update) {
    requireObject('update', update);
    return call(() => this.#native.setStatus(update));
  }

  permissions() {
    return call(() => this.#native.permissions());
  }

  /** Live events: `for await (const e of await client.events({ since }))`. */
  async events(options) {
    const since = optionalObject('options', options)?.since;
    if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) {
      throw typeError('since', 'must be a non-negative integer');
    }
    const n = await call(() => this.#native.events(since));
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
