// Tokens: held in memory (by default), refreshed before expiry and once on 401 with a
// single request however many calls wait, rotated tokens handed to the page's store.

import { ConfigError, TokenStoreError } from './errors.js';

const SECRET = Symbol('secrets');

/** What a token response gave, as stored. */
export interface TokenData {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Expiry of the access token, milliseconds since the epoch. */
  expiresAt: number;
  scope: string;
}

/**
 * A set of tokens. Its secrets never show in `String()`, `JSON.stringify` or Node's
 * `inspect`: read them from the properties, persist them with {@link TokenSet.serialize}.
 */
export class TokenSet {
  private readonly [SECRET]: TokenData;
  constructor(data: TokenData) { this[SECRET] = { ...data }; }
  get accessToken(): string { return this[SECRET].accessToken; }
  get refreshToken(): string | undefined { return this[SECRET].refreshToken; }
  get idToken(): string | undefined { return this[SECRET].idToken; }
  get expiresAt(): number { return this[SECRET].expiresAt; }
  get scope(): string { return this[SECRET].scope; }
  /** The secrets as JSON text, for a store that must keep them. */
  serialize(): string { return JSON.stringify(this[SECRET]); }
  /** The tokens of {@link serialize}'s text. */
  static parse(text: string): TokenSet {
    const d = JSON.parse(text);
    if (typeof d?.accessToken !== 'string' || typeof d.expiresAt !== 'number') {
      throw new ConfigError('stored tokens are not in the expected shape');
    }
    return new TokenSet(d);
  }
  toString(): string {
    return `TokenSet(scope="${this.scope}", expires=${new Date(this.expiresAt).toISOString()}, refresh=${!!this.refreshToken})`;
  }
  toJSON(): object { return { scope: this.scope, expiresAt: this.expiresAt, redacted: true }; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/**
 * Where tokens live between page loads. The default keeps them in memory only: a reload
 * signs the user out, and no script can read them from storage. See README "Token storage".
 */
export interface TokenStore {
  load(): TokenSet | null | Promise<TokenSet | null>;
  /** Called with every new set (and `null` on sign-out); a throw is a {@link TokenStoreError}. */
  save(tokens: TokenSet | null): void | Promise<void>;
}

/** Memory only (the default). */
export function memoryStore(): TokenStore {
  let held: TokenSet | null = null;
  return { load: () => held, save: (t) => { held = t; } };
}

/**
 * `sessionStorage` or `localStorage`: tokens survive reloads (and, for `localStorage`,
 * browser restarts), and any script on the origin, an XSS included, can read them.
 */
export function webStorageStore(storage: Storage, key = 'messenger-connect.tokens'): TokenStore {
  return {
    load: () => {
      const text = storage.getItem(key);
      return text ? TokenSet.parse(text) : null;
    },
    save: (t) => (t ? storage.setItem(key, t.serialize()) : storage.removeItem(key)),
  };
}

/** Refreshes a set; resolves with the new one. */
export type Refresher = (refreshToken: string) => Promise<TokenSet>;

/** Holds the current tokens and refreshes them once for all waiting callers. */
export class TokenHolder {
  private current: TokenSet | null = null;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly store: TokenStore,
    private readonly refresher: Refresher,
    private readonly changed: (t: TokenSet | null) => void,
    /** Refresh this long before expiry (ms). */
    private readonly skewMs = 30_000,
  ) {}

  get tokens(): TokenSet | null { return this.current; }

  /** Loads the stored set, if any. */
  async load(): Promise<TokenSet | null> {
    this.current = (await this.store.load()) ?? null;
    if (this.current) this.changed(this.current);
    return this.current;
  }

  /** Sets new tokens and saves them; a store failure throws, the new tokens stay in use. */
  async set(t: TokenSet | null): Promise<void> {
    this.current = t;
    this.changed(t);
    try {
      await this.store.save(t);
    } catch (cause) {
      throw Object.assign(
        new TokenStoreError(`the token store failed to save the tokens: ${(cause as Error)?.message ?? cause}`, { cause }),
        { tokens: t },
      );
    }
  }

  /** A usable access token: refreshed first when it expires within the skew, or when forced. */
  async accessToken(force = false): Promise<string> {
    const t = this.current;
    if (!t) throw new ConfigError('not signed in: call signIn() first');
    if (!force && t.expiresAt - this.skewMs > Date.now()) return t.accessToken;
    if (!t.refreshToken) {
      if (!force && t.expiresAt > Date.now()) return t.accessToken;
      throw new ConfigError('the access token expired and there is no refresh token (ask for offline_access): sign in again');
    }
    this.inflight ??= this.refresh(t.refreshToken).finally(() => { this.inflight = null; });
    return this.inflight;
  }

  private async refresh(refreshToken: string): Promise<string> {
    const next = await this.refresher(refreshToken);
    await this.set(next);
    return next.accessToken;
  }
}
