//! `GET /account`: the signed-in user's apps, each with a button that removes its
//! permissions (every token of that grant is revoked at once).

use crate::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::browser::{self, field, form};
use super::pages;
use crate::state::{App, AppState};

fn to_account() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/account")]).into_response()
}

/// `GET /account`.
pub async fn page(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let world = app.world.lock();
    let Some(session) = browser::session(&world, &headers) else {
        drop(world);
        return sign_in(&app, &headers, None);
    };
    let user_name = world
        .users
        .get(&session.user_id)
        .map(|u| u.display_name.clone())
        .unwrap_or_default();
    let apps: Vec<(String, String, std::collections::BTreeSet<String>)> = world
        .consents
        .iter()
        .filter(|((u, _), _)| *u == session.user_id)
        .map(|((_, c), consent)| {
            let name = world
                .clients
                .get(c)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| c.clone());
            (c.clone(), name, consent.scopes.clone())
        })
        .collect();
    drop(world);
    let (csrf, set) = browser::csrf(&app, &headers);
    let rows: String = if apps.is_empty() {
        "<p class=\"muted\">No apps have access to your account.</p>".to_string()
    } else {
        let rows: String = apps
            .iter()
            .map(|(id, name, scopes)| {
                format!(
                    "<tr data-client-id=\"{id}\"><td><span class=\"app\">{name}</span>{scopes}</td><td>\
<form method=\"post\" action=\"/account/apps/{id}/remove\">{hidden}\
<button class=\"deny\" type=\"submit\">Remove</button></form></td></tr>",
                    id = pages::escape(id),
                    name = pages::escape(name),
                    scopes = pages::scope_list(scopes),
                    hidden = pages::hidden(&[("csrf_token".into(), csrf.clone())]),
                )
            })
            .collect();
        format!("<table>{rows}</table>")
    };
    let body = format!(
        "<h1>Your account</h1><p>Signed in as {}.</p><h2>Apps with access</h2>{rows}",
        pages::escape(&user_name)
    );
    browser::with_cookies(pages::page(StatusCode::OK, "Your account", &body), &[set])
}

fn sign_in(app: &App, headers: &HeaderMap, error: Option<&str>) -> Response {
    let (csrf, set) = browser::csrf(app, headers);
    let body = format!(
        "<h1>Sign in</h1>{err}<form method=\"post\" action=\"/account/sign-in\">{hidden}{fields}\
<button class=\"primary\" type=\"submit\">Sign in</button></form>",
        err = pages::error_line(error),
        hidden = pages::hidden(&[("csrf_token".into(), csrf)]),
        fields = pages::sign_in_fields(""),
    );
    browser::with_cookies(pages::page(StatusCode::OK, "Sign in", &body), &[set])
}

/// `POST /account/sign-in`.
pub async fn submit_sign_in(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = form(&body);
    if !browser::csrf_ok(&app, &headers, field(&form, "csrf_token")) {
        return pages::error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site.",
        );
    }
    let mut world = app.world.lock();
    let user = world
        .user_by_email(field(&form, "email").unwrap_or(""))
        .filter(|u| {
            super::client_auth::constant_time_eq(
                u.password.as_bytes(),
                field(&form, "password").unwrap_or("").as_bytes(),
            )
        })
        .map(|u| u.id.clone());
    match user {
        Some(u) => {
            let cookie = browser::start_session(&mut world, &u);
            browser::with_cookies(to_account(), &[Some(cookie)])
        }
        None => {
            drop(world);
            sign_in(&app, &headers, Some("Wrong email or password."))
        }
    }
}

/// `POST /account/apps/{clientId}/remove`.
pub async fn remove_app(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let form = form(&body);
    if !browser::csrf_ok(&app, &headers, field(&form, "csrf_token")) {
        return pages::error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site.",
        );
    }
    let mut world = app.world.lock();
    let Some(session) = browser::session(&world, &headers) else {
        return to_account();
    };
    crate::resources::permissions::revoke_grant(&mut world, &session.user_id, &client_id);
    to_account()
}
