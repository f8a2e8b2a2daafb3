//! Issuing tokens: access token, rotated refresh token and id_token, shared by the token
//! endpoint and `POST /_mock/tokens`.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Value, json};

use crate::state::{AccessToken, App, Consent, Family, RefreshToken, World};

/// Access tokens live an hour unless asked otherwise.
pub const ACCESS_TTL_SECONDS: i64 = 3600;
/// Refresh tokens live 90 days.
pub const REFRESH_TTL_SECONDS: i64 = 90 * 24 * 3600;

/// What to issue.
pub struct Grant<'a> {
    /// The family the tokens belong to.
    pub family: &'a str,
    /// Scopes of the new tokens.
    pub scopes: BTreeSet<String>,
    /// OIDC nonce for the id_token.
    pub nonce: Option<String>,
    /// When the user authenticated.
    pub auth_time: DateTime<Utc>,
    /// Access-token lifetime override.
    pub expires_in: Option<i64>,
}

/// Starts a grant family for `user_id` (None: app-only) and `client_id`.
pub fn new_family(
    world: &mut World,
    user_id: Option<&str>,
    client_id: &str,
    scopes: &BTreeSet<String>,
) -> String {
    let id = world.new_id("g");
    world.families.insert(
        id.clone(),
        Family {
            user_id: user_id.map(str::to_string),
            client_id: client_id.to_string(),
            scopes: scopes.clone(),
            revoked: false,
        },
    );
    id
}

/// Records (or widens) a user's consent to an app.
pub fn record_consent(
    world: &mut World,
    user_id: &str,
    client_id: &str,
    scopes: &BTreeSet<String>,
) {
    let now = world.now();
    let consent = world
        .consents
        .entry((user_id.to_string(), client_id.to_string()))
        .or_insert(Consent {
            scopes: BTreeSet::new(),
            granted: now,
        });
    consent.scopes.extend(scopes.iter().cloned());
}

/// Issues tokens in `grant.family` and returns the RFC 6749 token response.
pub fn issue(app: &App, world: &mut World, grant: Grant<'_>) -> Value {
    let now = world.now();
    let Some(family) = world.families.get(grant.family).cloned() else {
        return json!({});
    };
    let ttl = grant.expires_in.unwrap_or(ACCESS_TTL_SECONDS).max(1);
    let access = world.new_secret("at_");
    world.access_tokens.insert(
        access.clone(),
        AccessToken {
            family: grant.family.to_string(),
            scopes: grant.scopes.clone(),
            issued: now,
            expires: now + Duration::seconds(ttl),
            revoked: false,
        },
    );
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": super::join_scopes(&grant.scopes),
    });
    let Some(user_id) = family.user_id.as_deref() else {
        return body;
    };
    if grant.scopes.contains("offline_access") {
        let refresh = world.new_secret("rt_");
        world.refresh_tokens.insert(
            refresh.clone(),
            RefreshToken {
                family: grant.family.to_string(),
                scopes: grant.scopes.clone(),
                expires: now + Duration::seconds(REFRESH_TTL_SECONDS),
                retired: false,
                retired_at: None,
                successor: None,
                revoked: false,
                auth_time: grant.auth_time,
            },
        );
        body["refresh_token"] = json!(refresh);
        body["refresh_token_expires_in"] = json!(REFRESH_TTL_SECONDS);
    }
    if grant.scopes.contains("openid")
        && let Some(id_token) = id_token(app, world, user_id, &family.client_id, &grant, now)
    {
        body["id_token"] = json!(id_token);
    }
    body
}

/// The OIDC claims about a user that the scopes allow (userinfo and id_token share them).
pub fn user_claims(world: &World, user_id: &str, scopes: &BTreeSet<String>) -> Value {
    let mut claims = json!({ "sub": user_id });
    if let Some(user) = world.users.get(user_id) {
        if scopes.contains("profile") {
            claims["name"] = json!(user.display_name);
            claims["given_name"] = json!(user.given_name);
            claims["family_name"] = json!(user.family_name);
            claims["locale"] = json!(user.locale);
            claims["updated_at"] = json!(user.updated.timestamp());
            if let Some(photo) = &user.photo {
                claims["picture"] = json!(photo);
            }
        }
        if scopes.contains("email") {
            claims["email"] = json!(user.email);
            claims["email_verified"] = json!(true);
        }
    }
    claims
}

fn id_token(
    app: &App,
    world: &World,
    user_id: &str,
    client_id: &str,
    grant: &Grant<'_>,
    now: DateTime<Utc>,
) -> Option<String> {
    let mut claims = user_claims(world, user_id, &grant.scopes);
    claims["iss"] = json!(app.base_url());
    claims["aud"] = json!(client_id);
    claims["iat"] = json!(now.timestamp());
    claims["exp"] = json!((now + Duration::seconds(ACCESS_TTL_SECONDS)).timestamp());
    claims["auth_time"] = json!(grant.auth_time.timestamp());
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(app.keys.kid.clone());
    jsonwebtoken::encode(&header, &claims, &app.keys.encoding).ok()
}
