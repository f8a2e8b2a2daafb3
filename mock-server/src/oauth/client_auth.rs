//! Client authentication at the token, revocation and introspection endpoints
//! (`client_secret_basic`, `client_secret_post`, `none` for public clients).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::OAuthError;
use crate::state::{OAuthClient, World};

/// `Authorization: Basic` credentials, form-url-decoded as RFC 6749 §2.3.1 requires.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(user), decode(pass)))
}

/// Authenticates the calling client from the Basic header or the form fields.
/// A confidential client must present its secret; a public one presents only its id.
pub fn authenticate(
    world: &World,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<OAuthClient, OAuthError> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let basic = basic_credentials(headers);
    let (client_id, secret) = match (basic, field("client_id"), field("client_secret")) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::new(
                "invalid_request",
                "use one client authentication method, not both",
            ));
        }
        (Some((id, secret)), form_id, None) => {
            if form_id.as_ref().is_some_and(|f| f != &id) {
                return Err(OAuthError::new(
                    "invalid_request",
                    "client_id does not match the Basic credentials",
                ));
            }
            (id, Some(secret))
        }
        (None, Some(id), secret) => (id, secret),
        (None, None, _) => {
            return Err(OAuthError::invalid_client(
                "client authentication is required",
            ));
        }
    };
    let client = world
        .clients
        .get(&client_id)
        .ok_or_else(|| OAuthError::invalid_client("unknown client"))?;
    match (&client.secret, secret) {
        (Some(expected), Some(given))
            if constant_time_eq(expected.as_bytes(), given.as_bytes()) =>
        {
            Ok(client.clone())
        }
        (Some(_), _) => Err(OAuthError::invalid_client("client authentication failed")),
        (None, None) => Ok(client.clone()),
        (None, Some(_)) => Err(OAuthError::invalid_client("a public client has no secret")),
    }
}

/// Compares secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
