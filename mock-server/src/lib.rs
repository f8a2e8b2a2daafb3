//! `messenger-connect-mock`: a stateful, deterministic, fault-injectable server of the
//! whole Messenger Connect contract (`spec/openapi.yaml`), for CI and for our users' tests.
//!
//! ```no_run
//! use messenger_connect_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::default()).expect("start");
//! println!("serving at {}", server.url());
//! // dropped: stopped
//! ```

mod auth;
mod clock;
mod config;
pub mod control;
mod cors;
mod error;
mod events;
mod extract;
mod faults;
mod fixtures;
mod guard;
mod idempotency;
mod journal;
mod keys;
mod oauth;
pub mod odata;
mod pipeline;
mod public_url;
mod resources;
mod routes;
mod seed;
mod server;
mod spec;
mod state;
mod validate;

pub use config::{DEFAULT_JOURNAL_MAX_BYTES, MockConfig, RateLimit};
pub use control::{Control, ControlError, MockUser};
pub use guard::deadline;
pub use oauth::SCOPES;
pub use server::{MockServer, StartError};

/// The OpenAPI document this server implements, as YAML text: the repository's
/// `spec/openapi.yaml`, read through the crate's `openapi.yaml` symlink, which `cargo package`
/// turns into a copy of the file (so the published crate carries the spec).
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");
