//! `NativeClient`: construction from JS options, tokens, the token-change callback, and
//! clients for other users on the same pool (`withTokens`). The resource methods are in
//! `resources.rs`, the OAuth flows in `auth.rs`.

use std::sync::Arc;
use std::time::Duration;

use messenger_connect::{
    CallOptions, CancellationToken, Client, RetryChanges, RetryPolicy, SaveFuture, StoreError,
    TokenSet, TokenStore,
};
use napi::Status;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use serde_json::{Value, json};

use crate::error::{arg, closed, invalid, out, to_js};

/// Options of the client (see `ClientOptions` in `index.d.ts`).
#[napi(object)]
pub struct NativeOptions {
    /// The API's base URL, e.g. `https://api.example.com`.
    pub base_url: String,
    /// The app's client id (OAuth flows, refresh).
    pub client_id: Option<String>,
    /// The app's secret (confidential clients only).
    pub client_secret: Option<String>,
    /// Where the authorization-code flow redirects to.
    pub redirect_uri: Option<String>,
    /// The expected `iss` of id tokens (default: the base URL).
    pub issuer: Option<String>,
    /// A bare access token.
    pub access_token: Option<String>,
    /// A stored token set as JSON text (`{accessToken, refreshToken?, expiresAt?, ...}`).
    pub tokens: Option<String>,
    /// `User-Agent` header.
    pub user_agent: Option<String>,
    /// Fetch the next page while the current one is consumed (default true).
    pub page_prefetch: Option<bool>,
    /// Allow plain HTTP to hosts other than loopback.
    pub allow_insecure_http: Option<bool>,
    /// Connect timeout, ms.
    pub connect_timeout_ms: Option<u32>,
    /// Timeout of one attempt, ms.
    pub request_timeout_ms: Option<u32>,
    /// Timeout of a call with its retries, ms.
    pub total_timeout_ms: Option<u32>,
    /// Attempts per call (1: no retries).
    pub max_attempts: Option<u32>,
    /// Backoff cap of the first retry, ms (doubled for each following one).
    pub initial_backoff_ms: Option<u32>,
    /// Largest backoff between two attempts, ms.
    pub max_backoff_ms: Option<u32>,
    /// No retry starts after this long since the first attempt, ms.
    pub max_elapsed_ms: Option<u32>,
    /// Longest `Retry-After` honoured, ms; a longer one ends the retries.
    pub max_retry_after_ms: Option<u32>,
}

/// Options of a view of a client (`withOptions`): each one given replaces the client's.
#[napi(object)]
pub struct NativeCallOptions {
    /// Timeout of one attempt, ms.
    pub request_timeout_ms: Option<u32>,
    /// Timeout of a call with its retries, ms.
    pub total_timeout_ms: Option<u32>,
    /// Attempts per call (1: no retries).
    pub max_attempts: Option<u32>,
    /// Backoff cap of the first retry, ms.
    pub initial_backoff_ms: Option<u32>,
    /// Largest backoff between two attempts, ms.
    pub max_backoff_ms: Option<u32>,
    /// No retry starts after this long since the first attempt, ms.
    pub max_elapsed_ms: Option<u32>,
    /// Longest `Retry-After` honoured, ms.
    pub max_retry_after_ms: Option<u32>,
}

/// The retry fields of some options, as changes to a policy (core checks them).
fn retry_changes(
    max_attempts: Option<u32>,
    initial_backoff_ms: Option<u32>,
    max_backoff_ms: Option<u32>,
    max_elapsed_ms: Option<u32>,
    max_retry_after_ms: Option<u32>,
) -> RetryChanges {
    RetryChanges {
        max_attempts,
        initial_backoff: ms(initial_backoff_ms),
        max_backoff: ms(max_backoff_ms),
        max_elapsed: ms(max_elapsed_ms),
        max_retry_after: ms(max_retry_after_ms),
    }
}

/// A cancellation token for a view of a client (`withOptions({ signal })`): `index.js`
/// cancels it when the signal aborts.
#[napi]
pub struct NativeCancel(CancellationToken);

#[napi]
impl NativeCancel {
    /// A token not cancelled yet.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeCancel(CancellationToken::new())
    }

    /// Ends the pending calls of the views made with this token; their later calls fail
    /// before any request.
    #[napi]
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

/// Receives every new token set, as JSON text, and resolves to `""` once it is saved, or
/// to `"<cause id>:<message>"` when saving failed (the JS side keeps the thrown value
/// under that id, see `tokenCallback` in `index.js`).
type TokenCallback = ThreadsafeFunction<String, Promise<String>, String, Status, false, true>;

/// The client (wrapped by `Client` in `index.js`).
#[napi]
pub struct NativeClient {
    inner: Arc<std::sync::Mutex<Option<Client>>>,
}

/// A stored token set (`tokenType` defaults to `Bearer`).
pub(crate) fn tokens_from(json: &str) -> napi::Result<TokenSet> {
    let mut value: Value = arg("tokens", json)?;
    match value.as_object_mut() {
        Some(o) => {
            o.entry("tokenType").or_insert_with(|| json!("Bearer"));
        }
        None => return Err(invalid("tokens", "must be an object")),
    }
    serde_json::from_value(value).map_err(|_| invalid("tokens", "does not have the expected shape"))
}

/// A token store that hands every new token set, as JSON text, to a JS callback and waits
/// for it (its Promise, if it returns one): a callback that throws or rejects fails the
/// call that obtained the tokens with `TokenStoreError`.
struct JsTokenStore(TokenCallback);

/// What the JS callback threw: the id its value is kept under, and its message.
#[derive(Debug)]
pub(crate) struct JsCause {
    pub(crate) id: u64,
    message: String,
}

impl std::fmt::Display for JsCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsCause {}

impl TokenStore for JsTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> SaveFuture<'a> {
        Box::pin(async move {
            let text = serde_json::to_string(tokens)?;
            let promise = self
                .0
                .call_async(text)
                .await
                .map_err(|e| format!("onTokens could not be called: {}", e.reason))?;
            let outcome = promise
                .await
                .map_err(|e| format!("onTokens failed: {}", e.reason))?;
            if outcome.is_empty() {
                return Ok(());
            }
            let (id, message) = outcome.split_once(':').unwrap_or(("0", outcome.as_str()));
            Err(Box::new(JsCause {
                id: id.parse().unwrap_or(0),
                message: message.to_string(),
            }) as StoreError)
        })
    }
}

fn token_store(callback: TokenCallback) -> Arc<dyn TokenStore> {
    Arc::new(JsTokenStore(callback))
}

fn ms(v: Option<u32>) -> Option<Duration> {
    v.map(|ms| Duration::from_millis(ms.into()))
}

#[napi]
impl NativeClient {
    /// Builds a client; `onTokens` receives every new token set as JSON text.
    #[napi(constructor)]
    pub fn new(
        options: NativeOptions,
        #[napi(ts_arg_type = "((tokens: string) => Promise<string>) | undefined | null")] on_tokens: Option<
            TokenCallback,
        >,
    ) -> napi::Result<Self> {
        let o = options;
        let mut b = Client::builder(o.base_url);
        if let Some(v) = o.client_id {
            b = b.client_id(v);
        }
        if let Some(v) = o.client_secret {
            b = b.client_secret(v);
        }
        if let Some(v) = o.redirect_uri {
            b = b.redirect_uri(v);
        }
        if let Some(v) = o.issuer {
            b = b.issuer(v);
        }
        match (o.access_token, o.tokens) {
            (Some(_), Some(_)) => {
                return Err(invalid("tokens", "give accessToken or tokens, not both"));
            }
            (Some(t), None) => b = b.tokens(TokenSet::bearer(t)),
            (None, Some(t)) => b = b.tokens(tokens_from(&t)?),
            (None, None) => {}
        }
        if let Some(v) = o.user_agent {
            b = b.user_agent(v);
        }
        if let Some(v) = o.page_prefetch {
            b = b.page_prefetch(v);
        }
        if let Some(v) = o.allow_insecure_http {
            b = b.allow_insecure_http(v);
        }
        if let Some(t) = ms(o.connect_timeout_ms) {
            b = b.connect_timeout(Some(t));
        }
        if let Some(t) = ms(o.request_timeout_ms) {
            b = b.request_timeout(Some(t));
        }
        if let Some(t) = ms(o.total_timeout_ms) {
            b = b.total_timeout(Some(t));
        }
        let retry = retry_changes(
            o.max_attempts,
            o.initial_backoff_ms,
            o.max_backoff_ms,
            o.max_elapsed_ms,
            o.max_retry_after_ms,
        );
        if let Some(policy) = retry.over(&RetryPolicy::default()).map_err(to_js)? {
            b = b.retry_policy(policy);
        }
        if let Some(cb) = on_tokens {
            b = b.token_store(token_store(cb));
        }
        Ok(Self::wrap(b.build().map_err(to_js)?))
    }

    /// A client for another user sharing this one's connection pool and options, with its
    /// own tokens (JSON text) and its own token callback: its rotated tokens go to
    /// `onTokens` only (nowhere when absent), never to this client's callback.
    #[napi]
    pub fn with_tokens(
        &self,
        tokens: String,
        #[napi(ts_arg_type = "((tokens: string) => Promise<string>) | undefined | null")] on_tokens: Option<
            TokenCallback,
        >,
    ) -> napi::Result<NativeClient> {
        let tokens = tokens_from(&tokens)?;
        let client = self.client()?;
        let derived = client
            .with_tokens_and_store(tokens, on_tokens.map(token_store))
            .map_err(to_js)?;
        Ok(Self::wrap(derived))
    }

    /// A view of this client (same user, tokens and pool) whose calls use these options;
    /// with `cancel`, its calls end once the token is cancelled.
    #[napi]
    pub fn with_options(
        &self,
        options: NativeCallOptions,
        cancel: Option<&NativeCancel>,
    ) -> napi::Result<NativeClient> {
        let client = self.client()?;
        let o = options;
        let retry = retry_changes(
            o.max_attempts,
            o.initial_backoff_ms,
            o.max_backoff_ms,
            o.max_elapsed_ms,
            o.max_retry_after_ms,
        )
        .over(client.retry_policy())
        .map_err(to_js)?;
        let view = client.with_options(CallOptions {
            request_timeout: ms(o.request_timeout_ms),
            total_timeout: ms(o.total_timeout_ms),
            retry,
            cancel: cancel.map(|c| c.0.clone()),
        });
        Ok(Self::wrap(view.map_err(to_js)?))
    }

    /// Forgets the client; later calls fail. Pending calls finish.
    #[napi]
    pub fn close(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.take();
        }
    }

    /// The current token set as JSON text (secrets in clear, to persist), or `null`.
    #[napi]
    pub fn tokens(&self) -> napi::Result<Option<String>> {
        self.client()?.tokens().map(|t| out(&t)).transpose()
    }

    /// Installs a token set (JSON text).
    #[napi]
    pub fn set_tokens(&self, tokens: String) -> napi::Result<()> {
        self.client()?
            .set_tokens(tokens_from(&tokens)?)
            .map_err(to_js)
    }

    /// Panics inside Rust (tests that a panic rejects the Promise, Node survives).
    #[napi(js_name = "_debugPanic")]
    pub async fn debug_panic(&self) -> napi::Result<()> {
        if self.inner.lock().is_ok() {
            panic!("debug panic requested");
        }
        Ok(())
    }

    /// Like `_debugPanic`, in a synchronous call (an exception is thrown).
    #[napi(js_name = "_debugPanicSync", catch_unwind)]
    pub fn debug_panic_sync(&self) -> napi::Result<()> {
        if self.inner.lock().is_ok() {
            panic!("debug panic requested");
        }
        Ok(())
    }
}

impl NativeClient {
    /// A native client around a core client.
    fn wrap(client: Client) -> NativeClient {
        NativeClient {
            inner: Arc::new(std::sync::Mutex::new(Some(client))),
        }
    }

    /// The core client, or `ConfigError` once closed.
    pub(crate) fn client(&self) -> napi::Result<Client> {
        self.inner
            .lock()
            .ok()
            .and_then(|g| g.clone())
            .ok_or_else(closed)
    }
}
