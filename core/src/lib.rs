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
//! - errors as data ([`Error`]), with no secret in any `Debug` or `Display`.
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

mod api;
mod auth;
mod client;
mod delta;
mod error;
pub mod models;
mod odata;
mod paging;
mod retry;
mod secret;
mod session;
mod tls;
mod tokens;
mod transport;

pub use api::{EventStream, EventsOptions, MAX_BATCH_ITEMS, Typer};
pub use auth::{AuthorizationParams, AuthorizationRequest, DevicePoll, TokenTypeHint};
pub use client::{Client, ClientBuilder};
pub use delta::{DeltaChange, DeltaItem, DeltaStream, DeltaSync};
pub use error::{ApiError, Error, ErrorDetail, Result};
pub use odata::{CompareOp, Filter, Literal, MAX_PAGE_SIZE, Order, PocoFilterOp, PocoQuery, Query};
pub use paging::{ItemStream, Page, PageStream};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use tokens::{TokenResponse, TokenSet, TokenStore};
