//! `GET|POST /oauth/authorize`: the authorization-code flow's front channel.
//!
//! GET checks the request, then either redirects at once (a signed-in user, or
//! `prompt=none` with `login_hint`, whose prior consent covers the scopes), or shows the
//! sign-in page, then the consent page. POST takes the sign-in form (starts a session and
//! goes back to GET) or the consent decision (redirects with a code or `access_denied`).

use std::collections::BTreeSet;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Duration;

use super::browser::{self, field};
use super::pages;
use crate::state::{App, AppState, AuthCode, World};

/// Authorization codes live 60 s.
const CODE_TTL_SECONDS: i64 = 60;

/// A checked authorization request.
struct AuthRequest {
    client_id: String,
    client_name: String,
    redirect_uri: String,
    scopes: BTreeSet<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    nonce: Option<String>,
    prompt: Option<String>,
    login_hint: Option<String>,
    /// `response_mode=fragment`: the answer goes in the redirect URI's fragment, which
    /// browsers never send to a server (for single-page apps).
    fragment: bool,
}

impl AuthRequest {
    /// The request's parameters, to carry through the forms as hidden fields.
    fn params(&self) -> Vec<(String, String)> {
        let mut p = vec![
            ("response_type".to_string(), "code".to_string()),
            ("client_id".to_string(), self.client_id.clone()),
            ("redirect_uri".to_string(), self.redirect_uri.clone()),
            ("scope".to_string(), super::join_scopes(&self.scopes)),
        ];
        let optional = [
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("nonce", &self.nonce),
        ];
        for (k, v) in optional {
            if let Some(v) = v {
                p.push((k.to_string(), v.clone()));
            }
        }
        if self.code_challenge.is_some() {
            p.push(("code_challenge_method".to_string(), "S256".to_string()));
        }
        if self.fragment {
            p.push(("response_mode".to_string(), "fragment".to_string()));
        }
        p
    }

    /// A redirect to the client with these parameters (and `state`).
    fn redirect(&self, mut params: Vec<(&str, String)>) -> Response {
        if let Some(s) = &self.state {
            params.push(("state", s.clone()));
        }
        let mut url = match url::Url::parse(&self.redirect_uri) {
            Ok(u) => u,
            Err(_) => return pages::error_page(StatusCode::BAD_REQUEST, "invalid redirect_uri"),
        };
        if self.fragment {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&params)
                .finish();
            url.set_fragment(Some(&encoded));
        } else {
            let mut q = url.query_pairs_mut();
            for (k, v) in &params {
                q.append_pair(k, v);
            }
        }
        (StatusCode::SEE_OTHER, [(header::LOCATION, url.to_string())]).into_response()
    }

    fn error(&self, error: &str, description: &str) -> Response {
        self.redirect(vec![
            ("error", error.to_string()),
            ("error_description", description.to_string()),
        ])
    }
}

/// Checks the parameters. `Err` is the response to send: an error page when the client or
/// redirect URI cannot be trusted, otherwise an error redirect.
#[allow(clippy::result_large_err)] // the error is the response itself, built once per request
fn check(world: &World, params: &[(String, String)]) -> Result<AuthRequest, Response> {
    let get = |k: &str| field(params, k).map(str::to_string);
    // RFC 6749 §3.1: no parameter twice. Without one client and redirect URI, nothing can
    // be redirected to: an error page; any other repeat is redirected as invalid_request.
    let repeated = browser::repeated(params);
    if let Some(name @ ("client_id" | "redirect_uri")) = repeated {
        return Err(pages::error_page(
            StatusCode::BAD_REQUEST,
            &format!("The parameter {name} is given more than once."),
        ));
    }
    let client_id = get("client_id").unwrap_or_default();
    let Some(client) = world.clients.get(&client_id) else {
        return Err(pages::error_page(
            StatusCode::BAD_REQUEST,
            "Unknown application (client_id).",
        ));
    };
    let redirect_uri = match get("redirect_uri") {
        Some(r) if client.redirect_uris.contains(&r) => r,
        Some(_) => {
            return Err(pages::error_page(
                StatusCode::BAD_REQUEST,
                "The redirect_uri is not registered for this application.",
            ));
        }
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => {
            return Err(pages::error_page(
                StatusCode::BAD_REQUEST,
                "redirect_uri is required.",
            ));
        }
    };
    let mut request = AuthRequest {
        client_id: client.id.clone(),
        client_name: client.name.clone(),
        redirect_uri,
        scopes: BTreeSet::new(),
        state: get("state"),
        code_challenge: None,
        nonce: get("nonce"),
        prompt: get("prompt"),
        login_hint: get("login_hint"),
        fragment: false,
    };
    match get("response_mode").as_deref() {
        None | Some("query") => {}
        Some("fragment") => request.fragment = true,
        Some(_) => {
            return Err(request.error("invalid_request", "response_mode must be query or fragment"));
        }
    }
    if let Some(name) = repeated {
        return Err(request.error(
            "invalid_request",
            &format!("the parameter '{name}' is given more than once"),
        ));
    }
    if get("response_type").as_deref() != Some("code") {
        return Err(request.error("unsupported_response_type", "response_type must be code"));
    }
    request.scopes = match super::parse_scopes(&get("scope").unwrap_or_default()) {
        Ok(s) if s.is_empty() => return Err(request.error("invalid_scope", "scope is required")),
        Ok(s) => s,
        Err(e) => return Err(request.error("invalid_scope", &e)),
    };
    if let Some(extra) = request.scopes.iter().find(|s| !client.scopes.contains(*s)) {
        let msg = format!("this application may not ask for '{extra}'");
        return Err(request.error("invalid_scope", &msg));
    }
    match (
        get("code_challenge"),
        get("code_challenge_method").as_deref(),
    ) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => {
            request.code_challenge = Some(c)
        }
        (Some(_), Some("S256")) => {
            return Err(request.error(
                "invalid_request",
                "code_challenge must be 43 to 128 characters",
            ));
        }
        (Some(_), _) => {
            return Err(request.error("invalid_request", "code_challenge_method must be S256"));
        }
        (None, _) if client.secret.is_none() => {
            return Err(request.error(
                "invalid_request",
                "PKCE (code_challenge, S256) is required for public clients",
            ));
        }
        (None, _) => {}
    }
    if let Some(p) = &request.prompt
        && !matches!(p.as_str(), "none" | "login" | "consent")
    {
        return Err(request.error("invalid_request", "prompt must be none, login or consent"));
    }
    Ok(request)
}

/// Issues a code for `user_id` and redirects with it.
fn issue_code(
    world: &mut World,
    request: &AuthRequest,
    user_id: &str,
    auth_time: chrono::DateTime<chrono::Utc>,
) -> Response {
    let code = world.new_secret("ac_");
    let now = world.now();
    world.codes.insert(
        code.clone(),
        AuthCode {
            user_id: user_id.to_string(),
            client_id: request.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            scopes: request.scopes.clone(),
            code_challenge: request.code_challenge.clone(),
            nonce: request.nonce.clone(),
            expires: now + Duration::seconds(CODE_TTL_SECONDS),
            auth_time,
            redeemed_family: None,
        },
    );
    request.redirect(vec![("code", code)])
}

fn consent_covers(world: &World, user_id: &str, request: &AuthRequest) -> bool {
    world
        .consents
        .get(&(user_id.to_string(), request.client_id.clone()))
        .is_some_and(|c| request.scopes.is_subset(&c.scopes))
}

/// `GET /oauth/authorize`.
pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let params = crate::pipeline::query_pairs(raw.as_deref());
    let mut world = app.world.lock();
    let request = match check(&world, &params) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let session = browser::session(&world, &headers);
    let now = world.now();
    if request.prompt.as_deref() == Some("none") {
        // The mock's stand-in for a signed-in browser: the hinted user, or the session's.
        let user = request
            .login_hint
            .as_deref()
            .and_then(|h| world.user_by_hint(h))
            .map(|u| (u.id.clone(), now))
            .or_else(|| session.as_ref().map(|s| (s.user_id.clone(), s.auth_time)));
        let Some((user_id, auth_time)) = user else {
            return request.error("login_required", "the user is not signed in");
        };
        if !consent_covers(&world, &user_id, &request) {
            return request.error(
                "consent_required",
                "the user has not consented to these scopes",
            );
        }
        return issue_code(&mut world, &request, &user_id, auth_time);
    }
    let wants_login = request.prompt.as_deref() == Some("login");
    match session {
        Some(s) if !wants_login => {
            if request.prompt.as_deref() != Some("consent")
                && consent_covers(&world, &s.user_id, &request)
            {
                return issue_code(&mut world, &request, &s.user_id, s.auth_time);
            }
            drop(world);
            consent_page(&app, &headers, &request, None)
        }
        _ => {
            let hint = request.login_hint.clone().unwrap_or_default();
            drop(world);
            sign_in_page(&app, &headers, &request, &hint, None, StatusCode::OK)
        }
    }
}

fn sign_in_page(
    app: &App,
    headers: &HeaderMap,
    request: &AuthRequest,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let (csrf, set) = browser::csrf(app, headers);
    let mut fields = request.params();
    fields.push(("csrf_token".into(), csrf));
    if request.prompt.as_deref() == Some("consent") {
        fields.push(("prompt".into(), "consent".into()));
    }
    let body = format!(
        "<h1>Sign in</h1><p><span class=\"app\">{app_name}</span> wants to use your Messenger Connect account.</p>{err}\
<form method=\"post\" action=\"/oauth/authorize\">{hidden}{sign_in}<button class=\"primary\" type=\"submit\">Sign in</button></form>",
        app_name = pages::escape(&request.client_name),
        err = pages::error_line(error),
        hidden = pages::hidden(&fields),
        sign_in = pages::sign_in_fields(email),
    );
    browser::with_cookies(pages::page(status, "Sign in", &body), &[set])
}

fn consent_page(
    app: &App,
    headers: &HeaderMap,
    request: &AuthRequest,
    error: Option<&str>,
) -> Response {
    let (csrf, set) = browser::csrf(app, headers);
    let mut fields = request.params();
    fields.push(("csrf_token".into(), csrf));
    let body = format!(
        "<h1>Allow access?</h1><p><span class=\"app\">{app_name}</span> would like to:</p>{scopes}{err}\
<form method=\"post\" action=\"/oauth/authorize\">{hidden}{buttons}</form>\
<p class=\"muted\">You can remove this permission at any time on your account page.</p>",
        app_name = pages::escape(&request.client_name),
        scopes = pages::scope_list(&request.scopes),
        err = pages::error_line(error),
        hidden = pages::hidden(&fields),
        buttons = pages::decision_buttons(),
    );
    browser::with_cookies(pages::page(StatusCode::OK, "Allow access", &body), &[set])
}

/// `POST /oauth/authorize`: the sign-in form or the consent decision.
pub async fn post(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = browser::form(&body);
    if !browser::csrf_ok(&app, &headers, field(&form, "csrf_token")) {
        return pages::error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site. Go back and try again.",
        );
    }
    let mut world = app.world.lock();
    let request = match check(&world, &form) {
        Ok(r) => r,
        Err(response) => return response,
    };
    if let Some(email) = field(&form, "email") {
        let password = field(&form, "password").unwrap_or("");
        let user = world
            .user_by_email(email)
            .filter(|u| {
                super::client_auth::constant_time_eq(u.password.as_bytes(), password.as_bytes())
            })
            .map(|u| u.id.clone());
        let Some(user_id) = user else {
            drop(world);
            return sign_in_page(
                &app,
                &headers,
                &request,
                email,
                Some("Wrong email or password."),
                StatusCode::OK,
            );
        };
        let cookie = browser::start_session(&mut world, &user_id);
        if request.prompt.as_deref() != Some("consent")
            && consent_covers(&world, &user_id, &request)
        {
            let now = world.now();
            let response = issue_code(&mut world, &request, &user_id, now);
            return browser::with_cookies(response, &[Some(cookie)]);
        }
        drop(world);
        let mut response = consent_page(&app, &headers, &request, None);
        if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        return response;
    }
    let Some(session) = browser::session(&world, &headers) else {
        drop(world);
        return sign_in_page(
            &app,
            &headers,
            &request,
            "",
            Some("Please sign in first."),
            StatusCode::OK,
        );
    };
    match field(&form, "decision") {
        Some("allow") => {
            super::issue::record_consent(
                &mut world,
                &session.user_id,
                &request.client_id,
                &request.scopes,
            );
            issue_code(&mut world, &request, &session.user_id, session.auth_time)
        }
        Some("deny") => request.error("access_denied", "the user denied access"),
        _ => {
            drop(world);
            consent_page(&app, &headers, &request, Some("Choose Allow or Deny."))
        }
    }
}
