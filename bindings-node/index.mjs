// ESM entry point of `messenger-connect` (the implementation is the CommonJS one).
import cjs from './index.js';

export const {
  Client,
  Filter,
  Paged,
  EventSubscription,
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
} = cjs;
export default cjs;
