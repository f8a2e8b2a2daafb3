//! Rate limits per token, the body size limit, and the `request-id` / `innerError`
//! every response carries.
mod common;
#[path = "support/rest.rs"]
mod rest;

use common::{ALL_SCOPES, Env};
use messenger_connect_mock::control::FaultSpec;
use reqwest::{Method, StatusCode};
use rest::{all, assert_error, call, fresh};
use serde_json::json;

async fn limited(env: &Env, limit: u64, window: u64) {
    let r = env
        .control(
            Method::POST,
            "/_mock/reset",
            Some(json!({ "contactsPerUser": 3, "rateLimit": { "limit": limit, "windowSeconds": window } })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn the_sixth_request_in_a_window_is_429_until_the_window_passes() {
    let env = Env::start();
    limited(&env, 5, 60).await;
    let token = env.token(0, ALL_SCOPES).await;
    for i in 0..5u64 {
        let path = if i % 2 == 0 {
            "/v1/me"
        } else {
            "/v1/me/contacts"
        };
        let r = env.get(path, &token).await;
        assert_eq!(r.status, StatusCode::OK, "request {i}: {}", r.text);
        assert_eq!(r.header("ratelimit-limit"), Some("5"));
        assert_eq!(
            r.header("ratelimit-remaining"),
            Some((4 - i).to_string().as_str())
        );
        let reset: i64 = r.header("ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    let r = env.get("/v1/me", &token).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "tooManyRequests", None);
    let retry: i64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(r.header("ratelimit-limit"), Some("5"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    assert_eq!(
        r.header("ratelimit-reset"),
        Some(retry.to_string().as_str())
    );
    // Any resource, any method: still limited, and a refused POST creates nothing.
    let r = env
        .post("/v1/me/contacts", &token, json!({ "displayName": "Over" }))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = env.get("/portablecontacts/@me/@all", &token).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

    // The control plane is not limited.
    for _ in 0..10 {
        let r = env.control(Method::GET, "/_mock/clock", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header("ratelimit-limit").is_none());
    }

    // 30 s later: still limited, with less to wait.
    env.advance(30).await;
    let r = env.get("/v1/me", &token).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let later: i64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(later <= 30 && later < retry, "{later} vs {retry}");

    // After the window: a fresh window.
    env.advance(30).await;
    let r = env.get("/v1/me", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("ratelimit-remaining"), Some("4"));
    let names = rest::names(&env.collect("/v1/me/contacts?$top=1000", &token).await);
    assert!(!names.contains(&"Over".to_string()));
}

#[tokio::test]
async fn limits_are_per_token() {
    let env = Env::start();
    limited(&env, 3, 60).await;
    let app = env.app(false).await;
    let a = rest::token_for(&env, 0, &app.id, ALL_SCOPES, None).await;
    // Same user, same app, another token: its own budget.
    let a2 = rest::token_for(&env, 0, &app.id, ALL_SCOPES, None).await;
    let b = env.token(1, ALL_SCOPES).await;
    for _ in 0..3 {
        assert_eq!(env.get("/v1/me", &a).await.status, StatusCode::OK);
    }
    assert_eq!(
        env.get("/v1/me", &a).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    for t in [&a2, &b] {
        let r = env.get("/v1/me", t).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.header("ratelimit-remaining"), Some("2"));
    }
    // Requests without a valid token are not counted against anyone (and get 401).
    for _ in 0..5 {
        let r = env.get("/v1/me", "bogus").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        env.get("/v1/me", &b).await.header("ratelimit-remaining"),
        Some("1")
    );
}

#[tokio::test]
async fn the_default_limit_is_generous() {
    let env = Env::start();
    let token = env.token(0, ALL_SCOPES).await;
    let r = env.get("/v1/me", &token).await;
    assert_eq!(r.header("ratelimit-limit"), Some("10000"));
    assert_eq!(r.header("ratelimit-remaining"), Some("9999"));
}

#[tokio::test]
async fn bodies_over_1_mib_are_413() {
    let env = Env::start();
    fresh(&env, 0).await;
    let token = env.token(0, ALL_SCOPES).await;
    let max = 1024 * 1024;
    // A JSON body of exactly MAX + 1 bytes.
    let prefix = "{\"displayName\":\"x\",\"note\":\"";
    let suffix = "\"}";
    let filler = "a".repeat(max + 1 - prefix.len() - suffix.len());
    let big = format!("{prefix}{filler}{suffix}");
    assert_eq!(big.len(), max + 1);
    let send = |body: String| {
        let env = &env;
        let token = &token;
        async move {
            let resp = env
                .http
                .post(env.url("/v1/me/contacts"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("sent");
            common::read(resp).await
        }
    };
    let r = send(big).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payloadTooLarge", None);
    assert!(all(&env, &token).await.is_empty());

    // Exactly 1 MiB is read (and then refused for its content, not its size).
    let filler = "a".repeat(max - prefix.len() - suffix.len());
    let r = send(format!("{prefix}{filler}{suffix}")).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("note"),
    );

    // Any route, also PATCH /v1/me and the control plane.
    let huge = json!({ "displayName": "x".repeat(max + 10) });
    let r = call(
        &env,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some(huge.clone()),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payloadTooLarge", None);
    let r = env.control(Method::POST, "/_mock/users", Some(huge)).await;
    assert_error(&r, StatusCode::PAYLOAD_TOO_LARGE, "payloadTooLarge", None);
}

#[tokio::test]
async fn every_response_has_a_request_id_and_every_error_names_it() {
    let env = Env::start();
    limited(&env, 40, 60).await;
    let token = env.token(0, ALL_SCOPES).await;
    let narrow = env.token(0, &["profile"]).await;
    let contact = all(&env, &token).await[0].clone();
    let cid = contact["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    let mut check = |r: &common::Reply, error: bool| {
        let id = r
            .header("request-id")
            .unwrap_or_else(|| panic!("request-id on {} {}", r.status, r.text))
            .to_string();
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(id.matches('-').count(), 4, "{id}");
        if error {
            assert!(r.status.as_u16() >= 400, "{}", r.status);
            assert_eq!(
                r.body["error"]["innerError"]["requestId"],
                id.as_str(),
                "{}",
                r.text
            );
            assert!(
                r.body["error"]["innerError"]["date"].is_string(),
                "{}",
                r.text
            );
            assert!(r.body["error"]["code"].is_string(), "{}", r.text);
        }
        ids.push(id);
    };
    // Successes.
    check(&env.get("/v1/me", &token).await, false);
    check(&env.get("/v1/me/contacts", &token).await, false);
    check(
        &env.post("/v1/me/contacts", &token, json!({ "displayName": "New" }))
            .await,
        false,
    );
    let r = env
        .send(
            Method::DELETE,
            &format!("/v1/me/contacts/{cid}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    check(&r, false);
    check(&env.control(Method::GET, "/health", None).await, false);
    check(
        &env.control(Method::GET, "/openapi.json", None).await,
        false,
    );
    check(&env.control(Method::GET, "/_mock/clock", None).await, false);
    check(
        &env.control(Method::GET, "/.well-known/openid-configuration", None)
            .await,
        false,
    );
    // Errors of every kind.
    check(&env.get("/v1/me/contacts/c-nope", &token).await, true); // 404
    check(
        &env.get(&format!("/v1/me/contacts/{cid}"), &token).await,
        true,
    ); // deleted: 404
    check(&env.get("/v1/me/contacts", &narrow).await, true); // 403
    check(&env.get("/v1/me", "bogus").await, true); // 401
    check(&env.send(Method::GET, "/v1/me", None, None).await, true); // 401
    check(&env.post("/v1/me/contacts", &token, json!({})).await, true); // 400
    check(
        &env.get("/v1/me/contacts?$filter=nope%20eq%201", &token)
            .await,
        true,
    ); // 400 invalidFilter
    check(&env.get("/v1/nowhere", &token).await, true); // unknown route 404
    check(
        &env.send(
            Method::PUT,
            "/v1/me/contacts",
            Some(&token),
            Some(json!({})),
        )
        .await,
        true,
    ); // 405
    let c = env
        .post("/v1/me/contacts", &token, json!({ "displayName": "E" }))
        .await;
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{}", c.body["id"].as_str().unwrap()),
        Some(&token),
        Some(json!({ "nickname": "x" })),
        &[("if-match", "\"0\"")],
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    check(&r, true);
    let key = [("idempotency-key", "k")];
    call(
        &env,
        Method::POST,
        "/v1/me/contacts",
        Some(&token),
        Some(json!({ "displayName": "A" })),
        &key,
    )
    .await;
    let r = call(
        &env,
        Method::POST,
        "/v1/me/contacts",
        Some(&token),
        Some(json!({ "displayName": "B" })),
        &key,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    check(&r, true);
    check(
        &env.control(Method::POST, "/_mock/clock", Some(json!({})))
            .await,
        true,
    ); // 400
    check(
        &env.control(Method::DELETE, "/_mock/faults/f999", None)
            .await,
        true,
    ); // 404
    env.fault(FaultSpec::status(503).on_path("/v1/me/status"))
        .await;
    check(&env.get("/v1/me/status", &token).await, true); // injected 503
    // Exhaust the rate limit: 429 carries it too.
    let mut last = env.get("/v1/me", &token).await;
    while last.status != StatusCode::TOO_MANY_REQUESTS {
        check(&last, false);
        last = env.get("/v1/me", &token).await;
    }
    check(&last, true);
    // Request ids are unique.
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
