//! Device authorization (RFC 8628): `POST /oauth/device_authorization` and the `/device`
//! page where the user types the code, signs in and consents.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use super::browser::{self, field, form};
use super::{client_auth, pages};
use crate::error::OAuthError;
use crate::state::{App, AppState, DeviceGrant, World};

/// Device codes live 10 minutes; clients poll every 5 s at most.
const DEVICE_TTL_SECONDS: i64 = 600;
const INTERVAL_SECONDS: i64 = 5;
/// User codes use letters that cannot be misread.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// `POST /oauth/device_authorization`.
pub async fn authorize(
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
    let scopes = match super::parse_scopes(field(&form, "scope").unwrap_or("")) {
        Ok(s) if s.is_empty() => {
            return OAuthError::new("invalid_scope", "scope is required").into_response();
        }
        Ok(s) => s,
        Err(e) => return OAuthError::new("invalid_scope", e).into_response(),
    };
    if let Some(extra) = scopes.iter().find(|s| !client.scopes.contains(*s)) {
        return OAuthError::new(
            "invalid_scope",
            format!("this application may not ask for '{extra}'"),
        )
        .into_response();
    }
    let device_code = world.new_secret("dc_");
    let user_code: String = (0..8)
        .map(|_| USER_CODE_ALPHABET[world.rng.gen_range(0..USER_CODE_ALPHABET.len())] as char)
        .collect();
    let user_code = format!("{}-{}", &user_code[..4], &user_code[4..]);
    let now = world.now();
    world.device_grants.insert(
        device_code.clone(),
        DeviceGrant {
            client_id: client.id.clone(),
            user_code: user_code.clone(),
            scopes,
            expires: now + Duration::seconds(DEVICE_TTL_SECONDS),
            interval: INTERVAL_SECONDS,
            last_poll: None,
            decision: None,
            redeemed: false,
        },
    );
    let verification_uri = format!("{}/device", app.base_url());
    let mut response = axum::Json(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
        "expires_in": DEVICE_TTL_SECONDS,
        "interval": INTERVAL_SECONDS,
    }))
    .into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// `ABCD-EFGH`, ignoring case, spaces and the dash.
pub fn normalize(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if letters.len() == 8 {
        format!("{}-{}", &letters[..4], &letters[4..])
    } else {
        letters
    }
}

/// Records `user_id`'s answer to the pending authorization `device_code` (the device
/// page's buttons, and `POST /_mock/device/{userCode}`): allowing also records the
/// consent; the device's next poll redeems it. Returns the grant's app and scopes.
pub fn decide(
    world: &mut World,
    device_code: &str,
    user_id: &str,
    allow: bool,
) -> Option<(String, std::collections::BTreeSet<String>)> {
    let grant = world.device_grants.get_mut(device_code)?;
    grant.decision = Some(if allow {
        Ok(user_id.to_string())
    } else {
        Err(())
    });
    let (client_id, scopes) = (grant.client_id.clone(), grant.scopes.clone());
    // Consent is given here, on the page; the device's next poll redeems it.
    if allow {
        crate::oauth::issue::record_consent(world, user_id, &client_id, &scopes);
    }
    Some((client_id, scopes))
}

/// The pending grant with this user code, if it is still valid.
pub fn find(world: &World, user_code: &str) -> Option<String> {
    let now = world.now();
    world
        .device_grants
        .iter()
        .find(|(_, g)| g.user_code == user_code && g.decision.is_none() && g.expires > now)
        .map(|(k, _)| k.clone())
}

/// Query of `GET /device`.
#[derive(Deserialize)]
pub struct DeviceQuery {
    user_code: Option<String>,
}

/// `GET /device`: the code-entry page.
pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DeviceQuery>,
) -> Response {
    let signed_in = browser::session(&app.world.lock(), &headers).is_some();
    code_page(
        &app,
        &headers,
        q.user_code.as_deref().unwrap_or(""),
        signed_in,
        None,
        StatusCode::OK,
    )
}

fn code_page(
    app: &App,
    headers: &HeaderMap,
    code: &str,
    signed_in: bool,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let (csrf, set) = browser::csrf(app, headers);
    let sign_in = if signed_in {
        String::new()
    } else {
        pages::sign_in_fields("")
    };
    let body = format!(
        "<h1>Connect a device</h1><p>Enter the code shown on your device.</p>{err}\
<form method=\"post\" action=\"/device\">{hidden}\
<label for=\"user_code\">Code</label><input id=\"user_code\" type=\"text\" name=\"user_code\" value=\"{code}\" autocomplete=\"off\" required>\
{sign_in}<button class=\"primary\" type=\"submit\">Continue</button></form>",
        err = pages::error_line(error),
        hidden = pages::hidden(&[("csrf_token".into(), csrf)]),
        code = pages::escape(code),
    );
    browser::with_cookies(pages::page(status, "Connect a device", &body), &[set])
}

/// `POST /device`: sign in if needed, check the code, then consent.
pub async fn submit(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form(&body);
    if !browser::csrf_ok(&app, &headers, field(&form, "csrf_token")) {
        return pages::error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back and try again.",
        );
    }
    let code = normalize(field(&form, "user_code").unwrap_or(""));
    let mut world = app.world.lock();
    let mut cookie = None;
    let session_user = match browser::session(&world, &headers) {
        Some(s) => Some(s.user_id),
        None => {
            let email = field(&form, "email").unwrap_or("");
            let password = field(&form, "password").unwrap_or("");
            let user = world
                .user_by_email(email)
                .filter(|u| {
                    client_auth::constant_time_eq(u.password.as_bytes(), password.as_bytes())
                })
                .map(|u| u.id.clone());
            if let Some(u) = &user {
                cookie = Some(browser::start_session(&mut world, u));
            }
            user
        }
    };
    let Some(user_id) = session_user else {
        drop(world);
        return code_page(
            &app,
            &headers,
            &code,
            false,
            Some("Wrong email or password."),
            StatusCode::OK,
        );
    };
    let Some(device_code) = find(&world, &code) else {
        drop(world);
        let response = code_page(
            &app,
            &headers,
            &code,
            true,
            Some("That code is not valid or has expired."),
            StatusCode::BAD_REQUEST,
        );
        return browser::with_cookies(response, &[cookie]);
    };
    let response = match field(&form, "decision") {
        None => {
            let (client_name, scopes) = match world.device_grants.get(&device_code) {
                Some(g) => (
                    world
                        .clients
                        .get(&g.client_id)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    g.scopes.clone(),
                ),
                None => (String::new(), Default::default()),
            };
            drop(world);
            let (csrf, set) = browser::csrf(&app, &headers);
            let body = format!(
                "<h1>Allow access?</h1><p><span class=\"app\">{name}</span> on your device would like to:</p>{scopes}\
<form method=\"post\" action=\"/device\">{hidden}{buttons}</form>\
<p class=\"muted\">You can remove this permission at any time on your account page.</p>",
                name = pages::escape(&client_name),
                scopes = pages::scope_list(&scopes),
                hidden = pages::hidden(&[
                    ("csrf_token".into(), csrf),
                    ("user_code".into(), code.clone())
                ]),
                buttons = pages::decision_buttons(),
            );
            browser::with_cookies(pages::page(StatusCode::OK, "Allow access", &body), &[set])
        }
        Some(decision) => {
            let allow = decision == "allow";
            decide(&mut world, &device_code, &user_id, allow);
            let (title, text) = if allow {
                ("Device connected", "You can go back to your device now.")
            } else {
                ("Access denied", "The device was not given access.")
            };
            pages::page(
                StatusCode::OK,
                title,
                &format!("<h1>{title}</h1><p>{text}</p>"),
            )
        }
    };
    browser::with_cookies(response, &[cookie])
}
