//! `POST /oauth/token`: every grant of DESIGN §2.1.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::browser::field;
use super::client_auth;
use super::issue::{self, Grant};
use crate::error::OAuthError;
use crate::state::{App, AppState, Family, OAuthClient, RefreshToken, World};

/// The device-code grant type (RFC 8628).
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST /oauth/token`.
pub async fn token(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = match super::browser::oauth_form(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let mut world = app.world.lock();
    let result =
        client_auth::authenticate(&world, &headers, &form).and_then(|client| {
            match field(&form, "grant_type") {
                Some("authorization_code") => authorization_code(&app, &mut world, &client, &form),
                Some("refresh_token") => refresh(&app, &mut world, &client, &form),
                Some("client_credentials") => client_credentials(&app, &mut world, &client, &form),
                Some(DEVICE_GRANT) => device_code(&app, &mut world, &client, &form),
                Some(_) => Err(OAuthError::new(
                    "unsupported_grant_type",
                    "this grant_type is not supported",
                )),
                None => Err(OAuthError::new("invalid_request", "grant_type is required")),
            }
        });
    drop(world);
    match result {
        Ok(body) => {
            let mut response = axum::Json(body).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            response
        }
        Err(e) => e.into_response(),
    }
}

fn required<'a>(form: &'a [(String, String)], name: &str) -> Result<&'a str, OAuthError> {
    field(form, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::new("invalid_request", format!("{name} is required")))
}

/// Revokes a family and every token it issued.
pub fn revoke_family(world: &mut World, family: &str) {
    if let Some(f) = world.families.get_mut(family) {
        f.revoked = true;
    }
}

fn authorization_code(
    app: &App,
    world: &mut World,
    client: &OAuthClient,
    form: &[(String, String)],
) -> Result<Value, OAuthError> {
    let code_value = required(form, "code")?;
    let now = world.now();
    let Some(code) = world.codes.get(code_value).cloned() else {
        return Err(OAuthError::new(
            "invalid_grant",
            "the authorization code is not valid",
        ));
    };
    if let Some(family) = &code.redeemed_family {
        // A replayed code: revoke everything it issued (RFC 6749 §4.1.2).
        revoke_family(world, family);
        return Err(OAuthError::new(
            "invalid_grant",
            "the authorization code was already used",
        ));
    }
    if code.client_id != client.id {
        return Err(OAuthError::new(
            "invalid_grant",
            "the authorization code was issued to another client",
        ));
    }
    if code.expires <= now {
        return Err(OAuthError::new(
            "invalid_grant",
            "the authorization code expired",
        ));
    }
    match field(form, "redirect_uri") {
        Some(r) if r == code.redirect_uri => {}
        _ => {
            return Err(OAuthError::new(
                "invalid_grant",
                "redirect_uri does not match the authorization request",
            ));
        }
    }
    // The user may have disconnected the app (or dropped a scope) since the code was issued.
    let consented = world
        .consents
        .get(&(code.user_id.clone(), client.id.clone()))
        .is_some_and(|c| code.scopes.is_subset(&c.scopes));
    if !consented {
        return Err(OAuthError::new(
            "invalid_grant",
            "the user withdrew consent for this authorization",
        ));
    }
    if code.code_challenge.is_none() && field(form, "code_verifier").is_some() {
        // PKCE downgrade (RFC 9700 §2.1.1): a verifier without a challenge is refused.
        return Err(OAuthError::new(
            "invalid_grant",
            "code_verifier sent but the authorization request had no code_challenge",
        ));
    }
    if let Some(challenge) = &code.code_challenge {
        let verifier = required(form, "code_verifier")?;
        let well_formed = (43..=128).contains(&verifier.len())
            && verifier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c));
        if !well_formed {
            return Err(OAuthError::new(
                "invalid_grant",
                "code_verifier is malformed",
            ));
        }
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if !client_auth::constant_time_eq(computed.as_bytes(), challenge.as_bytes()) {
            return Err(OAuthError::new(
                "invalid_grant",
                "code_verifier does not match the code_challenge",
            ));
        }
    }
    let family = issue::new_family(world, Some(&code.user_id), &client.id, &code.scopes);
    if let Some(c) = world.codes.get_mut(code_value) {
        c.redeemed_family = Some(family.clone());
    }
    Ok(issue::issue(
        app,
        world,
        Grant {
            family: &family,
            scopes: code.scopes.clone(),
            nonce: code.nonce.clone(),
            auth_time: code.auth_time,
            expires_in: None,
        },
    ))
}

fn refresh(
    app: &App,
    world: &mut World,
    client: &OAuthClient,
    form: &[(String, String)],
) -> Result<Value, OAuthError> {
    let value = required(form, "refresh_token")?;
    let now = world.now();
    let Some(token) = world.refresh_tokens.get(value).cloned() else {
        return Err(OAuthError::new(
            "invalid_grant",
            "the refresh token is not valid",
        ));
    };
    let Some(family) = world.families.get(&token.family).cloned() else {
        return Err(OAuthError::new(
            "invalid_grant",
            "the refresh token is not valid",
        ));
    };
    if family.client_id != client.id {
        return Err(OAuthError::new(
            "invalid_grant",
            "the refresh token was issued to another client",
        ));
    }
    if token.retired {
        if let Some(answer) = within_reuse_grace(world, &token, &family, now) {
            // The client lost the answer to its exchange (a crash, a failed save) and
            // asks again: the same tokens (RFC 9700 §4.14.2 allows this leeway).
            return Ok(answer);
        }
        // Reuse of a rotated token: someone else holds a copy. Revoke the whole family.
        revoke_family(world, &token.family);
        return Err(OAuthError::new(
            "invalid_grant",
            "the refresh token was already used; the grant is revoked",
        ));
    }
    if token.revoked || family.revoked {
        return Err(OAuthError::new("invalid_grant", "the grant was revoked"));
    }
    if token.expires <= now {
        return Err(OAuthError::new(
            "invalid_grant",
            "the refresh token expired",
        ));
    }
    if !family.scopes.contains("offline_access") {
        // The user withdrew offline access (DELETE /v1/me/permissions/offline_access).
        return Err(OAuthError::new(
            "invalid_grant",
            "the user withdrew offline access",
        ));
    }
    let allowed: BTreeSet<String> = token.scopes.intersection(&family.scopes).cloned().collect();
    let scopes = match field(form, "scope").filter(|s| !s.is_empty()) {
        None => allowed,
        Some(raw) => {
            let asked =
                super::parse_scopes(raw).map_err(|e| OAuthError::new("invalid_scope", e))?;
            if !asked.is_subset(&allowed) {
                return Err(OAuthError::new(
                    "invalid_scope",
                    "scope exceeds what was granted",
                ));
            }
            asked
        }
    };
    let answer = issue::issue(
        app,
        world,
        Grant {
            family: &token.family,
            scopes,
            nonce: None,
            auth_time: token.auth_time,
            expires_in: None,
        },
    );
    let keep = world.refresh_reuse_grace_seconds > 0;
    if let Some(t) = world.refresh_tokens.get_mut(value) {
        t.retired = true;
        t.retired_at = Some(now);
        t.successor = keep.then(|| answer.clone());
    }
    Ok(answer)
}

/// The answer a retired refresh token's exchange gave, when it is presented again within
/// the reuse grace period and its grant still stands.
fn within_reuse_grace(
    world: &World,
    token: &RefreshToken,
    family: &Family,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Value> {
    let grace = world.refresh_reuse_grace_seconds;
    let retired_at = token.retired_at?;
    let fresh = grace > 0 && now < retired_at + Duration::seconds(grace);
    (fresh && !family.revoked && !token.revoked)
        .then(|| token.successor.clone())
        .flatten()
}

fn client_credentials(
    app: &App,
    world: &mut World,
    client: &OAuthClient,
    form: &[(String, String)],
) -> Result<Value, OAuthError> {
    if client.secret.is_none() {
        return Err(OAuthError::new(
            "unauthorized_client",
            "public clients cannot use client_credentials",
        ));
    }
    let user_only = ["openid", "offline_access", "email"];
    let scopes = match field(form, "scope").filter(|s| !s.is_empty()) {
        None => client
            .scopes
            .iter()
            .filter(|s| !user_only.contains(&s.as_str()))
            .cloned()
            .collect(),
        Some(raw) => super::parse_scopes(raw).map_err(|e| OAuthError::new("invalid_scope", e))?,
    };
    if let Some(bad) = scopes
        .iter()
        .find(|s| !client.scopes.contains(*s) || user_only.contains(&s.as_str()))
    {
        return Err(OAuthError::new(
            "invalid_scope",
            format!("'{bad}' cannot be granted to an app-only token"),
        ));
    }
    let family = issue::new_family(world, None, &client.id, &scopes);
    let now = world.now();
    Ok(issue::issue(
        app,
        world,
        Grant {
            family: &family,
            scopes,
            nonce: None,
            auth_time: now,
            expires_in: None,
        },
    ))
}

fn device_code(
    app: &App,
    world: &mut World,
    client: &OAuthClient,
    form: &[(String, String)],
) -> Result<Value, OAuthError> {
    let code = required(form, "device_code")?.to_string();
    let now = world.now();
    let Some(grant) = world.device_grants.get_mut(&code) else {
        return Err(OAuthError::new(
            "invalid_grant",
            "the device code is not valid",
        ));
    };
    if grant.client_id != client.id {
        return Err(OAuthError::new(
            "invalid_grant",
            "the device code was issued to another client",
        ));
    }
    if grant.redeemed {
        return Err(OAuthError::new(
            "invalid_grant",
            "the device code was already used",
        ));
    }
    if grant.expires <= now {
        return Err(OAuthError::new(
            "expired_token",
            "the device code expired; start again",
        ));
    }
    match grant.decision.clone() {
        None => {
            let too_soon = grant
                .last_poll
                .is_some_and(|t| now < t + Duration::seconds(grant.interval));
            grant.last_poll = Some(now);
            if too_soon {
                grant.interval += 5;
                Err(OAuthError::new(
                    "slow_down",
                    format!("poll at most every {} seconds", grant.interval),
                ))
            } else {
                Err(OAuthError::new(
                    "authorization_pending",
                    "the user has not finished yet",
                ))
            }
        }
        Some(Err(())) => Err(OAuthError::new("access_denied", "the user denied access")),
        Some(Ok(user_id)) => {
            grant.redeemed = true;
            let scopes = grant.scopes.clone();
            // The user may have removed the app on the account page since approving.
            let consented = world
                .consents
                .get(&(user_id.clone(), client.id.clone()))
                .is_some_and(|c| scopes.is_subset(&c.scopes));
            if !consented {
                return Err(OAuthError::new(
                    "access_denied",
                    "the user withdrew consent for this device",
                ));
            }
            let family = issue::new_family(world, Some(&user_id), &client.id, &scopes);
            Ok(issue::issue(
                app,
                world,
                Grant {
                    family: &family,
                    scopes,
                    nonce: None,
                    auth_time: now,
                    expires_in: None,
                },
            ))
        }
    }
}
