//! The mock's control plane (DESIGN §2.7): stable JSON that tests drive, in-process
//! through [`Control`] (`MockServer::control()`) or over HTTP under `/_mock`. Both run the
//! same functions ([`ops`]) on the same typed values ([`types`]); the HTTP handlers here
//! only parse and serialise.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::pipeline::query_pairs;
use crate::state::AppState;
use crate::validate;

pub(crate) mod act_as;
pub(crate) mod events;
mod handle;
pub(crate) mod ops;
pub mod types;

pub use handle::{Control, ControlError, OPERATIONS};
pub use ops::mock_users;
pub use types::*;

/// Client id reported for requests made through `/_mock/act-as`.
pub const ACT_AS_CLIENT: &str = "mock-act-as";

/// Routes of the control plane.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_mock/reset", post(reset))
        .route("/_mock/users", get(list_users).post(create_user))
        .route("/_mock/clients", post(create_client))
        .route("/_mock/consents", post(create_consent))
        .route("/_mock/tokens", post(create_token))
        .route(
            "/_mock/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_mock/faults/{id}", delete(remove_fault))
        .route("/_mock/clock", get(get_clock).post(advance_clock))
        .route("/_mock/requests", get(list_requests).delete(clear_requests))
        .route("/_mock/stats", get(stats))
        .route("/_mock/settings", get(get_settings).put(put_settings))
        .route("/_mock/device/{user_code}", post(decide_device))
}

/// Parses a JSON body into `T`, turning serde's complaint into 400 naming the field.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    parse_map(&validate::object(body)?)
}

/// A JSON object as `T` (a body, or an item of the fixtures), or 400 naming the field.
pub(crate) fn parse_map<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
) -> ApiResult<T> {
    serde_json::from_value::<T>(Value::Object(map.clone())).map_err(|e| {
        let msg = e.to_string();
        let target = culprit::<T>(map, &msg).unwrap_or_else(|| "body".to_string());
        ApiError::validation(target, msg)
    })
}

/// The top-level field a deserialisation error is about: the one named by "missing
/// field", or else the first field whose removal makes the error go away or change.
/// (serde's messages quote the offending *value* for type errors, not the field.)
fn culprit<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    msg: &str,
) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return rest.split('`').next().map(str::to_string);
    }
    map.keys()
        .find(|k| {
            let mut without = map.clone();
            without.remove(k.as_str());
            match serde_json::from_value::<T>(Value::Object(without)) {
                Ok(_) => true,
                Err(e) => e.to_string() != msg,
            }
        })
        .cloned()
}

/// A JSON body parsed into `T`; an empty body counts as `{}`.
fn parse_or_empty<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    parse(if body.is_empty() { b"{}" } else { body })
}

/// `POST /_mock/reset`: every field left out keeps what the server was started with
/// (command line, environment or `MockConfig`), and the start-up fixtures are loaded
/// again, so a suite that resets between tests keeps the server it configured. The
/// `/_mock/settings` switches (not start-up settings) are turned off.
async fn reset(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<UserList>> {
    let users = ops::reset(&app, &parse_or_empty(&body)?)?;
    Ok(axum::Json(UserList { users }))
}

async fn list_users(State(app): State<AppState>) -> axum::Json<UserList> {
    axum::Json(UserList {
        users: ops::users(&app),
    })
}

async fn create_user(State(app): State<AppState>, body: axum::body::Bytes) -> ApiResult<Response> {
    let user = ops::create_user(&app, &parse(&body)?)?;
    Ok((StatusCode::CREATED, axum::Json(user)).into_response())
}

async fn create_client(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let created = ops::create_app(&app, &parse(&body)?)?;
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

async fn create_consent(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    ops::grant_consent(&app, &parse(&body)?)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn create_token(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<MintedTokens>> {
    Ok(axum::Json(ops::mint_token(&app, &parse(&body)?)?))
}

async fn list_faults(State(app): State<AppState>) -> axum::Json<FaultList> {
    axum::Json(FaultList {
        faults: ops::faults(&app),
    })
}

async fn add_fault(State(app): State<AppState>, body: axum::body::Bytes) -> ApiResult<Response> {
    let id = ops::add_fault(&app, parse(&body)?)?;
    Ok((StatusCode::CREATED, axum::Json(id)).into_response())
}

async fn clear_faults(State(app): State<AppState>) -> StatusCode {
    ops::clear_faults(&app);
    StatusCode::NO_CONTENT
}

async fn remove_fault(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    ops::remove_fault(&app, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_clock(State(app): State<AppState>) -> axum::Json<ClockNow> {
    axum::Json(ops::clock(&app))
}

async fn advance_clock(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<ClockNow>> {
    // The body is checked as a JSON object first, so `advanceSeconds` is named when the
    // field is missing or not an integer.
    let map = validate::object(&body)?;
    let advance = match map.get("advanceSeconds").and_then(Value::as_i64) {
        Some(advance_seconds) => ClockAdvance { advance_seconds },
        None => {
            return Err(ApiError::validation(
                "advanceSeconds",
                "'advanceSeconds' must be an integer from 0 to 315360000",
            ));
        }
    };
    Ok(axum::Json(ops::advance_clock(&app, &advance)?))
}

/// The journal filter of `GET /_mock/requests`: its query parameters are the fields of
/// [`JournalFilter`], by the same names; each at most once (400 naming it).
pub(crate) fn journal_filter(query: Option<&str>) -> ApiResult<JournalFilter> {
    let mut f = JournalFilter::default();
    let mut seen: Vec<String> = Vec::new();
    for (k, v) in query_pairs(query) {
        if seen.contains(&k) {
            return Err(ApiError::validation(
                k.clone(),
                format!("'{k}' is given more than once"),
            ));
        }
        let number = |target: &str| {
            v.parse::<u64>().map_err(|_| {
                ApiError::validation(target, format!("'{target}' must be a non-negative integer"))
            })
        };
        match k.as_str() {
            "method" => f.method = Some(v),
            "path" => f.path = Some(v),
            "since" => f.since = Some(number("since")?),
            "status" => {
                f.status = Some(u16::try_from(number("status")?).map_err(|_| {
                    ApiError::validation("status", "'status' must be an HTTP status")
                })?)
            }
            "userId" => f.user_id = Some(v),
            "clientId" => f.client_id = Some(v),
            "grantType" => f.grant_type = Some(v),
            "idempotencyKey" => f.idempotency_key = Some(v),
            _ => continue,
        }
        seen.push(k);
    }
    Ok(f)
}

async fn list_requests(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<axum::Json<RequestList>> {
    let filter = journal_filter(query.as_deref())?;
    Ok(axum::Json(RequestList {
        requests: ops::requests(&app, &filter),
    }))
}

async fn clear_requests(State(app): State<AppState>) -> StatusCode {
    ops::clear_requests(&app);
    StatusCode::NO_CONTENT
}

/// `GET /_mock/stats`: what the server holds in its bounded stores, to watch a long run.
async fn stats(State(app): State<AppState>) -> axum::Json<MockStats> {
    axum::Json(ops::stats(&app))
}

async fn decide_device(
    State(app): State<AppState>,
    Path(user_code): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<DeviceGrantInfo>> {
    Ok(axum::Json(ops::decide_device(
        &app,
        &user_code,
        &parse(&body)?,
    )?))
}

/// `GET /_mock/settings`: the server's behaviour switches.
async fn get_settings(State(app): State<AppState>) -> axum::Json<MockSettings> {
    axum::Json(ops::settings(&app))
}

/// `PUT /_mock/settings`: changes the switches given (absent ones keep their value);
/// `POST /_mock/reset` turns them all off again.
async fn put_settings(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<MockSettings>> {
    Ok(axum::Json(ops::update_settings(&app, &parse(&body)?)?))
}
