'use strict';
// `messenger-connect/testing`: the in-process mock server of the whole contract, for
// tests of code that uses `messenger-connect`. It runs on its own Rust runtime thread on a
// free loopback port; `await server.close()` stops it. `call(op, args)` runs any control
// operation in-process, by name (the mock crate's `Control::call`, the same operations in
// every binding); the helpers below are thin calls to it. `control(method, path, body)` is
// raw HTTP to the `/_mock` endpoints (DESIGN §2.7), for out-of-process style tests.

const native = require('./native.js');
const { TokenSet } = require('./tokens.js');

class MockServer {
  #native;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url;
  /** The seeded users `{id, email, displayName, password}`. */
  users;

  constructor(n) {
    this.#native = n;
    this.url = n.url;
    this.users = JSON.parse(n.users());
  }

  /**
   * Starts a server: `{ seed, users, contactsPerUser, friendsPerUser, activitiesPerUser,
   * rateLimit, rateLimitWindowSeconds }` (defaults: seed 1, 3 users, 50 contacts each).
   */
  static async start(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('MockServer.start options must be an object');
    }
    return new MockServer(native.NativeMockServer.start(options));
  }

  /** Calls the control plane: `control('POST', '/faults', {...})` → parsed JSON (or null). */
  async control(method, path, body) {
    const res = await fetch(`${this.url}/_mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`mock control ${method} ${path}: ${res.status} ${text}`);
    }
    return text ? JSON.parse(text) : null;
  }

  /**
   * Runs a control-plane operation by name, in-process (the mock crate's
   * `Control::call`, no HTTP hop): `call('addFault', {path: '/v1/me', kind: 'status',
   * status: 503})` → its parsed JSON answer (`null` where the `/_mock` endpoint answers
   * 204). The operations are the mock's `control::OPERATIONS` (`reset`, `users`,
   * `createApp`, `mintToken`, `addFault`, `faults`, `removeFault`, `requests`,
   * `clearRequests`, `advanceClock`, `actAs`, `publishEvent`, `approveDevice`...), each
   * taking the JSON of its `/_mock` endpoint. A refusal (unknown op, bad arguments, unknown
   * id) rejects with an `Error` whose `code` is the mock's code (`validationFailed`,
   * `notFound`...).
   * @param {string} op
   * @param {object} [args]
   * @returns {Promise<any>}
   */
  async call(op, args = {}) {
    if (typeof op !== 'string' || op.length === 0) throw new TypeError('op must be a non-empty string');
    let text;
    try {
      text = await this.#native.call(op, JSON.stringify(args ?? {}));
    } catch (e) {
      throw controlError(e);
    }
    return JSON.parse(text);
  }

  /**
   * Back to the seeded state (`{seed, users, contactsPerUser, ...}` as `POST /_mock/reset`);
   * resolves to the new users, which `users` then holds. Apps made before are gone.
   */
  async reset(options = {}) {
    const { users } = await this.call('reset', options);
    this.users = users;
    return users;
  }

  /** The server's users now (seeded and created), as `{id, email, displayName, password}`. */
  async listUsers() {
    return (await this.call('users')).users;
  }

  /** Adds a user (`{displayName, email, password}`) → the new user. */
  createUser(user) {
    return this.call('createUser', user);
  }

  /** Registers an app: `{clientId, clientSecret?}`. */
  createApp(options = {}) {
    return this.call('createApp', {
      name: options.name ?? 'test app',
      redirectUris: options.redirectUris ?? ['http://127.0.0.1/callback'],
      public: options.public ?? false,
      scopes: options.scopes ?? ALL_SCOPES,
    });
  }

  /**
   * A token response for a seeded user (index or id) and an app (made when not given),
   * as `/oauth/token` would issue it. Returns `{clientId, clientSecret, userId, tokens}`
   * with `tokens` ready for `new Client({ tokens })`.
   */
  async mintToken(user = 0, scopes = ALL_SCOPES, options = {}) {
    scopes = scopes ?? ALL_SCOPES;
    const userId = this.userId(user);
    const app = options.app ?? (await this.createApp({ scopes }));
    const body = { userId, clientId: app.clientId, scopes };
    if (options.expiresIn !== undefined && options.expiresIn !== null) body.expiresIn = options.expiresIn;
    const t = await this.call('mintToken', body);
    const now = Date.now();
    const tokens = {
      accessToken: t.access_token,
      tokenType: t.token_type,
      scopes: (t.scope ?? '').split(' ').filter(Boolean),
      obtainedAt: new Date(now).toISOString(),
    };
    if (t.expires_in !== undefined) tokens.expiresAt = new Date(now + t.expires_in * 1000).toISOString();
    if (t.refresh_token) tokens.refreshToken = t.refresh_token;
    return { clientId: app.clientId, clientSecret: app.clientSecret, userId, tokens: TokenSet.from(tokens), response: t };
  }

  /** Injects a fault (`{method?, path?, kind, status?, retryAfter?, count?...}`) → `{id}`. */
  addFault(fault) {
    return this.call('addFault', fault);
  }

  /** The armed faults, each with `id` and `fired` (how often it fired). */
  async faults() {
    return (await this.call('faults')).faults;
  }

  /** Removes one fault by id. */
  removeFault(id) {
    return this.call('removeFault', { id });
  }

  /** Removes every fault. */
  clearFaults() {
    return this.call('clearFaults');
  }

  /** The request journal (secrets redacted), optionally filtered (`{method, path, ...}`). */
  async requests(filter = {}) {
    return (await this.call('requests', filter)).requests;
  }

  /** Empties the request journal. */
  clearRequests() {
    return this.call('clearRequests');
  }

  /** The server's time now (RFC 3339). */
  async clock() {
    return (await this.call('clock')).now;
  }

  /** Sizes of the server's bounded stores (journal, idempotency records, tokens...). */
  stats() {
    return this.call('stats');
  }

  /** The server's settings (e.g. `refreshTokenReuseGraceSeconds`). */
  settings() {
    return this.call('settings');
  }

  /** Changes some settings → the settings now. */
  updateSettings(settings) {
    return this.call('updateSettings', settings);
  }

  /** The live-event log of a user (index or id) after `since` → `{events, seq, resync}`. */
  events(user, since = 0) {
    return this.call('events', { userId: this.userId(user), since });
  }

  /** Logs a live event (`{type, data}`) for a user (index or id) and pushes it to the
   * user's sockets → its frame (with its `seq`). */
  publishEvent(user, event) {
    return this.call('publishEvent', { ...event, userId: this.userId(user) });
  }

  /** Moves the server's clock forward. */
  advanceClock(seconds) {
    return this.call('advanceClock', { advanceSeconds: seconds });
  }

  /**
   * Acts as another user: `actAs(userId, 'PUT', 'status', {message})` → the answer's JSON
   * body; an error status rejects with an `Error` carrying `status` and `code`.
   */
  async actAs(userId, method, rest, body) {
    const r = await this.call('actAs', { userId, method, path: rest, body });
    if (r.status >= 400) {
      const err = new Error(`act-as ${method} ${rest}: ${r.status} ${JSON.stringify(r.body)}`);
      err.status = r.status;
      err.code = r.body?.error?.code ?? null;
      throw err;
    }
    return r.body;
  }

  /** The id of a seeded user given by index, or the id itself. */
  userId(user) {
    return typeof user === 'number' ? this.users[user].id : user;
  }

  /** Records that a user already consented to an app's scopes (then `prompt=none` works). */
  grantConsent(user, clientId, scopes = ALL_SCOPES) {
    return this.call('grantConsent', { userId: this.userId(user), clientId, scopes });
  }

  /**
   * Opens an authorization URL as the user's browser would and returns where the server
   * redirected it (`redirect_uri?code=...&state=...`, or `?error=...`). Use it with
   * `prompt: 'none'` and `loginHint` after `grantConsent`: the mock's stand-in for a
   * signed-in browser session.
   */
  async authorize(url) {
    const { location } = await this.call('authorize', { url });
    return new URL(location, this.url).href;
  }

  /**
   * The user (index or id) answers the device code `userCode` on the device page
   * (`decision`: 'allow' or 'deny').
   */
  async answerDeviceCode(userCode, user = 0, decision = 'allow') {
    if (decision !== 'allow' && decision !== 'deny') throw new TypeError("decision must be 'allow' or 'deny'");
    return decision === 'allow' ? this.approveDevice(userCode, user) : this.denyDevice(userCode, user);
  }

  /** Approves a device-flow `userCode` as the user (index or id): the next poll gets tokens. */
  approveDevice(userCode, user = 0) {
    return this.call('approveDevice', { userCode, userId: this.userId(user) });
  }

  /** Denies a device-flow `userCode` as the user: the next poll is `access_denied`. */
  denyDevice(userCode, user = 0) {
    return this.call('denyDevice', { userCode, userId: this.userId(user) });
  }

  /** The invited person accepts an invitation (a friendship both ways). */
  acceptInvitation(invitationId) {
    return this.call('acceptInvitation', { id: invitationId });
  }

  /** Stops the server. */
  async close() {
    await this.#native.close();
  }
}

const CONTROL_ERROR_PREFIX = 'MOCKCTL:';

/**
 * The `Error` of a refused control call: the native rejection's record (`MOCKCTL:` +
 * `{status, code, message, target, text}`) as an `Error` whose message is the refusal's
 * text, with `code` (the mock's code), `status` and `target`. Other errors pass through.
 */
function controlError(e) {
  const message = e instanceof Error ? e.message : String(e);
  if (!message.startsWith(CONTROL_ERROR_PREFIX)) return e;
  let r;
  try {
    r = JSON.parse(message.slice(CONTROL_ERROR_PREFIX.length));
  } catch {
    return e;
  }
  const err = new Error(r.text ?? r.message);
  err.code = r.code;
  err.status = r.status;
  err.target = r.target ?? null;
  return err;
}

const ALL_SCOPES = [
  'openid', 'profile', 'email', 'offline_access', 'profile.write', 'status.write',
  'contacts.read', 'contacts.write', 'friends.read', 'friends.invite', 'feed.read',
  'feed.write', 'chat',
];

module.exports = { MockServer, ALL_SCOPES };
