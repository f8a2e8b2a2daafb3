//! The `tracing` targets of the client's spans and events, so a binding (or an
//! application's subscriber) can route them, e.g. to Python's `logging` as the loggers
//! `messenger_connect.http`, `messenger_connect.auth`...
//!
//! What each target carries (never a token, secret or query string):
//!
//! | target | level | what |
//! |---|---|---|
//! | [`HTTP`] | DEBUG | span `call` per call (`method`, `path`); span `attempt` per attempt (`attempt`); event `response` per attempt (`method`, `path`, `status`, `request_id`, `attempt`, `elapsed_ms`) |
//! | [`HTTP`] | INFO | `retrying` (`method`, `path`, `attempt`, `status`, `request_id`, `wait_ms`, `error`) and `waiting for Retry-After` (`wait_ms`; WARN from 5 s on) |
//! | [`HTTP`] | WARN | `giving up` after the last attempt or the retry time budget (`attempts`, `error`) |
//! | [`AUTH`] | INFO | `refreshing the access token`, `refreshed the access token` (`expires_in_s`, `refresh_token_rotated`), `renewing after a 401` |
//! | [`AUTH`] | WARN / ERROR | `token refresh failed` (`error`); `the token store failed` (`error`: the store's message) |
//! | [`SYNC`] | WARN | `resync required` (`path`, `request_id`): a delta link too old |
//! | [`EVENTS`] | INFO / WARN | `events socket dropped; reconnecting` (`last_seq`), `reconnected` (`since`, `reconnects`), `reconnection failed` (`failures`, `error`) |

/// HTTP calls, attempts, retries and waits.
pub const HTTP: &str = "messenger_connect::http";
/// Token refreshes and the token store.
pub const AUTH: &str = "messenger_connect::auth";
/// Delta sync (resync required).
pub const SYNC: &str = "messenger_connect::sync";
/// The live-events socket (reconnections).
pub const EVENTS: &str = "messenger_connect::events";
/// Every target above.
pub const ALL: [&str; 4] = [HTTP, AUTH, SYNC, EVENTS];
