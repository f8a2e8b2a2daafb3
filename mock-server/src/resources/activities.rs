//! `/v1/me/activities` and `/v1/me/feed`: Activity Streams 2.0 subset (DESIGN §2.8).

use std::collections::BinaryHeap;
use std::sync::Arc;

use crate::extract::Path;
use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::resources::social::{self, Items, Window, descending};
use crate::state::{AppState, World};
use crate::validate;

const TYPES: &[&str] = &["Note", "Share", "Like", "Status"];

/// Routes of activities and the feed.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/activities", get(list_own).post(create))
        .route("/v1/me/activities/{id}", get(get_one).delete(remove))
        .route("/v1/me/feed", get(feed))
}

/// Activities of these authors, newest first: all of them, or (given the page's
/// [`Window`]) only the newest `len` older than the window's start, merged from each
/// author's own sequence, so a page of a feed of 100,000 activities touches ~a page.
fn activities_of(world: &World, authors: &[String], window: Option<&Window>) -> Items {
    let sequences = authors
        .iter()
        .filter_map(|author| world.social.by_author.get(author));
    let Some(window) = window else {
        let mut out = Items::new();
        for ids in sequences {
            for (seq, id) in ids {
                if let Some(a) = world.social.activities.get(id) {
                    out.push((descending(*seq), a.value.clone()));
                }
            }
        }
        return out;
    };
    // Keys are `descending(seq)`: "after the key" is "seq below the key's seq".
    let below = match window.after.as_deref().map(ascending) {
        Some(Some(seq)) => seq,
        Some(None) => return Items::new(),
        None => u64::MAX,
    };
    let mut heads: Vec<_> = sequences
        .map(|ids| ids.range(..below).rev().peekable())
        .collect();
    let mut heap: BinaryHeap<(u64, usize)> = heads
        .iter_mut()
        .enumerate()
        .filter_map(|(i, it)| it.peek().map(|(seq, _)| (**seq, i)))
        .collect();
    let mut out = Items::with_capacity(window.len.min(4096));
    while out.len() < window.len {
        let Some((_, i)) = heap.pop() else { break };
        let Some((seq, id)) = heads[i].next() else {
            continue;
        };
        if let Some(a) = world.social.activities.get(id) {
            out.push((descending(*seq), a.value.clone()));
        }
        if let Some((next, _)) = heads[i].peek() {
            heap.push((**next, i));
        }
    }
    out
}

/// The sequence number of a [`descending`] key (`None` when it is not one).
fn ascending(key: &str) -> Option<u64> {
    key.parse::<u64>().ok().map(|k| u64::MAX - k)
}

async fn list_own(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("feed.read")?;
    let user = caller.user()?.to_string();
    social::list_window(
        &app,
        &user,
        "activities",
        uri.path(),
        raw.as_deref(),
        &app.spec.activity,
        |world, window| Ok(activities_of(world, std::slice::from_ref(&user), window)),
    )
}

async fn feed(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("feed.read")?;
    let user = caller.user()?.to_string();
    social::list_window(
        &app,
        &user,
        "feed",
        uri.path(),
        raw.as_deref(),
        &app.spec.activity,
        |world, window| {
            let mut authors = world.social.friend_ids(&user);
            authors.push(user.clone());
            Ok(activities_of(world, &authors, window))
        },
    )
}

/// The writable fields of a new activity (`type`, `content`, `name`, `url`, `image`),
/// validated: 400 naming the field at fault. Used by `POST /v1/me/activities` and by
/// fixture files.
pub fn fields(input: &serde_json::Map<String, Value>) -> ApiResult<serde_json::Map<String, Value>> {
    let present = |k: &str| input.get(k).filter(|v| !v.is_null());
    let kind = validate::one_of(present("type").unwrap_or(&Value::Null), "type", TYPES)?;
    let content = present("content")
        .map(|v| validate::string(v, "content", 0, 5000))
        .transpose()?;
    let name = present("name")
        .map(|v| validate::string(v, "name", 0, 280))
        .transpose()?;
    let url = present("url")
        .map(|v| validate::http_url(v, "url"))
        .transpose()?;
    let image = match present("image") {
        None => None,
        Some(v) => {
            let obj = validate::obj(v, "image")?;
            Some(validate::http_url(
                obj.get("url").unwrap_or(&Value::Null),
                "image/url",
            )?)
        }
    };
    if kind == "Note" && content.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(ApiError::validation("content", "a Note needs 'content'"));
    }
    if kind == "Share" && url.is_none() {
        return Err(ApiError::validation("url", "a Share needs 'url'"));
    }
    let mut out = serde_json::Map::new();
    out.insert("type".into(), json!(kind));
    if let Some(c) = content {
        out.insert("content".into(), json!(c));
    }
    if let Some(n) = name {
        out.insert("name".into(), json!(n));
    }
    if let Some(u) = url {
        out.insert("url".into(), json!(u));
    }
    if let Some(i) = image {
        out.insert("image".into(), json!({ "url": i }));
    }
    Ok(out)
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("feed.write")?;
    let user = caller.user()?.to_string();
    let fields = fields(&validate::object(&body)?)?;
    let mut world = app.world.lock();
    let id = world.new_id("a");
    let mut value = json!({
        "id": id,
        "published": rfc3339(world.now()),
        "generator": social::generator(&world, &caller.client_id),
    });
    for (k, v) in fields {
        value[k.as_str()] = v;
    }
    let value = social::post_activity(&mut world, &user, value);
    drop(world);
    let mut response = (StatusCode::CREATED, axum::Json((*value).clone())).into_response();
    if let Ok(l) = HeaderValue::from_str(&format!("{}/v1/me/activities/{id}", app.base_url())) {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

/// The caller's own activity, or 404 (another user's is 404 too).
fn own(world: &World, user: &str, id: &str) -> ApiResult<Arc<Value>> {
    world
        .social
        .activities
        .get(id)
        .filter(|a| a.author == user)
        .map(|a| a.value.clone())
        .ok_or_else(|| ApiError::not_found("the activity"))
}

async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    caller.require("feed.read")?;
    let user = caller.user()?;
    let value = own(&app.world.lock(), user, &id)?;
    Ok(axum::Json((*value).clone()))
}

async fn remove(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require("feed.write")?;
    let user = caller.user()?.to_string();
    let mut world = app.world.lock();
    own(&world, &user, &id)?;
    if let Some(a) = world.social.activities.remove(&id)
        && let Some(ids) = world.social.by_author.get_mut(&user)
    {
        ids.remove(&a.seq);
    }
    Ok(StatusCode::NO_CONTENT)
}
