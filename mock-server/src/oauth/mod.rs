//! OAuth 2.0 and OpenID Connect (DESIGN §2.1).

pub mod account;
pub mod authorize;
pub mod browser;
pub mod client_auth;
pub mod device;
pub mod discovery;
pub mod introspection;
pub mod issue;
pub mod pages;
pub mod token;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the identity provider and its HTML pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::configuration),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(discovery::configuration),
        )
        .route("/oauth/jwks", get(discovery::jwks))
        .route(
            "/oauth/userinfo",
            get(discovery::userinfo).post(discovery::userinfo),
        )
        .route(
            "/oauth/authorize",
            get(authorize::get).post(authorize::post),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/device_authorization", post(device::authorize))
        .route("/device", get(device::page).post(device::submit))
        .route("/oauth/revoke", post(introspection::revoke))
        .route("/oauth/introspect", post(introspection::introspect))
        .route("/account", get(account::page))
        .route("/account/sign-in", post(account::submit_sign_in))
        .route(
            "/account/apps/{client_id}/remove",
            post(account::remove_app),
        )
}

/// Every scope of the contract, in display order.
pub const SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "profile.write",
    "status.write",
    "contacts.read",
    "contacts.write",
    "friends.read",
    "friends.invite",
    "feed.read",
    "feed.write",
    "chat",
];

/// What a scope lets an app do, in plain words (the consent page lists these).
pub fn describe_scope(scope: &str) -> &'static str {
    match scope {
        "openid" => "Sign you in with your Messenger Connect account",
        "profile" => "See your name, photo, locale and status",
        "email" => "See your email addresses",
        "offline_access" => "Keep access to what you allow here when you are not using the app",
        "profile.write" => "Change your name, photo and locale",
        "status.write" => "Change your status message and presence",
        "contacts.read" => "See your contacts",
        "contacts.write" => "Add, change and delete your contacts",
        "friends.read" => "See your friends and whether they are online",
        "friends.invite" => "Invite your contacts to become friends",
        "feed.read" => "See your activity feed and your friends' activities",
        "feed.write" => "Post activities to your feed",
        "chat" => "Read and send chat messages",
        _ => "Unknown permission",
    }
}

/// Parses a space-separated scope list; every scope must be known.
pub fn parse_scopes(raw: &str) -> Result<std::collections::BTreeSet<String>, String> {
    let mut out = std::collections::BTreeSet::new();
    for s in raw.split(' ').filter(|s| !s.is_empty()) {
        if !SCOPES.contains(&s) {
            return Err(format!("unknown scope '{s}'"));
        }
        out.insert(s.to_string());
    }
    Ok(out)
}

/// Joins scopes with spaces, in a stable order.
pub fn join_scopes(scopes: &std::collections::BTreeSet<String>) -> String {
    scopes
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}
