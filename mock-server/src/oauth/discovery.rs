//! OpenID Connect discovery, JWKS and userinfo.

use axum::extract::State;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0) and
/// `GET /.well-known/oauth-authorization-server` (RFC 8414): the same metadata. The
/// issuer is the request's base URL (see [`crate::public_url`]), so it equals the URL the
/// client discovered from.
pub async fn configuration(State(app): State<AppState>) -> axum::Json<Value> {
    axum::Json(metadata(&app.base_url()))
}

/// The authorization server's metadata for issuer `base`.
pub fn metadata(base: &str) -> Value {
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "device_authorization_endpoint": format!("{base}/oauth/device_authorization"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "introspection_endpoint": format!("{base}/oauth/introspect"),
        "userinfo_endpoint": format!("{base}/oauth/userinfo"),
        "jwks_uri": format!("{base}/oauth/jwks"),
        "scopes_supported": super::SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment"],
        "grant_types_supported": [
            "authorization_code", "refresh_token", "client_credentials", super::token::DEVICE_GRANT
        ],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "given_name",
            "family_name", "locale", "picture", "updated_at", "email", "email_verified"
        ],
        // Absent would mean `true` (Discovery §3): the mock has no request objects.
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "claims_parameter_supported": false,
        "claim_types_supported": ["normal"],
    })
}

/// `GET /oauth/jwks`.
pub async fn jwks(State(app): State<AppState>) -> axum::Json<Value> {
    axum::Json(app.keys.jwks.clone())
}

/// `GET|POST /oauth/userinfo` (needs `openid`).
pub async fn userinfo(State(app): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Value>> {
    caller.require("openid")?;
    let user = caller.user()?.to_string();
    let world = app.world.lock();
    Ok(axum::Json(super::issue::user_claims(
        &world,
        &user,
        &caller.scopes,
    )))
}
