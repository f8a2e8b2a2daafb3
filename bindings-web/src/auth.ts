// Sign-in for a public client in the browser: authorization code + PKCE (S256), state and
// nonce, in a popup or by redirect, answers in the fragment; the ID token's claims and its
// signature (by the JWKS) validated by oauth4webapi. Refresh with rotation, revocation.

import * as oauth from 'oauth4webapi';
import { AuthError, ConfigError, MessengerConnectError, TimeoutError } from './errors.js';
import { TokenSet } from './tokens.js';

/** What the auth layer is configured with. */
export interface AuthConfig {
  /** The issuer (the server's base URL). */
  server: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  fetch: typeof fetch;
}

/** What a sign-in proves: the ID token's validated claims. */
export interface Account {
  /** The user's id (`sub`). */
  id: string;
  name?: string;
  email?: string;
  picture?: string;
  claims: Record<string, unknown>;
}

/** Options of one sign-in. */
export interface SignInOptions {
  /** `popup` (default) or `redirect`. */
  mode?: 'popup' | 'redirect';
  /** `login` or `consent` to force that step; `none` to fail instead of showing a page. */
  prompt?: 'none' | 'login' | 'consent';
  /** A user id or email to pre-fill. */
  loginHint?: string;
  /** How long the popup may stay open (ms, default 5 minutes). */
  timeoutMs?: number;
}

/** The sign-in state kept across the redirect (sessionStorage) or the popup. */
interface Pending { state: string; nonce: string; verifier: string; returnTo?: string }

const PENDING_KEY = 'messenger-connect.pending-sign-in';
/** `window.name` of the popup, and the `postMessage` type of its answer. */
export const POPUP_NAME = 'messenger-connect-sign-in';
export const POPUP_MESSAGE = 'messenger-connect:authorization-response';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** Plain HTTP is only allowed to a loopback server. */
function insecureOk(url: URL): boolean {
  if (url.protocol === 'https:') return false;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return true;
  throw new ConfigError(`the server must use https (plain http only on loopback): ${url.origin}`);
}

/** The answer's parameters: the fragment (`response_mode=fragment`) or the query. */
export function responseParams(url: string): URLSearchParams {
  const u = new URL(url);
  return new URLSearchParams(u.hash.length > 1 ? u.hash.slice(1) : u.search);
}

/** Turns oauth4webapi's errors into the family's. */
function mapped(e: unknown): MessengerConnectError {
  if (e instanceof MessengerConnectError) return e;
  if (e instanceof oauth.AuthorizationResponseError) {
    return new AuthError(e.error_description || e.error, { code: e.error, cause: e });
  }
  if (e instanceof oauth.ResponseBodyError) {
    return new AuthError(e.error_description || e.error, { code: e.error, status: e.status, cause: e });
  }
  const err = e as Error;
  return new AuthError(`sign-in failed: ${err?.message ?? e}`, { code: (e as any)?.code ?? null, cause: e });
}

export class Auth {
  private as: Promise<oauth.AuthorizationServer> | null = null;
  private readonly client: oauth.Client;
  private readonly opts: { [oauth.allowInsecureRequests]?: boolean; [oauth.customFetch]: typeof fetch };

  constructor(private readonly c: AuthConfig) {
    this.client = { client_id: c.clientId };
    this.opts = {
      [oauth.allowInsecureRequests]: insecureOk(new URL(c.server)),
      [oauth.customFetch]: (url, init) => c.fetch(url, init as RequestInit),
    };
  }

  /** The server's metadata (discovery, fetched once). */
  metadata(): Promise<oauth.AuthorizationServer> {
    this.as ??= (async () => {
      const issuer = new URL(this.c.server);
      const res = await oauth.discoveryRequest(issuer, { ...this.opts, algorithm: 'oidc' });
      return oauth.processDiscoveryResponse(issuer, res);
    })().catch((e) => { this.as = null; throw mapped(e); });
    return this.as;
  }

  /** The authorization URL for a new sign-in, and the state to keep until it returns. */
  async start(o: SignInOptions): Promise<{ url: string; pending: Pending }> {
    const as = await this.metadata();
    if (!as.authorization_endpoint) throw new ConfigError('the server has no authorization endpoint');
    const pending = {
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      verifier: oauth.generateRandomCodeVerifier(),
    };
    const url = new URL(as.authorization_endpoint);
    const q = url.searchParams;
    q.set('response_type', 'code');
    q.set('response_mode', 'fragment');
    q.set('client_id', this.c.clientId);
    q.set('redirect_uri', this.c.redirectUri);
    q.set('scope', this.c.scopes.join(' '));
    q.set('state', pending.state);
    q.set('nonce', pending.nonce);
    q.set('code_challenge', await oauth.calculatePKCECodeChallenge(pending.verifier));
    q.set('code_challenge_method', 'S256');
    if (o.prompt) q.set('prompt', o.prompt);
    if (o.loginHint) q.set('login_hint', o.loginHint);
    return { url: url.href, pending };
  }

  /** Signs in through a popup opened by the caller (synchronously, in the click handler). */
  async popup(win: Window, o: SignInOptions): Promise<{ tokens: TokenSet; account: Account }> {
    try {
      const { url, pending } = await this.start(o);
      win.location.href = url;
      const answer = await waitForPopup(win, o.timeoutMs ?? 300_000);
      return await this.finish(answer, pending);
    } finally {
      if (!win.closed) win.close();
    }
  }

  /** Leaves the page for the sign-in; {@link complete} finishes it when the user is back. */
  async redirect(o: SignInOptions): Promise<never> {
    const { url, pending } = await this.start(o);
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ ...pending, returnTo: location.href }));
    location.assign(url);
    return new Promise<never>(() => {});
  }

  /** On the page the redirect came back to: finishes the sign-in, or `null` when none is pending. */
  async complete(url: string): Promise<{ tokens: TokenSet; account: Account; returnTo?: string } | null> {
    const params = responseParams(url);
    const text = sessionStorage.getItem(PENDING_KEY);
    if (!text || !(params.has('code') || params.has('error'))) return null;
    sessionStorage.removeItem(PENDING_KEY);
    const pending = JSON.parse(text) as Pending;
    return { ...(await this.finish(params, pending)), returnTo: pending.returnTo };
  }

  /** Checks the answer (state), redeems the code (PKCE) and validates the ID token (nonce, signature). */
  finish(params: URLSearchParams, p: Pending): Promise<{ tokens: TokenSet; account: Account }> {
    return this.guarded(async (as) => {
      const checked = oauth.validateAuthResponse(as, this.client, params, p.state);
      const res = await oauth.authorizationCodeGrantRequest(
        as, this.client, oauth.None(), checked, this.c.redirectUri, p.verifier, this.opts,
      );
      const openid = this.c.scopes.includes('openid');
      const body = await oauth.processAuthorizationCodeResponse(as, this.client, res, {
        expectedNonce: p.nonce, requireIdToken: openid,
      });
      if (openid) await oauth.validateApplicationLevelSignature(as, res, this.opts);
      const claims = (oauth.getValidatedIdTokenClaims(body) ?? {}) as Record<string, any>;
      return {
        tokens: tokenSet(body),
        account: { id: claims.sub, name: claims.name, email: claims.email, picture: claims.picture, claims },
      };
    });
  }

  /** Redeems a refresh token (the server rotates it: the answer holds the next one). */
  refresh(refreshToken: string): Promise<TokenSet> {
    return this.guarded(async (as) => {
      const res = await oauth.refreshTokenGrantRequest(as, this.client, oauth.None(), refreshToken, this.opts);
      return tokenSet(await oauth.processRefreshTokenResponse(as, this.client, res), refreshToken);
    });
  }

  /** Revokes a token (RFC 7009). */
  revoke(token: string): Promise<void> {
    return this.guarded(async (as) => {
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, this.client, oauth.None(), token, this.opts));
    });
  }

  /** Runs `f` with the server's metadata; its failures become the family's errors. */
  private async guarded<T>(f: (as: oauth.AuthorizationServer) => Promise<T>): Promise<T> {
    try {
      return await f(await this.metadata());
    } catch (e) {
      throw mapped(e);
    }
  }
}

function tokenSet(b: oauth.TokenEndpointResponse, previousRefresh?: string): TokenSet {
  return new TokenSet({
    accessToken: b.access_token,
    refreshToken: b.refresh_token ?? previousRefresh,
    idToken: b.id_token,
    expiresAt: Date.now() + (b.expires_in ?? 3600) * 1000,
    scope: b.scope ?? '',
  });
}

/**
 * Waits for the popup's answer: a `postMessage` from the callback page (see
 * `completePopup`), or the popup itself once it is back on this origin with an answer.
 */
function waitForPopup(win: Window, timeoutMs: number): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const done = (f: () => void) => {
      clearInterval(timer);
      removeEventListener('message', onMessage);
      f();
    };
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== location.origin || e.source !== win || e.data?.type !== POPUP_MESSAGE) return;
      done(() => resolve(responseParams(String(e.data.url))));
    };
    const timer = setInterval(() => {
      let here: string | null = null;
      try {
        if (win.location.origin === location.origin) here = win.location.href;
      } catch { /* still on the server's origin */ }
      if (here) {
        const params = responseParams(here);
        if (params.has('code') || params.has('error')) return done(() => resolve(params));
      }
      if (win.closed) {
        done(() => reject(new AuthError('the sign-in window was closed before signing in', { code: 'popup_closed' })));
      } else if (Date.now() > deadline) {
        done(() => reject(new TimeoutError(`no sign-in within ${timeoutMs} ms`)));
      }
    }, 100);
    addEventListener('message', onMessage);
  });
}

/**
 * On the redirect URI's page, when it was opened as the sign-in popup: hands the answer
 * to the opener and closes. Returns false when this page is not that popup.
 */
export function completePopup(): boolean {
  const opener = window.opener as Window | null;
  const params = responseParams(location.href);
  if (!opener || !(params.has('code') || params.has('error'))) return false;
  opener.postMessage({ type: POPUP_MESSAGE, url: location.href }, location.origin);
  window.close();
  return true;
}
