//! `messenger-connect-node`: the napi-rs binding of the `messenger-connect` client (the
//! npm package `messenger-connect`).
//!
//! Thin by design (DESIGN §1): arguments arrive as JSON text (`JSON.stringify` in
//! `index.js`) decoded into core's models; results go back as JSON text that `index.js`
//! parses once (cheaper than building JS objects property by property through N-API);
//! collections as page cursors whose items stay the server's raw JSON. Every core
//! [`messenger_connect::Error`] becomes a JS error carrying a JSON record that `errors.js`
//! maps to the `MessengerConnectError` classes. All protocol logic stays in core.
//!
//! Async methods run on napi's tokio runtime and return Promises; a panic inside one
//! rejects its Promise (napi contains it with `catch_unwind`), it never aborts Node.

#![deny(clippy::all)]

mod auth;
mod client;
mod cursor;
mod error;
mod events;
mod logging;
mod mock;
mod query;
mod resources;

pub use client::{NativeClient, NativeOptions};
pub use cursor::Cursor;
pub use error::error_kinds;
pub use events::Events;
pub use logging::set_log_handler;
pub use mock::{NativeMockOptions, NativeMockServer};
