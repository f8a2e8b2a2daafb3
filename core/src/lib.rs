//! `messenger-connect`: the async Rust client of the Messenger Connect API.
