'use strict';
// Error classes of `messenger-connect`. The native addon rejects with an Error whose
// message is `MCERR:` + a JSON record (kind, status, code, message, requestId, target,
// retryAfter, details); `fromNative` turns it into one of these classes. Messages never
// carry a token or a secret (core guarantees it for its errors).

const PREFIX = 'MCERR:';

class MessengerConnectError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = new.target.name;
    this.kind = fields.kind ?? 'other';
    this.status = fields.status ?? null;
    this.code = fields.code ?? null;
    this.requestId = fields.requestId ?? null;
    this.target = fields.target ?? null;
    this.retryAfter = fields.retryAfter ?? null;
    this.details = fields.details ?? [];
  }
}

/** The API answered with an error (`{"error":{"code","message",...}}`). */
class ApiError extends MessengerConnectError {}
/** 404. */
class NotFoundError extends ApiError {}
/** 429: `retryAfter` seconds, when the server said. */
class RateLimitedError extends ApiError {}
/** 401/403 from the API, or an OAuth error (`code` is the OAuth error). */
class AuthError extends ApiError {}
/** 400 `validationFailed` and friends: `target` names the field. */
class ValidationError extends ApiError {}
/** 409 / 412 (`conflict`, `preconditionFailed`, `alreadyFriends`...). */
class ConflictError extends ApiError {}
/** A delta link too old for the server's change log (410): start a full sync again. */
class ResyncRequiredError extends MessengerConnectError {}
/** The request could not be sent or its response not read; `timeout` tells a timeout. */
class NetworkError extends MessengerConnectError {}
/** A response could not be decoded. */
class DecodeError extends MessengerConnectError {}
/** The client is not configured for this call, or was closed. */
class ConfigError extends MessengerConnectError {}

function apiClass(r) {
  if (r.status === 404) return NotFoundError;
  if (r.status === 429) return RateLimitedError;
  if (r.status === 401 || r.status === 403) return AuthError;
  if (r.status === 409 || r.status === 412) return ConflictError;
  if (r.status === 400 || r.status === 413 || r.status === 422) return ValidationError;
  return ApiError;
}

/** Maps an error from the native addon; anything else is returned as it is. */
function fromNative(err) {
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith(PREFIX)) {
    return err;
  }
  let r;
  try {
    r = JSON.parse(err.message.slice(PREFIX.length));
  } catch {
    return err;
  }
  let e;
  switch (r.kind) {
    case 'invalidArgument': {
      e = new TypeError(r.message);
      e.code = 'ERR_INVALID_ARG_VALUE';
      e.argument = r.target ?? null;
      return e;
    }
    case 'api':
      e = new (apiClass(r))(r.message, r);
      break;
    case 'oauth':
      e = new AuthError(r.message, r);
      break;
    case 'resyncRequired':
      e = new ResyncRequiredError(r.message, r);
      break;
    case 'network':
      e = new NetworkError(r.message, r);
      e.timeout = !!r.timeout;
      break;
    case 'decode':
      e = new DecodeError(r.message, r);
      break;
    case 'config':
    case 'closed':
      e = new ConfigError(r.message, r);
      break;
    default:
      e = new MessengerConnectError(r.message, r);
  }
  return e;
}

module.exports = {
  MessengerConnectError,
  ApiError,
  NotFoundError,
  RateLimitedError,
  AuthError,
  ValidationError,
  ConflictError,
  ResyncRequiredError,
  NetworkError,
  DecodeError,
  ConfigError,
  fromNative,
};
