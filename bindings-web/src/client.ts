// `MessengerConnect`: one object per page and app: sign-in state, the resources, live events.

import { Account, Auth, SignInOptions, POPUP_NAME } from './auth.js';
import { check, ConfigError } from './errors.js';
import { LiveEvents, LiveEventsOptions } from './events.js';
import { call, HttpOptions } from './http.js';
import { queryString, QueryOptions } from './odata.js';
import { Paged } from './paging.js';
import { memoryStore, TokenHolder, TokenSet, TokenStore } from './tokens.js';
import type {
  Activity, Contact, Conversation, Friend, Invitation, Me, MeUpdate, Message, NewActivity,
  PublicProfile, Status, StatusUpdate,
} from './types.js';

/** Options of {@link MessengerConnect}. */
export interface ClientOptions {
  /** The server's base URL, which is also its issuer, e.g. `https://connect.example.com`. */
  server: string;
  /** The app's client id (a public client: no secret in a web page). */
  clientId: string;
  /** Where the sign-in comes back to (registered with the app). Default: this page, no query. */
  redirectUri?: string;
  /** Scopes to ask for. Default: `openid profile offline_access`. */
  scopes?: string[];
  /** Where tokens live; default memory only (see README "Token storage"). */
  store?: TokenStore;
  /** Called with every new token set (and `null` on sign-out). */
  onTokens?: (tokens: TokenSet | null) => void;
  /** Retries after a failed attempt (default 2). */
  maxRetries?: number;
  /** Per-attempt timeout (ms, default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A POST that creates something may carry an idempotency key (one is made when absent). */
export interface CreateOptions { idempotencyKey?: string }

let defaultClient: MessengerConnect | null = null;

/**
 * The client. Dispatches `change` (signed in, signed out, tokens rotated) so widgets and
 * pages can follow the sign-in state.
 */
export class MessengerConnect extends EventTarget {
  /** The signed-in user (from the validated ID token), or `null`. */
  account: Account | null = null;
  readonly server: string;
  readonly auth: Auth;
  private readonly holder: TokenHolder;
  private readonly http: HttpOptions;
  private live: LiveEvents | null = null;
  private liveUsers = 0;

  constructor(private readonly o: ClientOptions) {
    super();
    check(typeof o?.server === 'string' && /^https?:\/\//.test(o.server), 'server', 'an http(s) URL is required');
    check(typeof o.clientId === 'string' && o.clientId.length > 0, 'clientId', 'is required');
    this.server = o.server.replace(/\/+$/, '');
    const f = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.http = { fetch: f, maxRetries: o.maxRetries ?? 2, timeoutMs: o.timeoutMs ?? 30_000, maxWaitMs: 10_000 };
    this.auth = new Auth({
      server: this.server,
      clientId: o.clientId,
      redirectUri: o.redirectUri ?? location.origin + location.pathname,
      scopes: o.scopes ?? ['openid', 'profile', 'offline_access'],
      fetch: f,
    });
    this.holder = new TokenHolder(o.store ?? memoryStore(), (r) => this.auth.refresh(r), (t) => {
      o.onTokens?.(t);
      this.dispatchEvent(new Event('change'));
    });
  }

  /** The client widgets use when none is set on them. */
  static get default(): MessengerConnect | null { return defaultClient; }
  static set default(c: MessengerConnect | null) {
    defaultClient = c;
    globalThis.dispatchEvent?.(new Event('messenger-connect:default'));
  }

  /** The current tokens (secrets hidden from printing), or `null`. */
  get tokens(): TokenSet | null { return this.holder.tokens; }
  get signedIn(): boolean { return !!this.holder.tokens; }

  /**
   * Signs in. In `popup` mode (default) call it from a click handler: the popup is opened
   * at once, before any await, so the browser allows it.
   */
  async signIn(options: SignInOptions = {}): Promise<Account> {
    if (options.mode === 'redirect') return this.auth.redirect(options);
    const win = window.open('', POPUP_NAME, 'popup,width=520,height=680');
    if (!win) throw new ConfigError('the browser blocked the sign-in popup: call signIn() from a click, or use mode "redirect"');
    const { tokens, account } = await this.auth.popup(win, options);
    this.account = account;
    await this.holder.set(tokens);
    return account;
  }

  /**
   * Call on page load: finishes a redirect sign-in when this page is its return (and
   * cleans the answer out of the address bar), or loads stored tokens. Returns the account.
   */
  async init(url = location.href): Promise<Account | null> {
    const done = await this.auth.complete(url);
    if (done) {
      history.replaceState(null, '', url.split('#')[0]);
      this.account = done.account;
      await this.holder.set(done.tokens);
      return done.account;
    }
    await this.holder.load();
    return this.account;
  }

  /** Uses tokens obtained elsewhere (e.g. from the page's own store). */
  async setTokens(tokens: TokenSet | null): Promise<void> {
    await this.holder.set(tokens);
  }

  /** Revokes the tokens at the server and forgets them here. */
  async signOut(): Promise<void> {
    const t = this.holder.tokens;
    this.live?.close();
    this.live = null;
    this.liveUsers = 0;
    this.account = null;
    try {
      if (t?.refreshToken) await this.auth.revoke(t.refreshToken);
      if (t) await this.auth.revoke(t.accessToken);
    } finally {
      await this.holder.set(null);
    }
  }

  /** A usable access token (refreshed first when needed). */
  accessToken(force = false): Promise<string> { return this.holder.accessToken(force); }

  // ------------------------------------------------------------------ plumbing

  /** A call to the API: `path` under the server (`/v1/me`) or an absolute link. */
  request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const url = /^https?:/.test(path) ? path : this.server + path;
    return call<T>(this.http, this.holder, { method, url, body, headers });
  }

  private paged<T>(path: string, q?: QueryOptions): Paged<T> {
    return new Paged<T>((url) => this.request('GET', url), this.server + path + queryString(q));
  }

  private create<T>(path: string, body: unknown, o: CreateOptions = {}): Promise<T> {
    return this.request<T>('POST', path, body, { 'Idempotency-Key': o.idempotencyKey ?? crypto.randomUUID() });
  }

  // ------------------------------------------------------------------ resources

  me(): Promise<Me> { return this.request('GET', '/v1/me'); }
  updateMe(update: MeUpdate): Promise<Me> { return this.request('PATCH', '/v1/me', update); }
  user(id: string): Promise<PublicProfile> { return this.request('GET', `/v1/users/${seg(id, 'id')}`); }
  status(): Promise<Status> { return this.request('GET', '/v1/me/status'); }
  setStatus(update: StatusUpdate): Promise<Status> { return this.request('PUT', '/v1/me/status', update); }

  readonly contacts = {
    list: (q?: QueryOptions) => this.paged<Contact>('/v1/me/contacts', q),
    get: (id: string) => this.request<Contact>('GET', `/v1/me/contacts/${seg(id, 'id')}`),
  };
  readonly friends = {
    list: (q?: QueryOptions) => this.paged<Friend>('/v1/me/friends', q),
  };
  readonly feed = {
    list: (q?: QueryOptions) => this.paged<Activity>('/v1/me/feed', q),
  };
  readonly activities = {
    list: (q?: QueryOptions) => this.paged<Activity>('/v1/me/activities', q),
    create: (a: NewActivity, o?: CreateOptions) => this.create<Activity>('/v1/me/activities', a, o),
    delete: (id: string) => this.request<void>('DELETE', `/v1/me/activities/${seg(id, 'id')}`),
  };
  readonly invitations = {
    list: (q?: QueryOptions) => this.paged<Invitation>('/v1/me/invitations', q),
    create: (i: { email: string; message?: string } | { contactId: string; message?: string }, o?: CreateOptions) =>
      this.create<Invitation>('/v1/me/invitations', i, o),
    cancel: (id: string) => this.request<void>('DELETE', `/v1/me/invitations/${seg(id, 'id')}`),
  };
  readonly conversations = {
    list: (q?: QueryOptions) => this.paged<Conversation>('/v1/me/conversations', q),
    /** The conversation with these members (a one-to-one conversation is unique). */
    create: (members: string[]) => this.create<Conversation>('/v1/me/conversations', { members }),
  };
  readonly messages = {
    list: (conversationId: string, q?: QueryOptions) =>
      this.paged<Message>(`/v1/me/conversations/${seg(conversationId, 'conversationId')}/messages`, q),
    send: (conversationId: string, text: string, o: { clientMessageId?: string } = {}) => {
      check(typeof text === 'string' && text.length >= 1 && text.length <= 4000, 'text', 'must be 1 to 4000 characters');
      return this.request<Message>('POST', `/v1/me/conversations/${seg(conversationId, 'conversationId')}/messages`, {
        text, clientMessageId: o.clientMessageId ?? crypto.randomUUID(),
      });
    },
  };

  /** A new live-events connection of its own (close it when done). */
  events(o: LiveEventsOptions = {}): LiveEvents {
    return new LiveEvents(async (since, fresh) => {
      const q = new URLSearchParams({ access_token: await this.holder.accessToken(fresh) });
      if (since !== null) q.set('since', String(since));
      return `${this.server.replace(/^http/, 'ws')}/v1/me/events?${q}`;
    }, o);
  }

  /** The page's shared live-events connection (widgets use it); `release` when done. */
  shared(): LiveEvents {
    this.liveUsers++;
    this.live ??= this.events();
    return this.live;
  }

  /** The shared connection, if some widget holds it (does not take it). */
  get sharedEvents(): LiveEvents | null { return this.live; }

  /** Gives back {@link shared}: the connection closes when no one uses it. */
  release(): void {
    if (--this.liveUsers <= 0 && this.live) {
      this.live.close();
      this.live = null;
      this.liveUsers = 0;
    }
  }
}

/** A path segment: non-empty, encoded. */
function seg(v: string, name: string): string {
  check(typeof v === 'string' && v.length > 0, name, 'must be a non-empty string');
  return encodeURIComponent(v);
}
