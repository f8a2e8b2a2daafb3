// Types of `messenger-connect`. The native layer's declarations are generated from the
// Rust code (`native.d.ts`, by `napi build --dts`); this file types the thin JS layer
// (`index.js`) over it: options, models (camelCase JSON of the API), iterators, errors.
// Values cross the native boundary as JSON text, so the generated declarations type them
// as `string`; the models are typed here.
import type { NativeCallOptions, NativeOptions } from './native';

/** A token set as stored: `TokenSet.toStorage()`, or a plain object restored from a store. */
export interface StoredTokenSet {
  accessToken: string;
  tokenType?: string;
  expiresAt?: string | null;
  scopes?: string[];
  refreshToken?: string | null;
  refreshTokenExpiresAt?: string | null;
  idToken?: string | null;
  obtainedAt?: string | null;
}

/**
 * The tokens of a user or an app. The secrets are readable, but `console.log`,
 * `util.inspect`, `String()` and `JSON.stringify` show `[redacted]` instead of them: to
 * persist a token set, store `toStorage()`.
 */
export interface TokenSet extends StoredTokenSet {}
export declare class TokenSet {
  private constructor();
  static from(stored: StoredTokenSet | TokenSet): TokenSet;
  /** Every field, the secrets in clear: what to persist. */
  toStorage(): StoredTokenSet;
  /** The secrets replaced by `[redacted]`. */
  toJSON(): StoredTokenSet;
}

/**
 * Options of `new Client(...)`: the generated `NativeOptions` (see `native.d.ts`, made by
 * `napi build --dts` from the Rust code), with the token set as an object and the
 * token-change callback.
 */
/** Options of a view of a client (`withOptions`); each one given replaces the client's. */
export type CallOptions = NativeCallOptions & {
  /** Ends the view's calls when it aborts; they reject with `signal.reason`. */
  signal?: AbortSignal;
};

export type ClientOptions = Omit<NativeOptions, 'tokens'> & {
  /** A stored token set (e.g. the last one `onTokens` received). */
  tokens?: TokenSet | StoredTokenSet;
  /** Receives every new token set (the refresh token rotates): persist it. */
  /** Receives every new token set; may return a Promise. Throwing or rejecting fails the call that obtained them with `TokenStoreError`. */
  onTokens?: ((tokens: TokenSet) => void | Promise<void>) | null;
};

export type Presence = 'online' | 'away' | 'busy' | 'invisible' | 'offline';
export interface Status { message?: string | null; presence?: Presence; updated?: string; [k: string]: unknown }
export interface Me { id: string; displayName: string; [k: string]: unknown }
export interface Contact { id: string; displayName: string; emails?: { value: string; type?: string }[]; [k: string]: unknown }
export interface Friend { id: string; displayName: string; presence: Presence; [k: string]: unknown }
export type ActivityType = 'Note' | 'Share' | 'Like' | 'Status';
export interface NewActivity { type: ActivityType; content?: string; name?: string; url?: string; image?: { url: string } }
/** Options of `activities.create`. */
export interface CreateActivityOptions {
  /**
   * Your own `Idempotency-Key` (1 to 255 visible ASCII characters; anything else throws a
   * `TypeError` before any request), e.g. derived from the item's id in your database:
   * the same item posted again, even by another run of the job, returns the first
   * activity (the server keeps keys 24 hours) instead of posting a second one. Without
   * it, a key is made per call. Retries reuse the key either way.
   */
  idempotencyKey?: string;
}
export interface Activity extends NewActivity { id: string; actor: { id: string; displayName: string }; published: string; generator?: { id: string; name: string }; [k: string]: unknown }
export interface Conversation { id: string; members: { id: string; displayName: string }[]; created: string; [k: string]: unknown }
export interface Message { id: string; conversationId: string; text: string; clientMessageId?: string; sent: string; [k: string]: unknown }
export interface Invitation { id: string; email?: string; contactId?: string; message?: string; status: 'pending' | 'accepted' | 'cancelled'; created: string; friendId?: string; [k: string]: unknown }
export interface Page<T> { items: T[]; nextLink: string | null; deltaLink: string | null; count: number | null }
export interface DeltaRound { upserts: Contact[]; removed: string[]; deltaLink: string }
export type Removed = { id: string; '@removed': { reason: string } };
export type LiveEventType = 'message.created' | 'presence.changed' | 'status.changed' | 'activity.created' | 'contact.changed' | 'typing' | 'resync';
/** A live event: `seq` is null for `typing` (not logged); `resync` carries the current seq. */
export interface LiveEvent { type: LiveEventType | (string & {}); seq: number | null; data: any }
export interface Permissions { clientId: string; clientName: string; scopes: string[]; granted?: string; [k: string]: unknown }
export interface BatchRequest { id: string; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; headers?: Record<string, string>; body?: unknown; dependsOn?: string[] }
export interface BatchResponse { id: string; status: number; headers: Record<string, string>; body?: any }
export interface PocoQuery {
  filterBy?: string;
  filterOp?: 'equals' | 'contains' | 'startswith' | 'present';
  filterValue?: string;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  startIndex?: number;
  count?: number;
  updatedSince?: string | Date;
  fields?: string[];
}
export interface PocoPage { startIndex: number; itemsPerPage: number; totalResults: number; entry: Contact[]; [k: string]: unknown }
export interface AuthorizationParams { scopes: string[]; prompt?: 'none' | 'login' | 'consent'; loginHint?: string }
/** A started authorization as stored: `AuthorizationRequest.toStorage()`. */
export interface StoredAuthorizationRequest { url: string; state: string; nonce: string; codeVerifier: string; redirectUri: string; scopes: string[] }
/**
 * A started authorization: send the user to `url`; keep the request for `exchangeCode`.
 * The code verifier is secret: `console.log`, `util.inspect`, `String()` and
 * `JSON.stringify` show `[redacted]` instead; to persist the request, store `toStorage()`.
 */
export interface AuthorizationRequest extends StoredAuthorizationRequest {}
export declare class AuthorizationRequest {
  private constructor();
  static from(stored: StoredAuthorizationRequest | AuthorizationRequest): AuthorizationRequest;
  /** Every field, the verifier in clear: what to persist. */
  toStorage(): StoredAuthorizationRequest;
  /** The verifier replaced by `[redacted]`. */
  toJSON(): StoredAuthorizationRequest;
}
export interface DeviceAuthorization { deviceCode: string; userCode: string; verificationUri: string; verificationUriComplete: string | null; expiresIn: number; interval: number }
export type DevicePoll = { status: 'pending' } | { status: 'slowDown'; interval: number } | { status: 'complete'; tokens: TokenSet };
export type TokenTypeHint = 'access_token' | 'refresh_token';
export interface Introspection { active: boolean; scope?: string; client_id?: string; username?: string; token_type?: string; exp?: number; iat?: number; sub?: string; [k: string]: unknown }
export interface UserInfo { sub: string; name?: string; given_name?: string; family_name?: string; email?: string; email_verified?: boolean; locale?: string; picture?: string; [k: string]: unknown }
export interface IdTokenClaims { iss: string; sub: string; aud: string | string[]; exp: number; iat?: number; nonce?: string; [k: string]: unknown }

export type FilterExpr = { op: string; [k: string]: unknown };
export type Literal = string | number | boolean | null | Date;
export const Filter: {
  eq(property: string, value: Literal): FilterExpr;
  ne(property: string, value: Literal): FilterExpr;
  gt(property: string, value: Literal): FilterExpr;
  ge(property: string, value: Literal): FilterExpr;
  lt(property: string, value: Literal): FilterExpr;
  le(property: string, value: Literal): FilterExpr;
  startswith(property: string, value: string): FilterExpr;
  endswith(property: string, value: string): FilterExpr;
  contains(property: string, value: string): FilterExpr;
  in(property: string, values: Literal[]): FilterExpr;
  and(...filters: FilterExpr[]): FilterExpr;
  or(...filters: FilterExpr[]): FilterExpr;
  not(filter: FilterExpr): FilterExpr;
  any(property: string, filter: FilterExpr): FilterExpr;
  /** An OData expression written by hand, sent as-is. */
  raw(text: string): FilterExpr;
  date(d: Date | string): { dateTime: string };
};

export interface QueryOptions {
  /** A `Filter` expression, or an OData string sent as-is (`"displayName eq 'Ada'"`). */
  filter?: FilterExpr | string;
  /** `"displayName desc"`, several keys comma-separated or in an array, or core's `{property, desc}` keys. */
  orderby?: string | (string | { property: string; desc?: boolean })[];
  orderBy?: string | (string | { property: string; desc?: boolean })[];
  select?: string[];
  top?: number;
  skip?: number;
  count?: boolean;
  search?: string;
}

export declare class Paged<T> implements AsyncIterable<T> {
  private constructor();
  pages(): AsyncGenerator<Page<T>>;
  [Symbol.asyncIterator](): AsyncGenerator<T>;
  toArray(): Promise<T[]>;
}

export declare class EventSubscription implements AsyncIterable<LiveEvent> {
  private constructor();
  next(): Promise<LiveEvent | null>;
  /** The seq of the last logged event handed out, or `null`; never waits (readable while a `next()` is pending and after `close()`). */
  lastSeq(): number | null;
  /** How many times the socket was reconnected; never waits. */
  reconnects(): number;
  typing(conversationId: string): Promise<void>;
  close(): void;
  [Symbol.asyncIterator](): AsyncGenerator<LiveEvent>;
}

export declare class Client {
  constructor(options: ClientOptions);
  readonly tokens: TokenSet | null;
  setTokens(tokens: TokenSet | StoredTokenSet): void;
  /**
   * A client for another user, sharing this client's connection pool and options, with its
   * own tokens and its own `onTokens`: its rotated tokens go there only (nowhere when
   * absent), never to this client's callback. Closing one does not close the other.
   */
  withTokens(tokens: TokenSet | StoredTokenSet, onTokens?: ((tokens: TokenSet) => void | Promise<void>) | null): Client;
  /**
   * A view of this client for some calls (same user, tokens and pool) with these options
   * over the client's. Once `signal` aborts, the view's pending calls, page fetches and
   * live events end, its calls reject with `signal.reason`, and later ones send nothing.
   */
  withOptions(options: CallOptions): Client;
  me(): Promise<Me>;
  updateMe(update: Partial<Me>): Promise<Me>;
  user(id: string): Promise<Me>;
  status(): Promise<Status>;
  setStatus(update: { message?: string; presence?: Presence }): Promise<Status>;
  permissions(): Promise<Permissions>;
  revokePermissions(): Promise<void>;
  dropScope(scope: string): Promise<void>;
  batch(requests: BatchRequest[]): Promise<BatchResponse[]>;
  events(options?: { since?: number }): Promise<EventSubscription>;
  close(): Promise<void>;
  readonly contacts: {
    list(options?: QueryOptions): Paged<Contact>;
    listPage(options?: QueryOptions): Promise<Page<Contact>>;
    from(link: string): Paged<Contact>;
    get(id: string): Promise<Contact>;
    create(contact: Partial<Contact> & { displayName: string }): Promise<Contact>;
    update(id: string, update: Partial<Contact>, options?: { ifMatch?: string }): Promise<Contact>;
    delete(id: string, options?: { ifMatch?: string }): Promise<void>;
    sync(options?: { deltaLink?: string | null; pageSize?: number }): Promise<DeltaRound>;
    delta(options?: { deltaLink?: string | null; pageSize?: number }): Paged<Contact | Removed>;
  };
  readonly portableContacts: {
    list(options?: PocoQuery): Promise<PocoPage>;
    get(id: string): Promise<Contact>;
  };
  readonly auth: {
    authorizationUrl(params: AuthorizationParams): AuthorizationRequest;
    exchangeCode(request: AuthorizationRequest | StoredAuthorizationRequest, redirectUrl: string): Promise<TokenSet>;
    startDeviceAuthorization(scopes: string[]): Promise<DeviceAuthorization>;
    pollDeviceTokenOnce(device: DeviceAuthorization): Promise<DevicePoll>;
    pollDeviceToken(device: DeviceAuthorization): Promise<TokenSet>;
    clientCredentials(scopes?: string[]): Promise<TokenSet>;
    refresh(): Promise<TokenSet>;
    revokeToken(token: string, hint?: TokenTypeHint): Promise<void>;
    introspectToken(token: string, hint?: TokenTypeHint): Promise<Introspection>;
    userinfo(): Promise<UserInfo>;
    validateIdToken(idToken: string, nonce?: string): Promise<IdTokenClaims>;
  };
  readonly friends: { list(options?: QueryOptions): Paged<Friend> };
  readonly invitations: {
    list(options?: QueryOptions): Paged<Invitation>;
    create(invitation: { email: string; message?: string } | { contactId: string; message?: string }): Promise<Invitation>;
    cancel(id: string): Promise<void>;
  };
  readonly feed: { list(options?: QueryOptions): Paged<Activity> };
  readonly activities: {
    list(options?: QueryOptions): Paged<Activity>;
    get(id: string): Promise<Activity>;
    create(activity: NewActivity, options?: CreateActivityOptions): Promise<Activity>;
    delete(id: string): Promise<void>;
  };
  readonly conversations: {
    list(options?: QueryOptions): Paged<Conversation>;
    create(members: string[]): Promise<Conversation>;
  };
  readonly messages: {
    list(conversationId: string, options?: QueryOptions): Paged<Message>;
    send(conversationId: string, message: string | { text: string; clientMessageId?: string }): Promise<Message>;
  };
}

/**
 * The root of every error this package raises. The classes below are core's one table of
 * error kinds (`ErrorKind`), the same in every binding.
 */
export declare class MessengerConnectError extends Error {
  /** core's kind, e.g. `notFound`, `invalidArgument`. */
  kind: string;
  /** The explanation alone (the server's message, what is wrong with the argument). */
  description: string | null;
  status: number | null;
  /** The API's `error.code` or the OAuth `error`; `null` for errors found by the client. */
  code: string | null;
  requestId: string | null;
  /** The field, query option or argument at fault. */
  target: string | null;
  /** Seconds to wait (`Retry-After`), when the server said. */
  retryAfter: number | null;
  details: { code: string; message: string; target?: string | null }[];
}
/** The server answered with an error (status, code, message, target, requestId, retryAfter, details). */
export declare class ApiError extends MessengerConnectError {}
export declare class NotFoundError extends ApiError {}
export declare class AuthError extends ApiError {}
export declare class ValidationError extends ApiError {}
export declare class ConflictError extends ApiError {}
export declare class PreconditionFailedError extends ApiError {}
/** A delta link too old for the server's change log (410): start a full sync again. */
export declare class ResyncRequiredError extends ApiError {}
export declare class RateLimitedError extends ApiError {}
export declare class ServerError extends ApiError {}
/** An argument refused before any request; `target` names it. */
export declare class InvalidArgumentError extends MessengerConnectError {}
/** The request could not be sent or its response not read. */
export declare class NetworkError extends MessengerConnectError {}
export declare class TimeoutError extends NetworkError {}
/** The client is not configured for this call, or was closed. */
export declare class ConfigError extends MessengerConnectError {}
/** A failure inside the binding (a bug): please report it. */
export declare class InternalError extends MessengerConnectError {}
export declare class TokenStoreError extends MessengerConnectError { tokens: TokenSet; cause: unknown }

/** A log record of core: no secret ever appears in it. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** `messenger_connect::http`, `::auth`, `::sync` or `::events`. */
  target: string;
  message: string;
  /** The event's fields and those of its call (method, path, attempt, status, ...). */
  fields: Record<string, string | number | boolean>;
}
/**
 * Sends core's log records of every client to `handler` at `level` and more severe
 * (default `info`); `null` stops them. Asynchronous, never keeps the process alive.
 */
export declare function setLogger(
  handler: ((record: LogRecord) => void) | null,
  options?: { level?: 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace' },
): void;
