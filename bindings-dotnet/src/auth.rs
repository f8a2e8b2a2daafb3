//! OAuth 2.0 / OpenID Connect records: token sets, the authorization-code request, the
//! device flow, introspection and userinfo. Records holding secrets redact them in
//! `Debug`; the C# layer must do the same in `ToString`.

use std::time::SystemTime;

use messenger_connect::models as m;
use messenger_connect::{Secret, TokenTypeHint as CoreHint};

use crate::errors::{MessengerConnectError, Result};
use crate::models::{from_system_time, to_system_time};

/// The tokens a client calls the API with (secrets in clear, to persist them).
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct TokenSet {
    /// The bearer token (secret).
    pub access_token: String,
    /// Token type, `Bearer`.
    pub token_type: String,
    /// When the access token expires, if known.
    pub expires_at: Option<SystemTime>,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// The refresh token, if any (secret; rotated on every refresh).
    pub refresh_token: Option<String>,
    /// When the refresh token expires, if known.
    pub refresh_token_expires_at: Option<SystemTime>,
    /// The OpenID Connect id token, if any (secret).
    pub id_token: Option<String>,
    /// When the tokens were received, if known.
    pub obtained_at: Option<SystemTime>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[REDACTED]")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("id_token", &self.id_token.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl From<messenger_connect::TokenSet> for TokenSet {
    fn from(t: messenger_connect::TokenSet) -> Self {
        TokenSet {
            access_token: t.access_token.expose().to_string(),
            token_type: t.token_type,
            expires_at: t.expires_at.map(to_system_time),
            scopes: t.scopes,
            refresh_token: t.refresh_token.map(|s| s.expose().to_string()),
            refresh_token_expires_at: t.refresh_token_expires_at.map(to_system_time),
            id_token: t.id_token.map(|s| s.expose().to_string()),
            obtained_at: t.obtained_at.map(to_system_time),
        }
    }
}

impl From<TokenSet> for messenger_connect::TokenSet {
    fn from(t: TokenSet) -> Self {
        let mut core = messenger_connect::TokenSet::bearer(t.access_token);
        core.token_type = t.token_type;
        core.expires_at = t.expires_at.map(from_system_time);
        core.scopes = t.scopes;
        core.refresh_token = t.refresh_token.map(Secret::new);
        core.refresh_token_expires_at = t.refresh_token_expires_at.map(from_system_time);
        core.id_token = t.id_token.map(Secret::new);
        core.obtained_at = t.obtained_at.map(from_system_time);
        core
    }
}

/// What to ask the user for in the authorization-code flow.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AuthorizationParams {
    /// Scopes, e.g. `["openid", "profile", "offline_access"]`.
    pub scopes: Vec<String>,
    /// `prompt`: `none`, `login` or `consent`.
    pub prompt: Option<String>,
    /// `login_hint`: the user's email or id.
    pub login_hint: Option<String>,
}

impl From<AuthorizationParams> for messenger_connect::AuthorizationParams {
    fn from(p: AuthorizationParams) -> Self {
        let mut core = messenger_connect::AuthorizationParams::new(p.scopes);
        core.prompt = p.prompt;
        core.login_hint = p.login_hint;
        core
    }
}

/// A started authorization: send the user to `url`, keep the rest until the redirect
/// comes back to `Client::exchange_code`.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct AuthorizationRequest {
    /// Where to send the user's browser.
    pub url: String,
    /// The `state` the redirect must carry back.
    pub state: String,
    /// The `nonce` the id token must carry.
    pub nonce: String,
    /// The PKCE verifier (secret).
    pub code_verifier: String,
    /// The redirect URI the request used.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl From<messenger_connect::AuthorizationRequest> for AuthorizationRequest {
    fn from(r: messenger_connect::AuthorizationRequest) -> Self {
        AuthorizationRequest {
            url: r.url,
            state: r.state,
            nonce: r.nonce,
            code_verifier: r.code_verifier.expose().to_string(),
            redirect_uri: r.redirect_uri,
            scopes: r.scopes,
        }
    }
}

impl From<AuthorizationRequest> for messenger_connect::AuthorizationRequest {
    fn from(r: AuthorizationRequest) -> Self {
        messenger_connect::AuthorizationRequest {
            url: r.url,
            state: r.state,
            nonce: r.nonce,
            code_verifier: Secret::new(r.code_verifier),
            redirect_uri: r.redirect_uri,
            scopes: r.scopes,
        }
    }
}

/// A started device authorization (RFC 8628): show `user_code` and `verification_uri`
/// to the user, then poll.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct DeviceAuthorization {
    /// The code the client polls with (secret).
    pub device_code: String,
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// The same page with the code filled in.
    pub verification_uri_complete: Option<String>,
    /// Lifetime of the codes, in seconds.
    pub expires_in: u64,
    /// Minimum seconds between two polls.
    pub interval: u64,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl From<m::DeviceAuthorization> for DeviceAuthorization {
    fn from(d: m::DeviceAuthorization) -> Self {
        DeviceAuthorization {
            device_code: d.device_code.expose().to_string(),
            user_code: d.user_code,
            verification_uri: d.verification_uri,
            verification_uri_complete: d.verification_uri_complete,
            expires_in: d.expires_in,
            interval: d.interval,
        }
    }
}

impl From<DeviceAuthorization> for m::DeviceAuthorization {
    fn from(d: DeviceAuthorization) -> Self {
        m::DeviceAuthorization {
            device_code: Secret::new(d.device_code),
            user_code: d.user_code,
            verification_uri: d.verification_uri,
            verification_uri_complete: d.verification_uri_complete,
            expires_in: d.expires_in,
            interval: d.interval,
        }
    }
}

/// The result of one poll of the device flow.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DevicePoll {
    /// The user has not finished yet: poll again after the interval.
    Pending,
    /// Polling too fast: poll again after this new interval.
    SlowDown {
        /// The new interval, in seconds.
        interval: u64,
    },
    /// The user allowed access; the tokens are installed.
    Complete {
        /// The new tokens.
        tokens: TokenSet,
    },
}

impl From<messenger_connect::DevicePoll> for DevicePoll {
    fn from(p: messenger_connect::DevicePoll) -> Self {
        match p {
            messenger_connect::DevicePoll::Pending => DevicePoll::Pending,
            messenger_connect::DevicePoll::SlowDown(interval) => DevicePoll::SlowDown { interval },
            messenger_connect::DevicePoll::Complete(t) => DevicePoll::Complete { tokens: t.into() },
        }
    }
}

/// Which kind of token is revoked or introspected (a hint to the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TokenTypeHint {
    /// An access token.
    AccessToken,
    /// A refresh token.
    RefreshToken,
}

impl From<TokenTypeHint> for CoreHint {
    fn from(h: TokenTypeHint) -> Self {
        match h {
            TokenTypeHint::AccessToken => CoreHint::AccessToken,
            TokenTypeHint::RefreshToken => CoreHint::RefreshToken,
        }
    }
}

/// `aud` claims: a string or an array of strings, as a list.
fn audience(v: Option<serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => vec![s],
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// What the server says about a token (RFC 7662).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Introspection {
    /// Whether the token is valid now.
    pub active: bool,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// The app the token was issued to.
    pub client_id: Option<String>,
    /// The user's sign-in name.
    pub username: Option<String>,
    /// `Bearer` or `refresh_token`.
    pub token_type: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: Option<i64>,
    /// Issue time, seconds since the epoch.
    pub iat: Option<i64>,
    /// The user's id.
    pub sub: Option<String>,
    /// Audience.
    pub aud: Vec<String>,
    /// Issuer.
    pub iss: Option<String>,
}

impl From<m::Introspection> for Introspection {
    fn from(i: m::Introspection) -> Self {
        Introspection {
            active: i.active,
            scope: i.scope,
            client_id: i.client_id,
            username: i.username,
            token_type: i.token_type,
            exp: i.exp,
            iat: i.iat,
            sub: i.sub,
            aud: audience(i.aud),
            iss: i.iss,
        }
    }
}

/// Claims about the signed-in user (`GET /oauth/userinfo`), as the scopes allow.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct UserInfo {
    /// The user's id.
    pub sub: String,
    /// Display name.
    pub name: Option<String>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Whether the email is verified.
    pub email_verified: Option<bool>,
    /// Locale.
    pub locale: Option<String>,
    /// Photo URL.
    pub picture: Option<String>,
    /// Last profile change, seconds since the epoch.
    pub updated_at: Option<i64>,
}

impl From<m::UserInfo> for UserInfo {
    fn from(u: m::UserInfo) -> Self {
        UserInfo {
            sub: u.sub,
            name: u.name,
            given_name: u.given_name,
            family_name: u.family_name,
            email: u.email,
            email_verified: u.email_verified,
            locale: u.locale,
            picture: u.picture,
            updated_at: u.updated_at,
        }
    }
}

/// The claims of a validated OpenID Connect id token.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// The user's id.
    pub sub: String,
    /// Audience.
    pub aud: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issue time, seconds since the epoch.
    pub iat: i64,
    /// When the user authenticated.
    pub auth_time: Option<i64>,
    /// The nonce of the authorization request.
    pub nonce: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
}

impl From<m::IdTokenClaims> for IdTokenClaims {
    fn from(c: m::IdTokenClaims) -> Self {
        IdTokenClaims {
            iss: c.iss,
            sub: c.sub,
            aud: audience(Some(c.aud)),
            exp: c.exp,
            iat: c.iat,
            auth_time: c.auth_time,
            nonce: c.nonce,
            name: c.name,
            email: c.email,
        }
    }
}

/// A token set of just an access token (no known expiry, no refresh token).
#[uniffi::export]
pub fn bearer_token_set(access_token: String) -> TokenSet {
    messenger_connect::TokenSet::bearer(access_token).into()
}

/// A decoding error by class and position only: serde's own message may quote a value,
/// and these values are secrets.
fn json_error(name: &str, e: serde_json::Error) -> MessengerConnectError {
    let class = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "JSON cut short",
    };
    MessengerConnectError::invalid(
        name,
        format!("{class} at line {} column {}", e.line(), e.column()),
    )
}

/// A token set as JSON text, in core's persisted form (camelCase, secrets in clear), the
/// same the Python and Node bindings store: keep it somewhere safe.
#[uniffi::export]
pub fn token_set_to_json(tokens: TokenSet) -> Result<String> {
    serde_json::to_string(&messenger_connect::TokenSet::from(tokens))
        .map_err(MessengerConnectError::internal)
}

/// A token set from JSON text written by `token_set_to_json` (or another binding).
#[uniffi::export]
pub fn token_set_from_json(json: String) -> Result<TokenSet> {
    serde_json::from_str::<messenger_connect::TokenSet>(&json)
        .map(TokenSet::from)
        .map_err(|e| json_error("json", e))
}

/// An authorization request as JSON text (to keep it, e.g. in a web session, until the
/// redirect comes back); it holds the PKCE verifier, a secret.
#[uniffi::export]
pub fn authorization_request_to_json(request: AuthorizationRequest) -> Result<String> {
    serde_json::to_string(&messenger_connect::AuthorizationRequest::from(request))
        .map_err(MessengerConnectError::internal)
}

/// An authorization request from JSON text written by `authorization_request_to_json`.
#[uniffi::export]
pub fn authorization_request_from_json(json: String) -> Result<AuthorizationRequest> {
    serde_json::from_str::<messenger_connect::AuthorizationRequest>(&json)
        .map(AuthorizationRequest::from)
        .map_err(|e| json_error("json", e))
}
