//! The mock serves web pages on other origins (issue 18): CORS for registered origins,
//! preflights, the credentials rule, the WebSocket origin check, and
//! `response_mode=fragment` for single-page apps.
mod common;

use common::browser::{AuthorizeParams, authorize_path, location};
use common::ws::{GUARD, events_url};
use common::{App, Env, Reply, pkce};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// Where the page of the public app below lives (its redirect URI's origin).
const PAGE: &str = "http://127.0.0.1:5173";
/// An origin registered only through `webOrigins`.
const EXTRA: &str = "https://widgets.example.test";
/// An origin no app registered.
const EVIL: &str = "http://127.0.0.1:6666";

/// Registers a public single-page app with a redirect URI on [`PAGE`] and [`EXTRA`] in
/// `webOrigins`.
async fn spa(env: &Env) -> App {
    let redirect_uri = format!("{PAGE}/callback.html");
    let r = env
        .control(
            Method::POST,
            "/_mock/clients",
            Some(json!({
                "name": "Web App", "redirectUris": [redirect_uri], "public": true,
                "scopes": ["openid", "profile", "chat"], "webOrigins": [EXTRA],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.body["webOrigins"],
        json!([EXTRA]),
        "the answer echoes webOrigins"
    );
    App {
        id: r.body["clientId"].as_str().expect("clientId").to_string(),
        secret: None,
        redirect_uri,
    }
}

/// Sends a request with these headers (no body).
async fn send(env: &Env, method: Method, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = env.http.request(method, env.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    common::read(req.send().await.expect("request sent")).await
}

async fn preflight(env: &Env, path: &str, origin: &str, method: &str) -> Reply {
    send(
        env,
        Method::OPTIONS,
        path,
        &[
            ("origin", origin),
            ("access-control-request-method", method),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
    )
    .await
}

#[tokio::test]
async fn preflight_from_a_registered_origin_allows_the_api_without_credentials() {
    let env = Env::start();
    spa(&env).await;
    for origin in [PAGE, EXTRA] {
        let r = preflight(&env, "/v1/me/activities", origin, "POST").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{origin}: {}", r.text);
        assert_eq!(r.header("access-control-allow-origin"), Some(origin));
        let methods = r.header("access-control-allow-methods").unwrap_or("");
        for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            assert!(methods.contains(m), "{m} allowed: {methods}");
        }
        let headers = r
            .header("access-control-allow-headers")
            .unwrap_or("")
            .to_ascii_lowercase();
        for h in [
            "authorization",
            "content-type",
            "idempotency-key",
            "if-match",
        ] {
            assert!(headers.contains(h), "{h} allowed: {headers}");
        }
        assert_eq!(r.header("access-control-max-age"), Some("600"));
        assert_eq!(r.header("vary"), Some("Origin"));
        assert_eq!(
            r.header("access-control-allow-credentials"),
            None,
            "the API never allows credentials (it takes bearer tokens)"
        );
    }
    // The token endpoint too: a public client exchanges its code from the page.
    let r = preflight(&env, "/oauth/token", PAGE, "POST").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(r.header("access-control-allow-origin"), Some(PAGE));
}

#[tokio::test]
async fn preflight_from_an_unregistered_origin_is_refused_with_403() {
    let env = Env::start();
    spa(&env).await;
    let r = preflight(&env, "/v1/me", EVIL, "GET").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.code(), "originNotAllowed");
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert!(r.header("request-id").is_some(), "an answer like any other");
    // The control plane and the HTML pages are never open to other origins' scripts.
    for path in [
        "/_mock/clients",
        "/_mock/reset",
        "/oauth/authorize",
        "/account",
    ] {
        let r = preflight(&env, path, PAGE, "POST").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        assert_eq!(r.code(), "originNotAllowed", "{path}");
        assert_eq!(r.header("access-control-allow-origin"), None, "{path}");
    }
    // The journal shows the refused preflight.
    let journal = env.journal("/v1/me").await;
    assert!(
        journal
            .iter()
            .any(|e| e["method"] == "OPTIONS" && e["status"] == 403),
        "{journal:?}"
    );
}

#[tokio::test]
async fn responses_to_a_registered_origin_expose_the_headers_a_client_reads() {
    let env = Env::start();
    let app = spa(&env).await;
    let token = env.token_response(0, &app, &["profile"]).await["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    let auth = format!("Bearer {token}");
    let r = send(
        &env,
        Method::GET,
        "/v1/me",
        &[("origin", PAGE), ("authorization", &auth)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("access-control-allow-origin"), Some(PAGE));
    assert_eq!(r.header("vary"), Some("Origin"));
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap_or("")
        .to_ascii_lowercase();
    for h in [
        "request-id",
        "etag",
        "retry-after",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "location",
    ] {
        assert!(exposed.contains(h), "{h} exposed: {exposed}");
    }
    assert_eq!(r.header("access-control-allow-credentials"), None);

    // Errors carry the headers too, so the page can read the error body and request id.
    let r = send(
        &env,
        Method::GET,
        "/v1/me",
        &[("origin", PAGE), ("authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("access-control-allow-origin"), Some(PAGE));

    // An unregistered origin gets no CORS headers: the browser hides the answer.
    let r = send(
        &env,
        Method::GET,
        "/v1/me",
        &[("origin", EVIL), ("authorization", &auth)],
    )
    .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-expose-headers"), None);
    assert_eq!(r.header("vary"), Some("Origin"));

    // Without an Origin (not a browser): no CORS headers at all.
    let r = send(&env, Method::GET, "/v1/me", &[("authorization", &auth)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn discovery_and_jwks_are_readable_from_any_origin_without_credentials() {
    let env = Env::start();
    for path in [
        "/.well-known/openid-configuration",
        "/oauth/jwks",
        "/openapi.json",
    ] {
        let r = send(&env, Method::GET, path, &[("origin", EVIL)]).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{path}");
        assert_eq!(r.header("access-control-allow-credentials"), None);
        let p = preflight(&env, path, EVIL, "GET").await;
        assert_eq!(p.status, StatusCode::NO_CONTENT, "{path}");
        assert_eq!(p.header("access-control-allow-origin"), Some("*"));
    }
    let r = send(&env, Method::GET, "/.well-known/openid-configuration", &[]).await;
    assert_eq!(
        r.body["response_modes_supported"],
        json!(["query", "fragment"])
    );
    // The HTML pages never get CORS headers.
    let r = send(&env, Method::GET, "/account", &[("origin", PAGE)]).await;
    assert_eq!(r.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn web_origins_must_be_bare_origins() {
    let env = Env::start();
    for bad in [
        json!(["http://127.0.0.1:5173/app"]),
        json!(["127.0.0.1:5173"]),
        json!([""]),
        json!("http://127.0.0.1:5173"),
    ] {
        let r = env
            .control(
                Method::POST,
                "/_mock/clients",
                Some(json!({ "name": "x", "redirectUris": [], "public": true, "webOrigins": bad })),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text);
        let target = r.body["error"]["target"].as_str().unwrap_or("");
        assert!(target.starts_with("webOrigins"), "{bad}: target {target}");
    }
}

/// Opens the events socket with this `Origin`; `Err` is the refused handshake's status.
async fn socket_with_origin(env: &Env, token: &str, origin: &str) -> Result<(), (u16, String)> {
    let mut request = events_url(env, &format!("access_token={token}"))
        .into_client_request()
        .expect("websocket request");
    request
        .headers_mut()
        .insert("origin", HeaderValue::from_str(origin).expect("origin"));
    match tokio::time::timeout(GUARD, tokio_tungstenite::connect_async(request))
        .await
        .expect("handshake timed out")
    {
        Ok((_ws, response)) => {
            assert_eq!(response.status().as_u16(), 101);
            Ok(())
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let body = response
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            Err((response.status().as_u16(), body))
        }
        Err(e) => panic!("handshake failed: {e}"),
    }
}

#[tokio::test]
async fn the_events_socket_checks_the_origin_and_never_journals_the_query_token() {
    let env = Env::start();
    let app = spa(&env).await;
    let token = env.token_response(0, &app, &["chat"]).await["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    socket_with_origin(&env, &token, PAGE)
        .await
        .expect("a registered origin may open the socket");
    socket_with_origin(&env, &token, EXTRA)
        .await
        .expect("a webOrigins origin may open the socket");
    socket_with_origin(&env, &token, &env.base)
        .await
        .expect("the mock's own origin may open the socket");
    let (status, body) = socket_with_origin(&env, &token, EVIL)
        .await
        .expect_err("an unregistered origin is refused");
    assert_eq!(status, 403);
    assert!(body.contains("originNotAllowed"), "{body}");

    let journal = env.journal("/v1/me/events").await;
    assert_eq!(journal.len(), 4, "{journal:?}");
    for e in &journal {
        assert_eq!(e["query"]["access_token"], "[REDACTED]", "{e}");
        assert!(
            !e.to_string().contains(&token),
            "the token never reaches the journal"
        );
    }
    assert_eq!(journal[3]["status"], 403);
}

#[tokio::test]
async fn response_mode_fragment_puts_the_answer_in_the_fragment() {
    let env = Env::start();
    let app = spa(&env).await;
    let (_, challenge) = pkce();
    let r = env
        .control(
            Method::POST,
            "/_mock/consents",
            Some(json!({ "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let params = AuthorizeParams {
        scope: "profile",
        state: Some("s1"),
        code_challenge: Some(&challenge),
        prompt: Some("none"),
        login_hint: Some(&env.users[0].id),
        ..Default::default()
    };
    let path = format!("{}&response_mode=fragment", authorize_path(&app, &params));
    let r = env.control(Method::GET, &path, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = url::Url::parse(&location(&r)).expect("location");
    assert_eq!(loc.query(), None, "nothing in the query: {loc}");
    let fragment: Vec<(String, String)> =
        url::form_urlencoded::parse(loc.fragment().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let get = |k: &str| {
        fragment
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    assert!(get("code").is_some(), "{loc}");
    assert_eq!(get("state").as_deref(), Some("s1"));

    // Errors go in the fragment too; an unknown mode is refused (in the query).
    let denied = format!(
        "{}&response_mode=fragment",
        authorize_path(
            &app,
            &AuthorizeParams {
                scope: "chat",
                ..params.clone()
            }
        )
    );
    let r = env.control(Method::GET, &denied, None).await;
    let loc = url::Url::parse(&location(&r)).expect("location");
    assert!(
        loc.fragment()
            .unwrap_or("")
            .contains("error=consent_required"),
        "{loc}"
    );
    let bad = format!("{}&response_mode=form_post", authorize_path(&app, &params));
    let r = env.control(Method::GET, &bad, None).await;
    let loc = location(&r);
    assert_eq!(
        common::query_value(&loc, "error").as_deref(),
        Some("invalid_request"),
        "{loc}"
    );
}
