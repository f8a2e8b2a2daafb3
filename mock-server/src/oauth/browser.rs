//! Browser state for the HTML pages: the sign-in session cookie and CSRF tokens bound to
//! a cookie (double submit, signed), so a form posted from another site is refused.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::state::{App, Session, World};

/// Session cookie name.
pub const SESSION_COOKIE: &str = "mc_session";
/// CSRF cookie name.
pub const CSRF_COOKIE: &str = "mc_csrf";

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The signed-in user of this browser, if any.
pub fn session(world: &World, headers: &HeaderMap) -> Option<Session> {
    cookie(headers, SESSION_COOKIE).and_then(|c| world.sessions.get(&c).cloned())
}

/// Starts a session for `user_id` and returns its `Set-Cookie` value.
pub fn start_session(world: &mut World, user_id: &str) -> String {
    let value = world.new_secret("s_");
    let now = world.now();
    world.sessions.insert(
        value.clone(),
        Session {
            user_id: user_id.to_string(),
            auth_time: now,
        },
    );
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax")
}

#[derive(Serialize, Deserialize)]
struct CsrfPayload {
    /// The CSRF cookie this token belongs to.
    c: String,
    /// Expiry (unix seconds, real time).
    e: i64,
}

/// A CSRF token for a form, and the `Set-Cookie` to send if the browser has no CSRF
/// cookie yet.
pub fn csrf(app: &App, headers: &HeaderMap) -> (String, Option<String>) {
    let (cookie_value, set) = match cookie(headers, CSRF_COOKIE) {
        Some(c) if !c.is_empty() && c.len() <= 64 => (c, None),
        _ => {
            let v = format!("{:032x}", rand::random::<u128>());
            let set = format!("{CSRF_COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax");
            (v, Some(set))
        }
    };
    let token = app.signer.sign(&CsrfPayload {
        c: cookie_value,
        e: (Utc::now() + Duration::hours(2)).timestamp(),
    });
    (token, set)
}

/// True when the posted CSRF token belongs to this browser's CSRF cookie and is fresh.
pub fn csrf_ok(app: &App, headers: &HeaderMap, token: Option<&str>) -> bool {
    let (Some(token), Some(cookie_value)) = (token, cookie(headers, CSRF_COOKIE)) else {
        return false;
    };
    match app.signer.verify::<CsrfPayload>(token) {
        Ok(p) => p.c == cookie_value && p.e > Utc::now().timestamp(),
        Err(_) => false,
    }
}

/// Adds `Set-Cookie` headers to a response.
pub fn with_cookies(mut response: Response, cookies: &[Option<String>]) -> Response {
    for c in cookies.iter().flatten() {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// A form field's value.
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Parses an `application/x-www-form-urlencoded` body.
pub fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The first parameter given more than once, if any. OAuth forbids repeats at the
/// authorization and token endpoints (RFC 6749 §3.1, §3.2).
pub fn repeated(params: &[(String, String)]) -> Option<&str> {
    params.iter().enumerate().find_map(|(i, (k, _))| {
        params[..i]
            .iter()
            .any(|(earlier, _)| earlier == k)
            .then_some(k.as_str())
    })
}

/// Parses the form of an OAuth endpoint: a repeated parameter is `invalid_request`.
pub fn oauth_form(body: &[u8]) -> Result<Vec<(String, String)>, crate::error::OAuthError> {
    let params = form(body);
    if let Some(name) = repeated(&params) {
        return Err(crate::error::OAuthError::new(
            "invalid_request",
            format!("the parameter '{name}' is given more than once"),
        ));
    }
    Ok(params)
}
