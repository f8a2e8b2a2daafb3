//! What every request goes through around the router: body limit, request id, injected
//! faults, rate limits, idempotency keys, error decoration and the journal.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Frame, Incoming};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::faults::{FaultKind, FaultSpec};
use crate::journal::{Entry, redact};
use crate::state::{AppState, IdempotentResponse, World};

/// Largest request body accepted (DESIGN §2.6).
pub const MAX_BODY: usize = 1024 * 1024;

/// Idempotency records live this long (server clock).
const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// The connection is closed without an answer (a `reset` or `dropAfterCommit` fault, or a
/// client that went away). hyper closes the connection when the service fails.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped")
    }
}

impl std::error::Error for Dropped {}

/// Who a bearer token belongs to, for the journal, rate limits and idempotency scope.
#[derive(Default, Clone)]
struct Identity {
    client_id: Option<String>,
    user_id: Option<String>,
}

/// The router, set on every request it handles, so a handler (`$batch`) can run
/// sub-requests through [`sub_request`].
#[derive(Clone)]
pub struct Dispatcher(pub Router);

/// Where a request came from: its own connection, or an item of a `$batch`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Connection,
    Batch,
}

/// Handles one request end to end.
pub async fn handle(
    app: AppState,
    router: Router,
    req: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    let base = crate::public_url::for_request(
        app.settings.public_url.as_deref(),
        &app.settings.local_url,
        req.headers(),
    );
    crate::public_url::scope(base, async move {
        let _counted = InProgress::enter(&app);
        let request_id = new_request_id();
        let (parts, body) = req.into_parts();
        let entry = new_entry(&app, &parts, &request_id);
        // Web pages on other origins (crate::cors): preflights answered here, headers added
        // to every response of this connection's request.
        let cors = crate::cors::Cors::of(&app, parts.uri.path(), &parts.headers);
        let body = match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                return Ok(cors.apply(too_large(&app, entry, &request_id).await));
            }
            Err(_) => return Err(Dropped),
        };
        if let Some(response) = cors.preflight(&parts.method, &parts.headers) {
            let response = finish(&app, response, &request_id, None).await;
            return Ok(record(&app, entry, response));
        }
        let guarded = std::panic::AssertUnwindSafe(core(
            app.clone(),
            router,
            parts,
            body,
            request_id.clone(),
            entry,
            Mode::Connection,
        ));
        match futures_util::FutureExt::catch_unwind(guarded).await {
            Ok(result) => result.map(|response| cors.apply(response)),
            // A defect must cost one answer, never the server: 500 in the documented shape.
            Err(_) => {
                tracing::error!(%request_id, "a request handler panicked");
                let error = ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internalServerError",
                    "the mock server failed to handle this request",
                );
                let response = axum::response::IntoResponse::into_response(error);
                Ok(cors.apply(finish(&app, response, &request_id, None).await))
            }
        }
    })
    .await
}

/// Runs an in-process request (an item of a `$batch`) through everything a request on
/// its own connection goes through: faults, rate limit, idempotency, journal. Faults
/// that would drop the connection answer instead: `reset` 503 `serviceUnavailable`
/// (nothing ran), `dropAfterCommit` 502 `badGateway` (the request ran).
pub async fn sub_request(
    app: AppState,
    router: Router,
    parts: axum::http::request::Parts,
    body: Bytes,
) -> Response<Body> {
    let request_id = new_request_id();
    let entry = new_entry(&app, &parts, &request_id);
    if body.len() > MAX_BODY {
        return too_large(&app, entry, &request_id).await;
    }
    match core(app, router, parts, body, request_id, entry, Mode::Batch).await {
        Ok(response) => response,
        // `core` answers instead of dropping in batch mode.
        Err(Dropped) => Response::new(Body::empty()),
    }
}

fn new_entry(app: &AppState, parts: &axum::http::request::Parts, request_id: &str) -> Entry {
    Entry {
        seq: 0, // given by the journal
        id: request_id.to_string(),
        time: rfc3339(app.world.lock().now()),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: redact(&query_pairs(parts.uri.query())),
        status: 0,
        client_id: None,
        user_id: None,
        grant_type: None,
        idempotency_key: header_str(&parts.headers, "idempotency-key"),
    }
}

async fn too_large(app: &AppState, entry: Entry, request_id: &str) -> Response<Body> {
    let error = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payloadTooLarge",
        format!("the request body is larger than {MAX_BODY} bytes"),
    );
    let response = finish(
        app,
        axum::response::IntoResponse::into_response(error),
        request_id,
        None,
    )
    .await;
    record(app, entry, response)
}

/// Everything after the body is read.
async fn core(
    app: AppState,
    router: Router,
    mut parts: axum::http::request::Parts,
    body: Bytes,
    request_id: String,
    mut entry: Entry,
    mode: Mode,
) -> Result<Response<Body>, Dropped> {
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    // The events socket also takes its token as `?access_token=` (browsers cannot set a
    // header on a WebSocket): the same identity, journal entry and rate limit apply.
    let bearer = bearer_token(&parts.headers).or_else(|| {
        (path == crate::resources::events_ws::EVENTS_PATH)
            .then(|| {
                query_pairs(parts.uri.query())
                    .into_iter()
                    .find(|(k, _)| k == "access_token")
                    .map(|(_, v)| v)
            })
            .flatten()
    });
    let idempotency_key = header_str(&parts.headers, "idempotency-key");
    if path == "/oauth/token" || path == "/oauth/device_authorization" {
        let form = query_pairs(std::str::from_utf8(&body).ok());
        entry.grant_type = form
            .iter()
            .find(|(k, _)| k == "grant_type")
            .map(|(_, v)| v.clone());
        entry.client_id = form
            .iter()
            .find(|(k, _)| k == "client_id")
            .map(|(_, v)| v.clone())
            .or_else(|| basic_user(&parts.headers));
    }

    // The control plane needs the control token when the server has one.
    if path.starts_with("/_mock")
        && let Some(expected) = &app.settings.control_token
        && !control_token_matches(&parts.headers, expected)
    {
        let error = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "controlTokenRequired",
            "the mock's control plane needs its control token (Authorization: Bearer <token>, \
             as given by --control-token or MESSENGER_CONNECT_MOCK_CONTROL_TOKEN)",
        )
        .header(
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"messenger-connect-mock\"",
        );
        let response = axum::response::IntoResponse::into_response(error);
        let response = finish(&app, response, &request_id, None).await;
        return Ok(record(&app, entry, response));
    }

    // Faults never touch the control plane, so a test can always clean up.
    let fault = if path.starts_with("/_mock") || path == "/health" {
        None
    } else {
        app.world.lock().faults.take(method.as_str(), &path)
    };
    if let Some(f) = &fault {
        match f.kind {
            FaultKind::Reset if mode == Mode::Batch => {
                let error = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "serviceUnavailable",
                    "injected fault: reset (the request did not run)",
                );
                let response = axum::response::IntoResponse::into_response(error);
                let response = finish(&app, response, &request_id, None).await;
                return Ok(record(&app, entry, response));
            }
            FaultKind::Reset => {
                // Nothing was answered: the journal says 0 (see `Entry::status`).
                app.world.lock().journal.push(entry);
                return Err(Dropped);
            }
            FaultKind::Delay => {
                let ms = f.delay_ms.unwrap_or(0);
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
            FaultKind::Status => {
                let response = finish(&app, injected_status(f), &request_id, None).await;
                return Ok(record(&app, entry, response));
            }
            _ => {}
        }
    }

    // Identity and rate limit for the resource API.
    let limited = path.starts_with("/v1/") || path.starts_with("/portablecontacts/");
    let mut rate = None;
    if let Some(token) = &bearer {
        let counted = {
            let mut world = app.world.lock();
            let identity = identify(&world, token);
            entry.client_id = identity.client_id.clone();
            entry.user_id = identity.user_id.clone();
            (limited && identity.client_id.is_some()).then(|| count_request(&mut world, token))
        };
        if let Some(state) = counted {
            if state.remaining.is_none() {
                let error = ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "tooManyRequests",
                    "rate limit exceeded; retry after the time in Retry-After",
                )
                .header(header::RETRY_AFTER, state.reset.to_string());
                let response = axum::response::IntoResponse::into_response(error);
                let response = finish(&app, response, &request_id, Some(&state)).await;
                return Ok(record(&app, entry, response));
            }
            rate = Some(state);
        }
    }

    // Idempotency-Key on creating POSTs.
    let idempotent = method == Method::POST
        && (path.starts_with("/v1/") || path.starts_with("/_mock/act-as/"))
        && idempotency_key.is_some();
    let mut idem_slot = None;
    // Frees the in-flight mark however this request ends (even if its future is dropped).
    let mut in_flight = None;
    if let (true, Some(key)) = (idempotent, &idempotency_key) {
        if key.is_empty() || key.len() > 255 {
            let error = ApiError::validation(
                "Idempotency-Key",
                "Idempotency-Key must be 1 to 255 characters",
            );
            let response = finish(
                &app,
                axum::response::IntoResponse::into_response(error),
                &request_id,
                rate.as_ref(),
            )
            .await;
            return Ok(record(&app, entry, response));
        }
        let scope = match (&entry.user_id, &entry.client_id, &bearer) {
            (user, Some(client), _) => format!("{}|{client}", user.as_deref().unwrap_or("-")),
            (_, None, Some(token)) => hex(&Sha256::digest(token.as_bytes())),
            _ => "anonymous".to_string(),
        };
        let slot = format!("{scope}|{key}");
        let fingerprint: [u8; 32] = {
            let mut h = Sha256::new();
            h.update(method.as_str());
            h.update([0]);
            h.update(path.as_bytes());
            h.update([0]);
            h.update(&body);
            h.finalize().into()
        };
        let lookup = idempotency_lookup(&mut app.world.lock(), &slot, fingerprint);
        match lookup {
            Lookup::Replay(resp) => {
                let response = finish(&app, resp, &request_id, rate.as_ref()).await;
                return Ok(record(&app, entry, response));
            }
            Lookup::Refused(error) => {
                let response = finish(
                    &app,
                    axum::response::IntoResponse::into_response(error),
                    &request_id,
                    rate.as_ref(),
                )
                .await;
                return Ok(record(&app, entry, response));
            }
            Lookup::Proceed => {
                in_flight = Some(InFlight {
                    app: app.clone(),
                    slot: slot.clone(),
                });
                idem_slot = Some((slot, fingerprint));
            }
        }
    }

    parts.extensions.insert(Dispatcher(router.clone()));
    let req = Request::from_parts(parts, Body::from(body));
    let response = match router.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let mut response = finish(&app, response, &request_id, rate.as_ref()).await;

    if let Some((slot, fingerprint)) = idem_slot {
        response = idempotency_store(&app, slot, fingerprint, response).await;
    }
    let response = record(&app, entry, response);
    drop(in_flight);

    match fault.map(|f| f.kind) {
        Some(FaultKind::DropAfterCommit) if mode == Mode::Batch => {
            let error = ApiError::new(
                StatusCode::BAD_GATEWAY,
                "badGateway",
                "injected fault: dropAfterCommit (the request ran; its answer was lost)",
            );
            let response = axum::response::IntoResponse::into_response(error);
            Ok(finish(&app, response, &request_id, rate.as_ref()).await)
        }
        Some(FaultKind::DropAfterCommit) => Err(Dropped),
        Some(FaultKind::Malformed) => Ok(malformed(response)),
        Some(FaultKind::Truncated) => Ok(truncated(response).await),
        _ => Ok(response),
    }
}

/// Counts a request in [`crate::state::App::in_progress`] while it is handled.
struct InProgress(AppState);

impl InProgress {
    fn enter(app: &AppState) -> InProgress {
        app.in_progress
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        InProgress(app.clone())
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0
            .in_progress
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The in-flight mark of an `Idempotency-Key`, removed when dropped.
struct InFlight {
    app: AppState,
    slot: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.app
            .world
            .lock()
            .idempotency_in_flight
            .remove(&self.slot);
    }
}

/// Rate-limit state after counting a request.
struct RateState {
    limit: u64,
    /// `None` when the limit was exceeded.
    remaining: Option<u64>,
    /// Seconds until the window resets.
    reset: i64,
}

fn count_request(world: &mut World, token: &str) -> RateState {
    let now = world.now();
    let limit = world.rate_limit;
    let window = world
        .windows
        .entry(token.to_string())
        .or_insert(crate::state::Window {
            start: now,
            used: 0,
        });
    let length = chrono::Duration::seconds(limit.window_seconds as i64);
    if now >= window.start + length {
        window.start = now;
        window.used = 0;
    }
    let reset = ((window.start + length) - now).num_seconds().max(1);
    if window.used >= limit.limit {
        return RateState {
            limit: limit.limit,
            remaining: None,
            reset,
        };
    }
    window.used += 1;
    RateState {
        limit: limit.limit,
        remaining: Some(limit.limit - window.used),
        reset,
    }
}

fn identify(world: &World, token: &str) -> Identity {
    world
        .access_tokens
        .get(token)
        .and_then(|t| world.families.get(&t.family))
        .map(|f| Identity {
            client_id: Some(f.client_id.clone()),
            user_id: f.user_id.clone(),
        })
        .unwrap_or_default()
}

enum Lookup {
    Proceed,
    Replay(Response<Body>),
    Refused(ApiError),
}

fn idempotency_lookup(world: &mut World, slot: &str, fingerprint: [u8; 32]) -> Lookup {
    let now = world.now();
    world.idempotency.purge_some(now);
    if let Some(record) = world.idempotency.get(slot, now) {
        if record.fingerprint != fingerprint {
            return Lookup::Refused(
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotencyKeyReused",
                    "this Idempotency-Key was used with a different request",
                )
                .target("Idempotency-Key"),
            );
        }
        let mut response = Response::new(Body::from(record.body.clone()));
        *response.status_mut() = StatusCode::from_u16(record.status).unwrap_or(StatusCode::OK);
        for (name, value) in &record.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::from_str(value),
            ) {
                response.headers_mut().insert(n, v);
            }
        }
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Lookup::Replay(response);
    }
    if !world.idempotency_in_flight.insert(slot.to_string()) {
        return Lookup::Refused(
            ApiError::conflict(
                "idempotencyKeyInUse",
                "a request with this Idempotency-Key is still being processed",
            )
            .target("Idempotency-Key"),
        );
    }
    Lookup::Proceed
}

/// Remembers a successful response under its key (failures are not remembered, so a
/// corrected retry can succeed), and frees the in-flight mark.
async fn idempotency_store(
    app: &AppState,
    slot: String,
    fingerprint: [u8; 32],
    response: Response<Body>,
) -> Response<Body> {
    let status = response.status();
    if !status.is_success() {
        app.world.lock().idempotency_in_flight.remove(&slot);
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let keep = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];
    let headers = keep
        .iter()
        .filter_map(|n| {
            parts
                .headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(|v| (n.as_str().to_string(), v.to_string()))
        })
        .collect();
    {
        let mut world = app.world.lock();
        let expires = world.now() + chrono::Duration::hours(IDEMPOTENCY_TTL_HOURS);
        world.idempotency_in_flight.remove(&slot);
        world.idempotency.insert(
            slot,
            IdempotentResponse {
                fingerprint,
                status: status.as_u16(),
                headers,
                body: bytes.clone(),
                expires,
            },
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// True when the request carries the control token (compared in constant time).
fn control_token_matches(headers: &axum::http::HeaderMap, expected: &str) -> bool {
    let Some(given) = bearer_token(headers) else {
        return false;
    };
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// An error the framework answered in plain text (a rejected extractor, a path it could
/// not decode) as a resource error in the documented shape.
async fn plain_error_as_json(parts: &mut axum::http::response::Parts, body: Body) -> Body {
    let text = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let message = String::from_utf8_lossy(&text).trim().to_string();
    let (code, target) = match parts.status.as_u16() {
        400 => ("badRequest", Some("request")),
        404 => ("notFound", None),
        405 => ("methodNotAllowed", None),
        413 => ("payloadTooLarge", None),
        415 => ("unsupportedMediaType", Some("Content-Type")),
        422 => ("validationFailed", Some("body")),
        _ => ("requestFailed", None),
    };
    let mut error = json!({ "code": code, "message": if message.is_empty() { "the request failed".to_string() } else { message } });
    if let Some(t) = target {
        error["target"] = json!(t);
    }
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Body::from(serde_json::to_vec(&json!({ "error": error })).unwrap_or_default())
}

/// Adds `request-id` and the rate-limit headers, and `innerError` to resource errors.
async fn finish(
    app: &AppState,
    response: Response<Body>,
    request_id: &str,
    rate: Option<&RateState>,
) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let plain = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let body = if parts.status.as_u16() >= 400 && plain {
        plain_error_as_json(&mut parts, body).await
    } else {
        body
    };
    let is_json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body = if parts.status.as_u16() >= 400 && is_json {
        let bytes = body
            .collect()
            .await
            .map(|c| c.to_bytes())
            .unwrap_or_default();
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut v) if v.get("error").is_some_and(Value::is_object) => {
                let date = rfc3339(app.world.lock().now());
                v["error"]["innerError"] = json!({ "requestId": request_id, "date": date });
                let out = serde_json::to_vec(&v).unwrap_or_default();
                parts.headers.remove(header::CONTENT_LENGTH);
                Body::from(out)
            }
            _ => Body::from(bytes),
        }
    } else {
        body
    };
    let headers = &mut parts.headers;
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("request-id", v);
    }
    if let Some(rate) = rate {
        headers.insert("ratelimit-limit", HeaderValue::from(rate.limit));
        headers.insert(
            "ratelimit-remaining",
            HeaderValue::from(rate.remaining.unwrap_or(0)),
        );
        headers.insert("ratelimit-reset", HeaderValue::from(rate.reset));
    }
    Response::from_parts(parts, body)
}

/// Writes the journal entry and passes the response on.
fn record(app: &AppState, mut entry: Entry, response: Response<Body>) -> Response<Body> {
    entry.status = response.status().as_u16();
    app.world.lock().journal.push(entry);
    response
}

fn injected_status(f: &FaultSpec) -> Response<Body> {
    let status = f
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let code = match status.as_u16() {
        429 => "tooManyRequests",
        500 => "internalServerError",
        502 => "badGateway",
        503 => "serviceUnavailable",
        504 => "gatewayTimeout",
        _ => "injectedFault",
    };
    let mut error = ApiError::new(
        status,
        code,
        format!("injected fault: status {}", status.as_u16()),
    );
    if let Some(s) = f.retry_after {
        error = error.header(header::RETRY_AFTER, s.to_string());
    }
    axum::response::IntoResponse::into_response(error)
}

/// The same status and headers with a body that is not JSON.
fn malformed(response: Response<Body>) -> Response<Body> {
    let (mut parts, _) = response.into_parts();
    let garbage: &'static [u8] = b"{\"value\": [{\"id\": \"\x00\xff not json";
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(garbage.len()));
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(garbage))
}

/// Announces the full length, sends half of the body, then fails (hyper closes the
/// connection), so the client sees a body cut short.
async fn truncated(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(0..bytes.len() / 2);
    Response::from_parts(
        parts,
        Body::new(CutShort {
            half: Some(half),
            pause: None,
            total: bytes.len() as u64,
        }),
    )
}

/// A body that yields its bytes, pauses so that hyper flushes the head and those bytes to
/// the socket, and then fails. (Failing at once makes hyper drop the connection with the
/// response still in its write buffer: the client would see no response at all.)
struct CutShort {
    half: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
    total: u64,
}

impl HttpBody for CutShort {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Dropped>>> {
        if let Some(bytes) = self.half.take() {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        let pause = self.pause.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep(std::time::Duration::from_millis(50)))
        });
        match pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(Dropped))),
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.total)
    }
}

/// `Authorization: Bearer <token>`.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn basic_user(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::oauth::client_auth::basic_credentials(headers).map(|(user, _)| user)
}

fn header_str(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Decoded `a=b&c=d` pairs.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

pub(crate) fn new_request_id() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
