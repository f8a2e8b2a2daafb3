//! `ClientOptions` (and `RetryOptions`): the configuration of a `Client`, turned into
//! core's `ClientBuilder`. Durations are milliseconds; for the timeouts `None` keeps
//! core's default and `0` means "no limit".

use std::time::Duration;

use messenger_connect as mc;

use crate::auth::TokenSet;

/// How failed requests are retried (`None` fields keep core's defaults: 4 attempts,
/// 200 ms first backoff, 10 s largest backoff, 60 s in all, `Retry-After` up to 60 s).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RetryOptions {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: Option<u32>,
    /// Backoff cap of the first retry, doubled for each following one.
    pub initial_backoff_ms: Option<u64>,
    /// Largest backoff between two attempts.
    pub max_backoff_ms: Option<u64>,
    /// No retry starts after this long since the first attempt.
    pub max_elapsed_ms: Option<u64>,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after_ms: Option<u64>,
}

/// The configuration of a `Client`. Only `base_url` is required; see
/// `default_client_options` for a value with every default filled in.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct ClientOptions {
    /// Base URL of the API, e.g. `https://api.example.com` (plain `http://` only to
    /// loopback hosts unless `allow_insecure_http`).
    pub base_url: String,
    /// The app's client id.
    pub client_id: Option<String>,
    /// The app's client secret (confidential clients; secret).
    pub client_secret: Option<String>,
    /// The redirect URI registered for the app (authorization-code flow).
    pub redirect_uri: Option<String>,
    /// The id tokens' expected issuer (default: the base URL).
    pub issuer: Option<String>,
    /// The tokens to start with (e.g. loaded from storage).
    pub tokens: Option<TokenSet>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Time allowed to open a connection (default 10 s; 0: no limit).
    pub connect_timeout_ms: Option<u64>,
    /// Time allowed for one attempt (default 30 s; 0: no limit).
    pub request_timeout_ms: Option<u64>,
    /// Time allowed for one call, retries included (default 120 s; 0: no limit).
    pub total_timeout_ms: Option<u64>,
    /// Retry policy (default: core's).
    pub retry: Option<RetryOptions>,
    /// Whether page streams fetch the next page ahead (core's default: true).
    pub page_prefetch: bool,
    /// Allows plain `http://` to hosts other than loopback (never in production).
    pub allow_insecure_http: bool,
    /// Renews an access token this long before it expires (default 60 s).
    pub refresh_skew_ms: Option<u64>,
    /// Sends every request through this proxy (`http://`, `https://`, `socks5://`).
    pub proxy: Option<String>,
    /// Ignores the proxies of the environment (`HTTP_PROXY`...).
    pub no_proxy: bool,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

/// Client options with every default filled in, for this base URL.
#[uniffi::export]
pub fn default_client_options(base_url: String) -> ClientOptions {
    ClientOptions {
        base_url,
        client_id: None,
        client_secret: None,
        redirect_uri: None,
        issuer: None,
        tokens: None,
        user_agent: None,
        connect_timeout_ms: None,
        request_timeout_ms: None,
        total_timeout_ms: None,
        retry: None,
        page_prefetch: true,
        allow_insecure_http: false,
        refresh_skew_ms: None,
        proxy: None,
        no_proxy: false,
    }
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

/// `None`: keep the default; `Some(0)`: no limit; else that long.
fn limit(v: u64) -> Option<Duration> {
    (v > 0).then(|| ms(v))
}

impl RetryOptions {
    /// These options as changes to a policy (core applies and checks them).
    pub(crate) fn changes(&self) -> mc::RetryChanges {
        mc::RetryChanges {
            max_attempts: self.max_attempts,
            initial_backoff: self.initial_backoff_ms.map(ms),
            max_backoff: self.max_backoff_ms.map(ms),
            max_elapsed: self.max_elapsed_ms.map(ms),
            max_retry_after: self.max_retry_after_ms.map(ms),
        }
    }
}

/// What a view of a client (`Client::with_options`) changes for the calls made through it;
/// each field left `None` keeps the client's. Cancellation is per call (the C# methods'
/// `CancellationToken`).
#[derive(Clone, Debug, Default, PartialEq, uniffi::Record)]
pub struct CallOptions {
    /// Timeout of one attempt, in milliseconds (at least 1).
    pub request_timeout_ms: Option<u64>,
    /// Timeout of a call with its retries, in milliseconds (at least 1).
    pub total_timeout_ms: Option<u64>,
    /// The retry policy, over the client's.
    pub retry: Option<RetryOptions>,
}

impl CallOptions {
    /// Core's options over `client`'s retry policy (core checks them).
    pub(crate) fn to_core(&self, client: &mc::Client) -> Result<mc::CallOptions, mc::Error> {
        let retry = match &self.retry {
            Some(r) => r.changes().over(client.retry_policy())?,
            None => None,
        };
        Ok(mc::CallOptions {
            request_timeout: self.request_timeout_ms.map(ms),
            total_timeout: self.total_timeout_ms.map(ms),
            retry,
            cancel: None,
        })
    }
}

impl ClientOptions {
    /// Core's builder for these options (the token store is added by the caller).
    pub(crate) fn builder(self) -> Result<mc::ClientBuilder, mc::Error> {
        let mut b = mc::Client::builder(self.base_url)
            .page_prefetch(self.page_prefetch)
            .allow_insecure_http(self.allow_insecure_http);
        if let Some(v) = self.client_id {
            b = b.client_id(v);
        }
        if let Some(v) = self.client_secret {
            b = b.client_secret(v);
        }
        if let Some(v) = self.redirect_uri {
            b = b.redirect_uri(v);
        }
        if let Some(v) = self.issuer {
            b = b.issuer(v);
        }
        if let Some(t) = self.tokens {
            b = b.tokens(t.into());
        }
        if let Some(v) = self.user_agent {
            b = b.user_agent(v);
        }
        if let Some(v) = self.connect_timeout_ms {
            b = b.connect_timeout(limit(v));
        }
        if let Some(v) = self.request_timeout_ms {
            b = b.request_timeout(limit(v));
        }
        if let Some(v) = self.total_timeout_ms {
            b = b.total_timeout(limit(v));
        }
        if let Some(policy) = match &self.retry {
            Some(r) => r.changes().over(&mc::RetryPolicy::default())?,
            None => None,
        } {
            b = b.retry_policy(policy);
        }
        if let Some(v) = self.refresh_skew_ms {
            b = b.refresh_skew(ms(v));
        }
        if let Some(v) = self.proxy {
            b = b.proxy(v);
        }
        if self.no_proxy {
            b = b.no_proxy();
        }
        Ok(b)
    }
}
