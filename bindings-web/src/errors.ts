// The family's error hierarchy (DESIGN §3), the same class names as every binding.
// Messages never carry a token, a code or a secret.

/** Fields an error may carry. */
export interface ErrorFields {
  status?: number | null;
  code?: string | null;
  target?: string | null;
  requestId?: string | null;
  retryAfter?: number | null;
  details?: unknown[];
  cause?: unknown;
}

/** The base of every error this library throws. */
export class MessengerConnectError extends Error {
  /** HTTP status, when the server answered. */
  readonly status: number | null;
  /** Machine-readable code (`validationFailed`, an OAuth `error`...). */
  readonly code: string | null;
  /** The field or option at fault. */
  readonly target: string | null;
  /** The `request-id` of the answer, for support. */
  readonly requestId: string | null;
  /** Seconds the server asked to wait (`Retry-After`). */
  readonly retryAfter: number | null;
  /** The error's `details`. */
  readonly details: unknown[];
  constructor(message: string, f: ErrorFields = {}) {
    super(message, f.cause === undefined ? undefined : { cause: f.cause });
    this.name = new.target.name;
    this.status = f.status ?? null;
    this.code = f.code ?? null;
    this.target = f.target ?? null;
    this.requestId = f.requestId ?? null;
    this.retryAfter = f.retryAfter ?? null;
    this.details = f.details ?? [];
  }
}

/** The server answered with an error. */
export class ApiError extends MessengerConnectError {}
/** 404. */
export class NotFoundError extends ApiError {}
/** 401/403, or an OAuth error (`code` is the OAuth `error`). */
export class AuthError extends ApiError {}
/** 400, 413, 422: `target` names the field. */
export class ValidationError extends ApiError {}
/** 409. */
export class ConflictError extends ApiError {}
/** 412: the `If-Match` version is stale. */
export class PreconditionFailedError extends ApiError {}
/** 410 `resyncRequired`: start the sync over. */
export class ResyncRequiredError extends ApiError {}
/** 429: `retryAfter` says how long to wait. */
export class RateLimitedError extends ApiError {}
/** 5xx. */
export class ServerError extends ApiError {}
/** A bad argument, refused before any request. */
export class InvalidArgumentError extends MessengerConnectError {}
/** The request could not be sent or its answer not read. */
export class NetworkError extends MessengerConnectError {}
/** The request took longer than the client's timeout. */
export class TimeoutError extends NetworkError {}
/** The client is not set up for this call (not signed in, no popup, bad options). */
export class ConfigError extends MessengerConnectError {}
/** The page's token store failed to save rotated tokens; `tokens` are the new ones. */
export class TokenStoreError extends MessengerConnectError {}

/** The class for an API error answer. */
export function apiErrorClass(status: number, code?: string | null): typeof ApiError {
  if (status === 410 && code === 'resyncRequired') return ResyncRequiredError;
  if (status >= 500) return ServerError;
  switch (status) {
    case 404: return NotFoundError;
    case 401: case 403: return AuthError;
    case 409: return ConflictError;
    case 412: return PreconditionFailedError;
    case 429: return RateLimitedError;
    case 400: case 413: case 422: return ValidationError;
    default: return ApiError;
  }
}

/** Throws `InvalidArgumentError` naming `name` unless `ok`. */
export function check(ok: unknown, name: string, message: string): asserts ok {
  if (!ok) throw new InvalidArgumentError(`${name}: ${message}`, { target: name });
}
