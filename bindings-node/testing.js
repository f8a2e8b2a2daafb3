'use strict';
// `messenger-connect/testing`: the in-process mock server of the whole contract, for
// tests of code that uses `messenger-connect`. It runs on its own Rust runtime thread on a
// free loopback port; `await server.close()` stops it. The control-plane helpers are thin
// calls to its `/_mock` endpoints (DESIGN §2.7); `call(op, args)` runs any control
// operation in-process, by name (the mock crate's `Control::call`).

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

  /** Registers an app: `{clientId, clientSecret?}`. */
  createApp(options = {}) {
    return this.control('POST', '/clients', {
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
    const t = await this.control('POST', '/tokens', body);
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
    return this.control('POST', '/faults', fault);
  }

  clearFaults() {
    return this.control('DELETE', '/faults');
  }

  /** The request journal (secrets redacted). */
  async requests() {
    const r = await this.control('GET', '/requests');
    return Array.isArray(r) ? r : (r?.requests ?? r?.value ?? []);
  }

  clearRequests() {
    return this.control('DELETE', '/requests');
  }

  /** Moves the server's clock forward. */
  advanceClock(seconds) {
    return this.control('POST', '/clock', { advanceSeconds: seconds });
  }

  /** Acts as another user: `actAs(userId, 'PUT', 'status', {message})`. */
  actAs(userId, method, rest, body) {
    return this.control(method, `/act-as/${encodeURIComponent(userId)}/${rest}`, body);
  }

  /** The id of a seeded user given by index, or the id itself. */
  userId(user) {
    return typeof user === 'number' ? this.users[user].id : user;
  }

  /** Records that a user already consented to an app's scopes (then `prompt=none` works). */
  grantConsent(user, clientId, scopes = ALL_SCOPES) {
    return this.control('POST', '/consents', { userId: this.userId(user), clientId, scopes });
  }

  /**
   * Opens an authorization URL as the user's browser would and returns where the server
   * redirected it (`redirect_uri?code=...&state=...`, or `?error=...`). Use it with
   * `prompt: 'none'` and `loginHint` after `grantConsent`: the mock's stand-in for a
   * signed-in browser session.
   */
  async authorize(url) {
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorize: ${res.status} without a redirect`);
    return new URL(location, this.url).href;
  }

  /**
   * Acts as a user on the device page: signs in and answers the consent for `userCode`
   * (`decision`: 'allow' or 'deny'), carrying cookies and CSRF tokens like a browser.
   */
  async answerDeviceCode(userCode, user = 0, decision = 'allow') {
    const u = typeof user === 'number' ? this.users[user] : this.users.find((x) => x.id === user);
    const cookies = new Map();
    const send = async (method, body) => {
      const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
      if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const url = method === 'GET' ? `${this.url}/device?user_code=${encodeURIComponent(userCode)}` : `${this.url}/device`;
      const res = await fetch(url, { method, headers, body: body && new URLSearchParams(body).toString(), redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1));
      }
      const html = await res.text();
      if (res.status !== 200) throw new Error(`device page: ${res.status}`);
      const m = /name="csrf_token" value="([^"]*)"/.exec(html);
      return m ? m[1] : null;
    };
    let csrf = await send('GET');
    csrf = await send('POST', { csrf_token: csrf, user_code: userCode, email: u.email, password: u.password });
    await send('POST', { csrf_token: csrf, user_code: userCode, decision });
  }

  /** The invited person accepts an invitation (a friendship both ways). */
  acceptInvitation(invitationId) {
    return this.control('POST', `/invitations/${encodeURIComponent(invitationId)}/accept`);
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
