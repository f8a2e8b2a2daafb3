//! `messenger_connect_dotnet`: the uniffi cdylib behind the .NET library
//! `MessengerConnect`. It wraps the core client (`messenger-connect`) and the mock server
//! (`messenger-connect-mock`) with uniffi proc-macros, converting arguments, results and
//! errors only; the C# is generated from this library's metadata by
//! `uniffi-bindgen-dotnet` (see `README.md` here for the exported surface).

// The error and data enums are uniffi data (every variant's fields cross the FFI as they
// are, and uniffi has no `Box`), so they stay unboxed; their size is nothing next to the
// cost of the call that carries them.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

uniffi::setup_scaffolding!("messenger_connect");

mod auth;
mod client;
mod continuations;
mod errors;
mod events;
mod logging;
mod models;
mod options;
mod page_streams;
mod query;
mod testing;
mod token_changes;

pub use auth::{
    AuthorizationParams, AuthorizationRequest, DeviceAuthorization, DevicePoll, IdTokenClaims,
    Introspection, TokenSet, TokenTypeHint, UserInfo, authorization_request_from_json,
    authorization_request_to_json, bearer_token_set, token_set_from_json, token_set_to_json,
};
pub use client::Client;
pub use errors::{ErrorDetail, MessengerConnectError, Result};
pub use events::{Event, EventSubscription, EventsOptions, PresenceChange, StatusChange};
pub use logging::{LogEntry, LogLevel, LogListener, MAX_QUEUED_LOG_RECORDS};
pub use models::*;
pub use options::{CallOptions, ClientOptions, RetryOptions, default_client_options};
pub use page_streams::{
    ActivityPages, ContactPages, ConversationPages, DeltaPages, FriendPages, InvitationPages,
    MessagePages,
};
pub use query::{Filter, Literal, OrderBy, PocoFilterOp, PocoQuery, Query, SortOrder};
pub use testing::{
    MockApp, MockAppOptions, MockFault, MockFaultKind, MockOptions, MockResetOptions, MockResponse,
    MockServer, MockUser, all_scopes, default_mock_options,
};
pub use token_changes::TokenChange;

/// The version of this library (the crate version).
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Largest page size (`Query::top`, `page_size`) the API accepts.
#[uniffi::export]
pub fn max_page_size() -> u32 {
    messenger_connect::MAX_PAGE_SIZE
}

/// Most requests in one `Client::batch`.
#[uniffi::export]
pub fn max_batch_items() -> u32 {
    u32::try_from(messenger_connect::MAX_BATCH_ITEMS).unwrap_or(u32::MAX)
}

/// Panics, for the test that checks a Rust panic surfaces as an exception (uniffi's
/// unexpected error) and never aborts the process. Not part of the public API.
#[uniffi::export]
pub fn debug_panic(message: String) {
    panic!("debug panic: {message}");
}

/// Like `debug_panic`, inside an async call.
#[uniffi::export(async_runtime = "tokio")]
pub async fn debug_panic_async(message: String) {
    tokio::task::yield_now().await;
    panic!("debug panic (async): {message}");
}

#[cfg(test)]
mod tests;
