//! `/_mock/act-as/{userId}/{rest}` (DESIGN §2.7): any method, behaves as `/v1/me/{rest}`
//! called by that user with every scope.

use axum::Router;
use axum::extract::{OriginalUri, Request};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use tower::ServiceExt;

use crate::auth::ActAs;
use crate::error::ApiError;
use crate::state::AppState;

const PREFIX: &str = "/_mock/act-as/";

/// Adds the act-as routes to `inner`, which serves the rewritten requests.
pub fn wrap(inner: Router, app: AppState) -> Router {
    let target = inner.clone();
    let handler = any(move |req: Request| {
        let app = app.clone();
        let target = target.clone();
        async move { act_as(app, target, req).await }
    });
    inner
        .route("/_mock/act-as/{user}", handler.clone())
        .route("/_mock/act-as/{user}/", handler.clone())
        .route("/_mock/act-as/{user}/{*rest}", handler)
}

async fn act_as(app: AppState, inner: Router, req: Request) -> Response {
    let original = req
        .extensions()
        .get::<OriginalUri>()
        .map(|o| o.0.clone())
        .unwrap_or_else(|| req.uri().clone());
    let tail = original.path().strip_prefix(PREFIX).unwrap_or_default();
    let (user_segment, rest) = match tail.split_once('/') {
        Some((u, r)) => (u, Some(r)),
        None => (tail, None),
    };
    let user: String = percent_decode(user_segment);
    if !app.world.lock().users.contains_key(&user) {
        return ApiError::not_found("the user").into_response();
    }
    let mut path = "/v1/me".to_string();
    if let Some(r) = rest.filter(|r| !r.is_empty()) {
        path.push('/');
        path.push_str(r);
    }
    if let Some(q) = original.query() {
        path.push('?');
        path.push_str(q);
    }
    let Ok(uri) = path.parse::<Uri>() else {
        return ApiError::not_found("the resource").into_response();
    };
    let (mut parts, body) = req.into_parts();
    // A fresh request: the outer route's path parameters must not leak into the inner one.
    let mut rewritten = Request::new(body);
    *rewritten.method_mut() = parts.method;
    *rewritten.uri_mut() = uri;
    *rewritten.version_mut() = parts.version;
    *rewritten.headers_mut() = parts.headers;
    rewritten.extensions_mut().insert(ActAs(user));
    // The connection's upgrade handle, so `act-as/{user}/events` can become a WebSocket.
    if let Some(upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() {
        rewritten.extensions_mut().insert(upgrade);
    }
    rewritten.extensions_mut().insert(OriginalUri(original));
    match inner.oneshot(rewritten).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("u={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
