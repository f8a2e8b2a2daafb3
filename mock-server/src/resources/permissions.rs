//! `/v1/me/permissions`: the calling app's grant, and how the user disconnects it.

use crate::extract::Path;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, World};

/// Routes of the permissions resource.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/permissions", get(list).delete(revoke_all))
        .route("/v1/me/permissions/{scope}", delete(revoke_scope))
}

async fn list(State(app): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Value>> {
    let world = app.world.lock();
    let client = world.clients.get(&caller.client_id);
    let granted = caller
        .user_id
        .as_ref()
        .and_then(|u| world.consents.get(&(u.clone(), caller.client_id.clone())))
        .map(|c| c.granted)
        .unwrap_or_else(|| world.now());
    Ok(axum::Json(json!({
        "clientId": caller.client_id,
        "clientName": client.map(|c| c.name.clone()).unwrap_or_default(),
        "scopes": caller.scopes,
        "granted": rfc3339(granted),
    })))
}

/// Revokes every token of every grant family of `user` and `client`, and the consent.
pub fn revoke_grant(world: &mut World, user: &str, client: &str) {
    world
        .consents
        .remove(&(user.to_string(), client.to_string()));
    for family in world.families.values_mut() {
        if family.user_id.as_deref() == Some(user) && family.client_id == client {
            family.revoked = true;
        }
    }
}

async fn revoke_all(State(app): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let user = caller.user()?.to_string();
    revoke_grant(&mut app.world.lock(), &user, &caller.client_id);
    Ok(StatusCode::NO_CONTENT)
}

async fn revoke_scope(
    State(app): State<AppState>,
    caller: Caller,
    Path(scope): Path<String>,
) -> ApiResult<StatusCode> {
    let user = caller.user()?.to_string();
    if !caller.has(&scope) {
        return Err(
            ApiError::not_found(&format!("the scope '{scope}' in this grant")).target("scope"),
        );
    }
    let mut world = app.world.lock();
    if let Some(consent) = world
        .consents
        .get_mut(&(user.clone(), caller.client_id.clone()))
    {
        consent.scopes.remove(&scope);
    }
    for family in world.families.values_mut() {
        if family.user_id.as_deref() == Some(user.as_str()) && family.client_id == caller.client_id
        {
            family.scopes.remove(&scope);
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
