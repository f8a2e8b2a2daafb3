//! `messenger-connect`: the async Rust client of the Messenger Connect API.
//!
//! - [`Client`] (cheap to clone, `Send + Sync`) built by [`ClientBuilder`];
//! - OAuth 2.0 / OpenID Connect: [`Client::authorization_url`] (PKCE, state, nonce),
//!   [`Client::exchange_code`], the device flow, client credentials, id-token validation,
//!   automatic single-flight refresh, and a [`TokenStore`] that receives every new token set;
//! - a typed method per endpoint, plain serde [`models`];
//! - OData [`Query`] and an escaping [`Filter`] builder, [`Page`]s and prefetching streams,
//!   delta sync ([`Client::sync_contacts`]);
//! - retries with backoff and jitter, `Retry-After`, automatic `Idempotency-Key`s;
//! - errors as data ([`Error`]), with no secret in any `Debug` or `Display`, and one
//!   table of their kinds ([`ErrorKind`], [`Error::kind`], [`Error::info`]);
//! - one vocabulary for the bindings: every collection by name ([`Collection`]) with
//!   typed and raw pages, the JSON form of [`Query`], the API's [`limits`], enums with
//!   their values (`ALL`, `FromStr`, `Display`);
//! - a token store that fails fails the call that obtained the tokens ([`Error::TokenStore`]);
//! - `tracing` spans and events per call, attempt, retry, refresh and reconnection
//!   ([`targets`]), never with a secret;
//! - safe across `fork()`: the connection pool belongs to a process ([`process`]).
//!
//! ```no_run
//! # async fn run() -> messenger_connect::Result<()> {
//! use futures_util::StreamExt;
//! use messenger_connect::{Client, Filter, Query, TokenSet};
//!
//! let client = Client::builder("https://api.example.com")
//!     .client_id("app_123")
//!     .client_secret("...")
//!     .tokens(TokenSet::bearer("at_..."))
//!     .on_tokens(|t| println!("persist the new tokens: {t:?}"))
//!     .build()?;
//! let query = Query::new().filter(Filter::startswith("displayName", "O'B")).top(100);
//! let mut contacts = client.contacts(&query)?;
//! while let Some(contact) = contacts.next().await {
//!     println!("{}", contact?.display_name);
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("messenger_connect");

#[macro_use]
mod enums;
mod api;
mod auth;
mod call_options;
mod client;
mod collections;
mod delta;
mod error;
mod error_kind;
#[cfg(feature = "uniffi")]
mod ffi_types;
pub mod limits;
#[cfg(feature = "log-bridge")]
pub mod log_bridge;
pub mod models;
mod odata;
mod paging;
pub mod process;
mod query_json;
mod retry;
mod secret;
mod session;
pub mod targets;
mod tls;
mod tokens;
mod transport;
mod validate;

pub use api::{EventStream, EventsOptions, MAX_BATCH_ITEMS, Typer};
pub use auth::{AuthorizationParams, AuthorizationRequest, DevicePoll, TokenTypeHint};
pub use call_options::{CallOptions, CancellationToken};
pub use client::{Client, ClientBuilder};
pub use collections::{Collection, RawItem, RawPage};
pub use delta::{DeltaChange, DeltaItem, DeltaStream, DeltaSync};
pub use error::{
    ApiError, Error, ErrorDetail, ErrorInfo, ErrorKind, INVALID_RESPONSE, Result, StoreFailure,
};
pub use odata::{CompareOp, Filter, Literal, MAX_PAGE_SIZE, Order, PocoFilterOp, PocoQuery, Query};
pub use paging::{ItemStream, Page, PageStream};
pub use query_json::MAX_QUERY_JSON_BYTES;
pub use retry::{RetryChanges, RetryPolicy};
pub use secret::Secret;
pub use tokens::{SaveFuture, SaveOutcome, StoreError, TokenResponse, TokenSet, TokenStore};
