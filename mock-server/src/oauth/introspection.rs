//! `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::browser::field;
use super::client_auth;
use crate::error::OAuthError;
use crate::state::AppState;

/// `POST /oauth/revoke`: revokes an access token, or a refresh token with its whole grant.
/// Unknown tokens are answered 200 too, as RFC 7009 asks.
pub async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match super::browser::oauth_form(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut world = app.world.lock();
    let client = match client_auth::authenticate(&world, &headers, &form) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Some(token) = field(&form, "token").filter(|t| !t.is_empty()) else {
        return OAuthError::new("invalid_request", "token is required").into_response();
    };
    let owner = |family: &str| {
        world
            .families
            .get(family)
            .map(|f| f.client_id == client.id)
            .unwrap_or(false)
    };
    if let Some(family) = world.refresh_tokens.get(token).map(|t| t.family.clone()) {
        if owner(&family) {
            super::token::revoke_family(&mut world, &family);
        }
    } else if let Some(family) = world.access_tokens.get(token).map(|t| t.family.clone())
        && owner(&family)
        && let Some(t) = world.access_tokens.get_mut(token)
    {
        t.revoked = true;
    }
    StatusCode::OK.into_response()
}

/// `POST /oauth/introspect`: whether a token is active, and what it carries. A client
/// learns only about its own tokens.
pub async fn introspect(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match super::browser::oauth_form(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let world = app.world.lock();
    let client = match client_auth::authenticate(&world, &headers, &form) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Some(token) = field(&form, "token").filter(|t| !t.is_empty()) else {
        return OAuthError::new("invalid_request", "token is required").into_response();
    };
    let now = world.now();
    let inactive = || axum::Json(json!({ "active": false })).into_response();
    let (family_id, scopes, exp, iat, kind) = if let Some(t) = world.access_tokens.get(token) {
        if t.revoked || t.expires <= now {
            return inactive();
        }
        (
            t.family.clone(),
            t.scopes.clone(),
            t.expires,
            Some(t.issued),
            "Bearer",
        )
    } else if let Some(t) = world.refresh_tokens.get(token) {
        if t.revoked || t.retired || t.expires <= now {
            return inactive();
        }
        (
            t.family.clone(),
            t.scopes.clone(),
            t.expires,
            None,
            "refresh_token",
        )
    } else {
        return inactive();
    };
    let Some(family) = world
        .families
        .get(&family_id)
        .filter(|f| !f.revoked && f.client_id == client.id)
    else {
        return inactive();
    };
    let scopes: std::collections::BTreeSet<String> =
        scopes.intersection(&family.scopes).cloned().collect();
    let mut out = json!({
        "active": true,
        "scope": super::join_scopes(&scopes),
        "client_id": family.client_id,
        "token_type": kind,
        "exp": exp.timestamp(),
        "aud": family.client_id,
        "iss": app.base_url(),
    });
    if let Some(iat) = iat {
        out["iat"] = json!(iat.timestamp());
    }
    if let Some(user) = family.user_id.as_ref().and_then(|u| world.users.get(u)) {
        out["sub"] = json!(user.id);
        out["username"] = json!(user.email);
    }
    axum::Json(out).into_response()
}
