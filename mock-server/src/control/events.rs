//! `/_mock/events/{userId}`: read a user's live-event log and publish test events,
//! without a WebSocket.

use crate::extract::Path;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::pipeline::query_pairs;
use crate::state::AppState;
use crate::validate;

/// Routes of the events control.
pub fn routes() -> Router<AppState> {
    Router::new().route("/_mock/events/{user_id}", get(read_log).post(publish))
}

/// `GET /_mock/events/{userId}?since=SEQ` → `{events, seq, resync}`: the logged events
/// after `since` (every kept one without it), the user's last sequence number, and
/// whether events after `since` were pruned (then `events` is everything still kept).
async fn read_log(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<axum::Json<Value>> {
    let since = match query_pairs(query.as_deref())
        .into_iter()
        .find(|(k, _)| k == "since")
    {
        None => 0,
        Some((_, v)) => v
            .parse::<u64>()
            .map_err(|_| ApiError::validation("since", "'since' must be a non-negative integer"))?,
    };
    let mut world = app.world.lock();
    if !world.users.contains_key(&user_id) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let (events, seq, resync) = crate::events::inspect(&mut world, &user_id, since);
    Ok(axum::Json(
        json!({ "events": events, "seq": seq, "resync": resync }),
    ))
}

/// `POST /_mock/events/{userId} {"type", "data"?}` → 201 the frame, logged and pushed
/// to the user's live sockets like any event.
async fn publish(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let map = validate::object(&body)?;
    let kind = validate::string(map.get("type").unwrap_or(&Value::Null), "type", 1, 64)?;
    if matches!(kind.as_str(), "resync" | "typing" | "pong" | "error") {
        return Err(ApiError::validation(
            "type",
            format!("'{kind}' is a control frame, not an event type"),
        ));
    }
    let data = match map.get("data") {
        None | Some(Value::Null) => json!({}),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => return Err(ApiError::validation("data", "'data' must be an object")),
    };
    let mut world = app.world.lock();
    if !world.users.contains_key(&user_id) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let frame = crate::events::record(&mut world, &user_id, &kind, data);
    Ok((StatusCode::CREATED, axum::Json(frame)).into_response())
}
