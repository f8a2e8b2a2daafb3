//! What a mock server starts with.

use serde::{Deserialize, Serialize};

/// Per-token rate limit: `limit` requests per `window_seconds`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
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

/// Default cap of the request journal in bytes (`--journal-max-bytes`).
pub const DEFAULT_JOURNAL_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Configuration of a mock server. `Default` gives seed 1, three users with 50 contacts
/// each, on a free loopback port, with the issuer taken from each request's `Host`.
#[derive(Clone)]
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
    /// The URL clients reach the server by (e.g. `http://mock:8080` in a container, or a
    /// proxy's `https://mock.example.test`): the OIDC issuer and the base of every link.
    /// `None`: each request's `Host` header decides (`http://<Host>`), so discovery, `iss`
    /// and links agree with whatever name the client used (`127.0.0.1`, `localhost`, a
    /// service name).
    pub public_url: Option<String>,
    /// The bearer token `/_mock` requires (`Authorization: Bearer <token>`). Required when
    /// `host` is not a loopback address; optional (then enforced too) on loopback.
    pub control_token: Option<String>,
    /// A fixture document (users, apps, contacts, friends, activities; see the README)
    /// loaded after the generated data, at start and after every reset.
    pub fixtures: Option<serde_json::Value>,
    /// The request journal keeps at most this many bytes (oldest entries dropped first).
    pub journal_max_bytes: usize,
}

impl std::fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("seed", &self.seed)
            .field("users", &self.users)
            .field("contacts_per_user", &self.contacts_per_user)
            .field("friends_per_user", &self.friends_per_user)
            .field("activities_per_user", &self.activities_per_user)
            .field("rate_limit", &self.rate_limit)
            .field("worker_threads", &self.worker_threads)
            .field("public_url", &self.public_url)
            .field(
                "control_token",
                &self.control_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("fixtures", &self.fixtures.as_ref().map(|_| "..."))
            .field("journal_max_bytes", &self.journal_max_bytes)
            .finish()
    }
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
            public_url: None,
            control_token: None,
            fixtures: None,
            journal_max_bytes: DEFAULT_JOURNAL_MAX_BYTES,
        }
    }
}

/// True when `host` names only this machine (`127.0.0.0/8`, `::1`, `localhost`).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// Checks and normalises a public URL: absolute `http`/`https`, a host, no query, no
/// fragment, no credentials; the trailing `/` removed.
pub fn normalise_public_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| format!("the public URL '{raw}' is not an absolute URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the public URL '{raw}' must be http:// or https://"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("the public URL '{raw}' has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "the public URL '{raw}' must not have a query or a fragment"
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("the public URL '{raw}' must not carry credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_checked_and_normalised() {
        assert_eq!(
            normalise_public_url("http://mock:8080/").unwrap(),
            "http://mock:8080"
        );
        assert_eq!(
            normalise_public_url("https://Proxy.Example.test/mc/").unwrap(),
            "https://proxy.example.test/mc"
        );
        assert!(normalise_public_url("mock:8080").is_err());
        assert!(normalise_public_url("ftp://mock").is_err());
        assert!(normalise_public_url("http://mock/?a=1").is_err());
        assert!(normalise_public_url("http://u:p@mock/").is_err());
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "localhost",
            "LOCALHOST",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["0.0.0.0", "::", "10.0.0.1", "mock", "example.com"] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn debug_never_shows_the_control_token() {
        let c = MockConfig {
            control_token: Some("s3cr3t-control".into()),
            ..MockConfig::default()
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
