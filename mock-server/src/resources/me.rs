//! `/v1/me`, `/v1/me/status` and `/v1/users/{id}`: profile and status.

use crate::extract::Path;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, User};
use crate::validate;

/// Routes of the profile resources.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me", get(get_me).patch(update_me))
        .route("/v1/me/status", get(get_status))
        .route("/v1/users/{id}", get(get_user))
}

/// The user's own profile as `/v1/me` shows it; emails only with the `email` scope.
pub fn me_json(user: &User, with_email: bool) -> Value {
    let mut me = json!({
        "id": user.id,
        "displayName": user.display_name,
        "name": { "givenName": user.given_name, "familyName": user.family_name },
        "photo": user.photo,
        "locale": user.locale,
        "presence": user.presence,
        "status": status_json(user),
        "updated": rfc3339(user.updated),
    });
    if with_email {
        me["emails"] = json!([{ "value": user.email, "type": "home", "primary": true }]);
    }
    me
}

/// The status object: message, presence and when it changed.
pub fn status_json(user: &User) -> Value {
    json!({
        "message": user.status_message,
        "presence": user.presence,
        "updated": user.status_updated.map(rfc3339),
    })
}

/// The public profile anyone signed in may see.
pub fn public_json(user: &User) -> Value {
    json!({ "id": user.id, "displayName": user.display_name, "photo": user.photo })
}

async fn get_me(State(app): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Value>> {
    caller.require("profile")?;
    let world = app.world.lock();
    let user = world
        .users
        .get(caller.user()?)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    Ok(axum::Json(me_json(user, caller.has("email"))))
}

async fn update_me(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    caller.require("profile.write")?;
    let patch = validate::object(&body)?;
    // Validate everything before changing anything.
    let display_name = patch
        .get("displayName")
        .map(|v| validate::text(v, "displayName", 100))
        .transpose()?;
    let mut given = None;
    let mut family = None;
    if let Some(name) = patch.get("name") {
        let name = validate::obj(name, "name")?;
        given = name
            .get("givenName")
            .map(|v| validate::string(v, "name/givenName", 0, 100))
            .transpose()?;
        family = name
            .get("familyName")
            .map(|v| validate::string(v, "name/familyName", 0, 100))
            .transpose()?;
    }
    let photo = match patch.get("photo") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(validate::http_url(v, "photo")?)),
    };
    let locale = patch
        .get("locale")
        .map(|v| validate::locale(v, "locale"))
        .transpose()?;
    let mut world = app.world.lock();
    let now = world.now();
    let user_id = caller.user()?.to_string();
    let user = world
        .users
        .get_mut(&user_id)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    if let Some(v) = display_name {
        user.display_name = v;
    }
    if let Some(v) = given {
        user.given_name = v;
    }
    if let Some(v) = family {
        user.family_name = v;
    }
    if let Some(v) = photo {
        user.photo = v;
    }
    if let Some(v) = locale {
        user.locale = v;
    }
    user.updated = now;
    Ok(axum::Json(me_json(user, caller.has("email"))))
}

async fn get_status(State(app): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Value>> {
    caller.require("profile")?;
    let world = app.world.lock();
    let user = world
        .users
        .get(caller.user()?)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    Ok(axum::Json(status_json(user)))
}

async fn get_user(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    caller.require("profile")?;
    let world = app.world.lock();
    let user = world
        .users
        .get(&id)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    Ok(axum::Json(public_json(user)))
}
