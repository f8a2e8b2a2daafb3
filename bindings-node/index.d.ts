// Types of `messenger-connect`. The native layer's declarations are generated from the
// Rust code (`native.d.ts`, by `napi build --dts`); this file types the thin JS layer
// (`index.js`) over it: options, models (camelCase JSON of the API), iterators, errors.
// Values cross the native boundary as JSON text, so the generated declarations type them
// as `string`; the models are typed here.
import type { NativeOptions } from './native';

export interface TokenSet {
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
 * Options of `new Client(...)`: the generated `NativeOptions` (see `native.d.ts`, made by
 * `napi build --dts` from the Rust code), with the token set as an object and the
 * token-change callback.
 */
export type ClientOptions = Omit<NativeOptions, 'tokens'> & {
  /** A stored token set (e.g. the last one `onTokens` received). */
  tokens?: TokenSet;
  /** Receives every new token set (the refresh token rotates): persist it. */
  onTokens?: ((tokens: TokenSet) => void) | null;
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
/** A started authorization: send the user to `url`; keep the rest (the verifier is secret). */
export interface AuthorizationRequest { url: string; state: string; nonce: string; codeVerifier: string; redirectUri: string; scopes: string[] }
export interface DeviceAuthorization { deviceCode: string; userCode: string; verificationUri: string; verificationUriComplete: string | null; expiresIn: number; interval: number }
export type DevicePoll = { status: 'pending' } | { status: 'slowDown'; interval: number } | { status: 'complete'; tokens: TokenSet };
export type TokenTypeHint = 'access_token' | 'refresh_token';
export interface Introspection { active: boolean; scope?: string; client_id?: string; username?: string; token_type?: string; exp?: number; iat?: number; sub?: string; [k: string]: unknown }
export interface UserInfo { sub: string; name?: string; given_name?: string; family_name?: string; email?: string; email_verified?: boolean; locale?: string; picture?: string; [k: string]: unknown }
export interface IdTokenClaims { iss: string; sub: string; aud: string | string[]; exp: number; iat?: number; nonce?: string; [k: string]: unknown }

export type FilterExpr = { op: string; [k: string]: unknown };
export type Literal = string | number | boolean | null | Date;
export const Filter: {
  eq(field: string, value: Literal): FilterExpr;
  ne(field: string, value: Literal): FilterExpr;
  gt(field: string, value: Literal): FilterExpr;
  ge(field: string, value: Literal): FilterExpr;
  lt(field: string, value: Literal): FilterExpr;
  le(field: string, value: Literal): FilterExpr;
  startswith(field: string, value: string): FilterExpr;
  endswith(field: string, value: string): FilterExpr;
  contains(field: string, value: string): FilterExpr;
  in(field: string, values: Literal[]): FilterExpr;
  and(...filters: FilterExpr[]): FilterExpr;
  or(...filters: FilterExpr[]): FilterExpr;
  not(filter: FilterExpr): FilterExpr;
  any(field: string, filter: FilterExpr): FilterExpr;
  /** An OData expression written by hand, sent as-is. */
  raw(expression: string): FilterExpr;
  date(d: Date | string): { $date: string };
};

export interface QueryOptions {
  /** A `Filter` expression, or an OData string sent as-is (`"displayName eq 'Ada'"`). */
  filter?: FilterExpr | string;
  orderby?: string | string[];
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
  lastSeq(): Promise<number | null>;
  reconnects(): Promise<number>;
  typing(conversationId: string): Promise<void>;
  close(): void;
  [Symbol.asyncIterator](): AsyncGenerator<LiveEvent>;
}

export declare class Client {
  constructor(options: ClientOptions);
  readonly tokens: TokenSet | null;
  setTokens(tokens: TokenSet): void;
  /**
   * A client for another user, sharing this client's connection pool and options, with its
   * own tokens and its own `onTokens`: its rotated tokens go there only (nowhere when
   * absent), never to this client's callback. Closing one does not close the other.
   */
  withTokens(tokens: TokenSet, onTokens?: ((tokens: TokenSet) => void) | null): Client;
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
    exchangeCode(request: AuthorizationRequest, redirectUrl: string): Promise<TokenSet>;
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

export declare class MessengerConnectError extends Error {
  kind: string;
  status: number | null;
  code: string | null;
  requestId: string | null;
  target: string | null;
  retryAfter: number | null;
  details: { code: string; message: string; target?: string | null }[];
}
export declare class ApiError extends MessengerConnectError {}
export declare class NotFoundError extends ApiError {}
export declare class RateLimitedError extends ApiError {}
export declare class AuthError extends ApiError {}
export declare class ValidationError extends ApiError {}
export declare class ConflictError extends ApiError {}
export declare class ResyncRequiredError extends MessengerConnectError {}
export declare class NetworkError extends MessengerConnectError { timeout: boolean }
export declare class DecodeError extends MessengerConnectError {}
export declare class ConfigError extends MessengerConnectError {}
