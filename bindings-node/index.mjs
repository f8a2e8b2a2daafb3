// ESM entry point of `messenger-connect` (the implementation is the CommonJS one).
import cjs from './index.js';

export const {
  Client,
  Filter,
  Paged,
  EventSubscription,
  TokenSet,
  AuthorizationRequest,
  setLogger,
  MessengerConnectError,
  ApiError,
  NotFoundError,
  AuthError,
  ValidationError,
  ConflictError,
  PreconditionFailedError,
  ResyncRequiredError,
  RateLimitedError,
  ServerError,
  InvalidArgumentError,
  NetworkError,
  TimeoutError,
  ConfigError,
  TokenStoreError,
  InternalError,
} = cjs;
export default cjs;
