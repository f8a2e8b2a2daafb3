//! `/_mock/events/{userId}`: read a user's live-event log and publish test events,
//! without a WebSocket.

use crate::extract::Path;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::ops;
use super::types::{EventLog, NewEvent};
use crate::error::{ApiError, ApiResult};
use crate::pipeline::query_pairs;
use crate::state::AppState;

/// Routes of the events control.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/_mock/events/{user_id}", get(read_log).post(publish))
}

/// `GET /_mock/events/{userId}?since=SEQ` → `{events, seq, resync}`: the logged events
/// after `since` (every kept one without it), the user's last sequence number, and
/// whether events after `since` were pruned (then `events` is everything still kept).
async fn read_log(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<axum::Json<EventLog>> {
    let since = match query_pairs(query.as_deref())
        .into_iter()
        .find(|(k, _)| k == "since")
    {
        None => 0,
        Some((_, v)) => v
            .parse::<u64>()
            .map_err(|_| ApiError::validation("since", "'since' must be a non-negative integer"))?,
    };
    Ok(axum::Json(ops::events(&app, &user_id, since)?))
}

/// `POST /_mock/events/{userId} {"type", "data"?}` → 201 the frame, logged and pushed
/// to the user's live sockets like any event.
async fn publish(
    State(app): State<AppState>,
    Path(user_id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let event: NewEvent = super::parse(&body)?;
    let frame = ops::publish_event(&app, &user_id, &event)?;
    Ok((StatusCode::CREATED, axum::Json(frame)).into_response())
}
