//! Sending one logical call: authentication, `Idempotency-Key`, retries with backoff,
//! refresh after a 401, and turning error responses into [`Error`]s.

use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;

use tracing::Instrument;

use crate::client::Client;
use crate::error::{ApiError, Error, ErrorDetail, Result};
use crate::retry::{parse_retry_after, retryable_status};
use crate::secret::Secret;
use crate::targets::{AUTH, HTTP, SYNC};

/// How a call authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// No credentials.
    None,
    /// The session's bearer token (renewed when needed).
    Bearer,
    /// The app's client credentials (HTTP Basic, or `client_id` in the form for a public client).
    Client,
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    Json(Vec<u8>),
    Form(Vec<(String, String)>),
}

/// Whether a call may be sent again after a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Idempotent method: retried on any retryable failure.
    Idempotent,
    /// A POST with this `Idempotency-Key`: retried like an idempotent call.
    Keyed(String),
    /// Retried only when the connection could not be opened (nothing was sent).
    ConnectOnly,
}

/// One logical call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) auth: Auth,
    pub(crate) body: Body,
    pub(crate) if_match: Option<String>,
    pub(crate) replay: Replay,
}

impl Call {
    /// A call with the bearer token; POSTs get a fresh idempotency key.
    pub(crate) fn api(method: Method, url: Url) -> Call {
        let replay = if method == Method::POST {
            Replay::Keyed(crate::retry::idempotency_key())
        } else {
            Replay::Idempotent
        };
        Call {
            method,
            url,
            auth: Auth::Bearer,
            body: Body::None,
            if_match: None,
            replay,
        }
    }

    /// A JSON body, refused (before any request) when larger than the server accepts.
    pub(crate) fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Call> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::invalid("body", e.to_string()))?;
        if bytes.len() > crate::limits::MAX_BODY_BYTES {
            return Err(Error::invalid(
                "body",
                format!(
                    "is {} bytes as JSON; the server accepts at most {} (1 MiB)",
                    bytes.len(),
                    crate::limits::MAX_BODY_BYTES
                ),
            ));
        }
        self.body = Body::Json(bytes);
        Ok(self)
    }
}

/// A whole response.
pub(crate) struct Raw {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Raw {
    fn request_id(&self) -> Option<String> {
        header(&self.headers, "request-id")
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A `Retry-After` wait this long or longer is logged as a warning: the call looks hung.
const LONG_WAIT: Duration = Duration::from_secs(5);

/// What went wrong with one attempt, and whether another one may follow.
struct Failure {
    error: Error,
    retry: bool,
    retry_after: Option<Duration>,
}

impl Client {
    /// Sends a call and decodes its JSON response.
    pub(crate) async fn send_json<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        self.execute(call, decode_json).await
    }

    /// Sends a call whose response body does not matter.
    pub(crate) async fn send_empty(&self, call: Call) -> Result<()> {
        self.execute(call, |_, _| Ok(())).await
    }

    /// Sends a call with retries, within the total timeout.
    pub(crate) async fn execute<T>(
        &self,
        call: Call,
        decode: impl Fn(u16, &[u8]) -> serde_json::Result<T>,
    ) -> Result<T> {
        let span = tracing::debug_span!(
            target: HTTP,
            "call",
            method = %call.method,
            path = call.url.path()
        );
        let attempts = self.attempts(&call, &decode).instrument(span);
        let timed = async {
            match self.total_timeout() {
                None => attempts.await,
                Some(limit) => tokio::time::timeout(limit, attempts)
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::Network {
                            message: format!("the call took longer than {limit:?}"),
                            timeout: true,
                        })
                    }),
            }
        };
        self.cancellable(timed).await
    }

    async fn attempts<T>(
        &self,
        call: &Call,
        decode: &impl Fn(u16, &[u8]) -> serde_json::Result<T>,
    ) -> Result<T> {
        let policy = self.retry_policy();
        let start = Instant::now();
        let mut attempt: u32 = 0;
        let mut renewed_after_401 = false;
        let mut maybe_sent = false;
        loop {
            attempt += 1;
            let token = match call.auth {
                Auth::Bearer => self.access_token().await?,
                _ => None,
            };
            let attempt_span = tracing::debug_span!(target: HTTP, "attempt", attempt);
            let http = self.shared.http()?;
            let sent = self
                .attempt(&http, call, token.as_ref(), attempt)
                .instrument(attempt_span)
                .await;
            let failure = match sent {
                Ok(raw) if (200..300).contains(&raw.status) => {
                    match decode(raw.status, &raw.body) {
                        Ok(value) => return Ok(value),
                        Err(e) => {
                            let malformed = e.is_syntax() || e.is_eof();
                            Failure {
                                error: Error::decode(&e, raw.status, raw.request_id()),
                                retry: malformed && call.replay != Replay::ConnectOnly,
                                retry_after: None,
                            }
                        }
                    }
                }
                Ok(raw)
                    if raw.status == 401
                        && call.auth == Auth::Bearer
                        && !renewed_after_401
                        && self.can_renew() =>
                {
                    renewed_after_401 = true;
                    attempt -= 1;
                    tracing::info!(
                        target: AUTH,
                        method = %call.method,
                        path = call.url.path(),
                        request_id = raw.request_id().as_deref(),
                        "renewing after a 401"
                    );
                    if let Some(failed) = &token {
                        self.renew(Some(failed)).await?;
                    }
                    continue;
                }
                Ok(raw) if raw.status == 404 && call.method == Method::DELETE && maybe_sent => {
                    // An earlier attempt was cut off after it was sent: it did the work.
                    return decode(204, b"").map_err(|e| Error::decode(&e, 204, raw.request_id()));
                }
                Ok(raw) => {
                    let error = error_from(&raw);
                    if let Error::ResyncRequired { request_id, .. } = &error {
                        tracing::warn!(
                            target: SYNC,
                            path = call.url.path(),
                            request_id = request_id.as_deref(),
                            "resync required: the delta link is too old for the server's change log"
                        );
                    }
                    let retry_after = error.api().and_then(|a| a.retry_after);
                    Failure {
                        retry: retryable_status(raw.status) && call.replay != Replay::ConnectOnly,
                        error,
                        retry_after,
                    }
                }
                Err(e) => {
                    let connect = e.is_connect();
                    maybe_sent |= !connect;
                    Failure {
                        error: Error::network(e),
                        retry: connect || call.replay != Replay::ConnectOnly,
                        retry_after: None,
                    }
                }
            };
            if !failure.retry {
                return Err(failure.error);
            }
            let give_up = |why: &str| {
                tracing::warn!(
                    target: HTTP,
                    method = %call.method,
                    path = call.url.path(),
                    attempts = attempt,
                    error = %failure.error,
                    "giving up: {why}"
                );
            };
            if attempt >= policy.max_attempts {
                give_up("no attempt left");
                return Err(failure.error);
            }
            let wait = match failure.retry_after {
                Some(w) if w > policy.max_retry_after => {
                    give_up("Retry-After is longer than the retry policy allows");
                    return Err(failure.error);
                }
                Some(w) => w,
                None => policy.backoff(attempt),
            };
            if start.elapsed() + wait > policy.max_elapsed {
                give_up("the retry time budget is spent");
                return Err(failure.error);
            }
            let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
            let status = failure.error.status();
            let request_id = failure.error.request_id();
            // One event per retry, with the fields of every retry event.
            macro_rules! retry_event {
                ($level:expr, $($rest:tt)+) => {
                    tracing::event!(
                        target: HTTP,
                        $level,
                        method = %call.method,
                        path = call.url.path(),
                        attempt,
                        status,
                        request_id,
                        wait_ms,
                        $($rest)+
                    )
                };
            }
            match (failure.retry_after.is_some(), wait >= LONG_WAIT) {
                (true, true) => retry_event!(
                    tracing::Level::WARN,
                    "waiting for Retry-After before retrying"
                ),
                (true, false) => retry_event!(
                    tracing::Level::INFO,
                    "waiting for Retry-After before retrying"
                ),
                (false, _) => retry_event!(
                    tracing::Level::INFO,
                    error = %failure.error,
                    "retrying"
                ),
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt: send, and read the whole body.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        call: &Call,
        token: Option<&Secret>,
        attempt: u32,
    ) -> reqwest::Result<Raw> {
        let sent = Instant::now();
        let mut req = http
            .request(call.method.clone(), call.url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(t) = self.request_timeout() {
            req = req.timeout(t);
        }
        if let Some(token) = token {
            req = req.bearer_auth(token.expose());
        }
        let mut form = match &call.body {
            Body::Form(f) => Some(f.clone()),
            _ => None,
        };
        if call.auth == Auth::Client {
            match (&self.shared.client_id, &self.shared.client_secret) {
                (Some(id), Some(secret)) => {
                    req = req.header(reqwest::header::AUTHORIZATION, basic(id, secret));
                }
                (Some(id), None) => {
                    form.get_or_insert_with(Vec::new)
                        .push(("client_id".to_string(), id.clone()));
                }
                _ => {}
            }
        }
        if let Replay::Keyed(key) = &call.replay {
            req = req.header("Idempotency-Key", key.as_str());
        }
        if let Some(tag) = &call.if_match
            && let Ok(v) = HeaderValue::from_str(tag)
        {
            req = req.header(reqwest::header::IF_MATCH, v);
        }
        req = match (&call.body, form) {
            (_, Some(f)) => req.form(&f),
            (Body::Json(b), None) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.clone()),
            _ => req,
        };
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.bytes().await?;
        let raw = Raw {
            status,
            headers,
            body: body.to_vec(),
        };
        tracing::debug!(
            target: HTTP,
            method = %call.method,
            path = call.url.path(),
            status,
            request_id = raw.request_id().as_deref(),
            attempt,
            elapsed_ms = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX),
            "response"
        );
        Ok(raw)
    }
}

/// `Authorization: Basic` with the id and secret form-url-encoded (RFC 6749 §2.3.1).
fn basic(id: &str, secret: &Secret) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(id), enc(secret.expose()));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// The error an unsuccessful response stands for.
pub(crate) fn error_from(raw: &Raw) -> Error {
    let request_id = raw.request_id();
    let retry_after = header(&raw.headers, "retry-after").and_then(|v| parse_retry_after(&v));
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    match &body["error"] {
        serde_json::Value::Object(e) => {
            let code = e
                .get("code")
                .and_then(|v| v.as_str())
                .unwrap_or("unknown")
                .to_string();
            let message = e.get("message").and_then(text).unwrap_or_default();
            let request_id = request_id.or_else(|| text(&body["error"]["innerError"]["requestId"]));
            if raw.status == 410 && code == "resyncRequired" {
                return Error::ResyncRequired {
                    message,
                    request_id,
                };
            }
            let details = e
                .get("details")
                .and_then(|d| d.as_array())
                .map(|items| {
                    items
                        .iter()
                        .map(|d| ErrorDetail {
                            code: text(&d["code"]).unwrap_or_default(),
                            message: text(&d["message"]).unwrap_or_default(),
                            target: text(&d["target"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Error::Api(Box::new(ApiError {
                status: raw.status,
                code,
                message,
                request_id,
                target: e.get("target").and_then(text),
                retry_after,
                details,
            }))
        }
        serde_json::Value::String(error) => Error::OAuth {
            status: Some(raw.status),
            error: error.clone(),
            description: text(&body["error_description"]),
            request_id,
        },
        _ => {
            let snippet: String = String::from_utf8_lossy(&raw.body)
                .chars()
                .take(200)
                .collect();
            Error::Api(Box::new(ApiError {
                status: raw.status,
                code: format!("http{}", raw.status),
                message: if snippet.trim().is_empty() {
                    format!("HTTP status {}", raw.status)
                } else {
                    snippet
                },
                request_id,
                target: None,
                retry_after,
                details: Vec::new(),
            }))
        }
    }
}

/// A JSON response body (`null` for 204). The body is checked as UTF-8 once, in one fast
/// pass, rather than string by string as `from_slice` does (a large page has thousands
/// of strings).
pub(crate) fn decode_json<T: DeserializeOwned>(status: u16, body: &[u8]) -> serde_json::Result<T> {
    if status == 204 {
        serde_json::from_slice(b"null")
    } else {
        match std::str::from_utf8(body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(body),
        }
    }
}
