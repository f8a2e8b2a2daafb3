//! `/v1/me/friends` and `PUT /v1/me/status` (DESIGN §2.2, §2.8).

use std::sync::Arc;

use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::routing::{get, put};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::resources::social::{self, friend_json, visible_presence};
use crate::state::AppState;
use crate::validate;

const PRESENCES: &[&str] = &["online", "away", "busy", "invisible", "offline"];

/// Routes of friends and status changes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/friends", get(list))
        .route("/v1/me/status", put(put_status))
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("friends.read")?;
    let user = caller.user()?.to_string();
    social::list(
        &app,
        &user,
        "friends",
        uri.path(),
        raw.as_deref(),
        &app.spec.friend,
        |world| {
            Ok(world
                .social
                .friends
                .get(&user)
                .into_iter()
                .flatten()
                .filter_map(|(id, since)| {
                    let u = world.users.get(id)?;
                    Some((id.clone(), Arc::new(friend_json(u, *since))))
                })
                .collect())
        },
    )
}

async fn put_status(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    caller.require("status.write")?;
    let user_id = caller.user()?.to_string();
    let input = validate::object(&body)?;
    let message = match input.get("message") {
        None => None,
        Some(v) => Some(validate::string(v, "message", 0, 280)?),
    };
    let presence = match input.get("presence") {
        None => None,
        Some(v) => Some(validate::one_of(v, "presence", PRESENCES)?),
    };
    if message.is_none() && presence.is_none() {
        return Err(ApiError::validation(
            "body",
            "at least one of 'message' and 'presence' is required",
        ));
    }
    let mut world = app.world.lock();
    let now = world.now();
    let user = world
        .users
        .get_mut(&user_id)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    let old_presence = user.presence.clone();
    if let Some(m) = message {
        user.status_message = m;
    }
    if let Some(p) = presence {
        user.presence = p;
    }
    user.status_updated = Some(now);
    let user = user.clone();
    let status = crate::resources::me::status_json(&user);

    // The change is also a feed item.
    let id = world.new_id("a");
    let mut activity = json!({
        "id": id,
        "type": "Status",
        "published": rfc3339(now),
        "generator": social::generator(&world, &caller.client_id),
    });
    if !user.status_message.is_empty() {
        activity["content"] = json!(user.status_message);
    }
    social::post_activity(&mut world, &user_id, activity);

    // And a live event, to the user (true presence) and to each friend (visible presence).
    let event = |presence: &str| {
        json!({
            "userId": user.id,
            "displayName": user.display_name,
            "message": user.status_message,
            "presence": presence,
            "updated": rfc3339(now),
        })
    };
    crate::events::publish(
        &mut world,
        &user_id,
        "status.changed",
        event(&user.presence),
    );
    if old_presence != user.presence {
        crate::events::publish(
            &mut world,
            &user_id,
            "presence.changed",
            json!({ "userId": user.id, "presence": user.presence }),
        );
    }
    let seen_before = visible_presence(&old_presence).to_string();
    let seen_now = visible_presence(&user.presence).to_string();
    for friend in world.social.friend_ids(&user_id) {
        crate::events::publish(&mut world, &friend, "status.changed", event(&seen_now));
        if seen_before != seen_now {
            crate::events::publish(
                &mut world,
                &friend,
                "presence.changed",
                json!({ "userId": user.id, "presence": seen_now }),
            );
        }
    }
    Ok(axum::Json(status))
}
