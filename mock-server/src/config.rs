//! What a mock server starts with.

use serde::Deserialize;

/// Per-token rate limit: `limit` requests per `window_seconds`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u64,
    /// Window length in seconds.
    pub window_seconds: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            limit: 10_000,
            window_seconds: 60,
        }
    }
}

/// Configuration of a mock server. `Default` gives seed 1, three users with 50 contacts
/// each, on a free loopback port.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Address to bind (default `127.0.0.1`).
    pub host: String,
    /// Port to bind (0 picks a free one).
    pub port: u16,
    /// Seed of every generated id, name and secret.
    pub seed: u64,
    /// Users created at start.
    pub users: usize,
    /// Contacts generated per user.
    pub contacts_per_user: usize,
    /// Friends per user (used by the social part of the contract).
    pub friends_per_user: usize,
    /// Activities per user (used by the feed part of the contract).
    pub activities_per_user: usize,
    /// Per-token rate limit.
    pub rate_limit: RateLimit,
    /// Worker threads of the server's own runtime.
    pub worker_threads: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            host: "127.0.0.1".into(),
            port: 0,
            seed: 1,
            users: 3,
            contacts_per_user: 50,
            friends_per_user: 0,
            activities_per_user: 0,
            rate_limit: RateLimit::default(),
            worker_threads: 2,
        }
    }
}
