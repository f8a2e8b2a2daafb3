//! The control plane under `/_mock`: reset and seeds, users, clients, consents, tokens,
//! the clock and the request journal.
mod common;
#[path = "support/rest.rs"]
mod rest;

use chrono::{DateTime, Utc};
use common::{ALL_SCOPES, Env};
use reqwest::{Method, StatusCode};
use rest::{assert_error, call, enc};
use serde_json::{Value, json};

const READ: &[&str] = &["profile", "email", "contacts.read"];

async fn reset(env: &Env, body: Value) -> Value {
    let r = env.control(Method::POST, "/_mock/reset", Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// Every user's profile and contacts, as the API shows them.
async fn snapshot(env: &Env, users: &Value) -> Vec<(Value, Vec<Value>)> {
    let app = env.app(false).await;
    let mut out = Vec::new();
    for u in users.as_array().unwrap() {
        let r = env
            .control(
                Method::POST,
                "/_mock/tokens",
                Some(json!({ "userId": u["id"], "clientId": app.id, "scopes": READ })),
            )
            .await;
        let token = r.body["access_token"].as_str().unwrap().to_string();
        let mut me = env.get("/v1/me", &token).await.body;
        me.as_object_mut().unwrap().remove("updated");
        let contacts = env.collect("/v1/me/contacts?$top=1000", &token).await;
        out.push((me, contacts));
    }
    out
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("time"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// Contacts without their timestamps, and the timestamps relative to the first one.
fn split_times(contacts: &[Value]) -> (Vec<Value>, Vec<i64>) {
    let base = time(&contacts[0]["published"]);
    let mut rest = Vec::new();
    let mut offsets = Vec::new();
    for c in contacts {
        offsets.push((time(&c["published"]) - base).num_seconds());
        offsets.push((time(&c["updated"]) - base).num_seconds());
        let mut c = c.clone();
        let o = c.as_object_mut().unwrap();
        o.remove("published");
        o.remove("updated");
        rest.push(c);
    }
    (rest, offsets)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let env = Env::start();
    let params = json!({ "seed": 42, "users": 4, "contactsPerUser": 7 });
    let first = reset(&env, params.clone()).await;
    let users = first["users"].as_array().unwrap();
    assert_eq!(users.len(), 4);
    for u in users {
        for k in ["id", "email", "displayName", "password"] {
            assert!(u[k].as_str().is_some_and(|s| !s.is_empty()), "{u}");
        }
    }
    let a = snapshot(&env, &first["users"]).await;
    assert!(a.iter().all(|(_, c)| c.len() == 7));

    // Things happen, time passes; the same reset gives the same data again.
    env.advance(3 * 24 * 3600 + 17).await;
    let app = env.app(false).await;
    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": users[0]["id"], "clientId": app.id, "scopes": ["contacts.write"] })),
        )
        .await;
    let t = r.body["access_token"].as_str().unwrap().to_string();
    rest::create(&env, &t, json!({ "displayName": "Noise" })).await;
    let again = reset(&env, params.clone()).await;
    assert_eq!(again, first, "same users (ids, emails, names, passwords)");
    let b = snapshot(&env, &again["users"]).await;
    assert_eq!(a.len(), b.len());
    for ((me_a, ca), (me_b, cb)) in a.iter().zip(&b) {
        assert_eq!(me_a, me_b);
        // Whole contacts, ETags and ids included; the timestamps are relative to the
        // reset's clock, so only their spacing is compared.
        let (ra, oa) = split_times(ca);
        let (rb, ob) = split_times(cb);
        assert_eq!(ra, rb);
        assert_eq!(oa, ob);
    }
    // GET /_mock/users agrees with the reset's answer.
    let r = env.control(Method::GET, "/_mock/users", None).await;
    assert_eq!(r.body["users"], again["users"]);

    // Another seed: other users and other contacts.
    let other = reset(
        &env,
        json!({ "seed": 43, "users": 4, "contactsPerUser": 7 }),
    )
    .await;
    assert_ne!(other["users"], first["users"]);
    let c = snapshot(&env, &other["users"]).await;
    let ids = |s: &[(Value, Vec<Value>)]| -> Vec<String> {
        s.iter().flat_map(|(_, c)| rest::ids(c)).collect::<Vec<_>>()
    };
    let ids_a = ids(&a);
    assert!(ids(&c).iter().all(|id| !ids_a.contains(id)));

    // The sizes follow the parameters, and the defaults are 3 users with 50 contacts.
    let small = reset(
        &env,
        json!({ "seed": 42, "users": 2, "contactsPerUser": 0 }),
    )
    .await;
    assert_eq!(small["users"].as_array().unwrap().len(), 2);
    assert!(
        snapshot(&env, &small["users"])
            .await
            .iter()
            .all(|(_, c)| c.is_empty())
    );
    let dflt = reset(&env, json!({})).await;
    assert_eq!(dflt["users"].as_array().unwrap().len(), 3);
    let s = snapshot(&env, &dflt["users"]).await;
    assert!(s.iter().all(|(_, c)| c.len() == 50));
    // An empty body is the same as {}.
    let r = env.control(Method::POST, "/_mock/reset", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, dflt);
}

#[tokio::test]
async fn reset_refuses_bad_parameters() {
    let env = Env::start();
    for (body, target) in [
        (json!({ "users": 1001 }), "users"),
        (json!({ "users": -1 }), "users"),
        (json!({ "seed": "abc" }), "seed"),
        (
            json!({ "rateLimit": { "limit": 0, "windowSeconds": 60 } }),
            "rateLimit",
        ),
        (json!({ "contactsPerUser": 2_000_000 }), "contactsPerUser"),
    ] {
        let r = env
            .control(Method::POST, "/_mock/reset", Some(body.clone()))
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
    }
    // Nothing was reset by the refused calls.
    let r = env.control(Method::GET, "/_mock/users", None).await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn users_can_be_added() {
    let env = Env::start();
    let r = env
        .control(
            Method::POST,
            "/_mock/users",
            Some(json!({ "displayName": "Katherine Johnson", "email": "kj@nasa.example", "password": "orbit-1962" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(r.body["email"], "kj@nasa.example");
    assert_eq!(r.body["displayName"], "Katherine Johnson");
    assert_eq!(r.body["password"], "orbit-1962");
    let r = env.control(Method::GET, "/_mock/users", None).await;
    let users = r.body["users"].as_array().unwrap();
    assert_eq!(users.len(), 4);
    assert!(users.iter().any(|u| u["id"] == id.as_str()));

    // The new user is a real user of the API.
    let app = env.app(false).await;
    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": id, "clientId": app.id, "scopes": ["profile", "email", "contacts.read"] })),
        )
        .await;
    let token = r.body["access_token"].as_str().unwrap().to_string();
    let me = env.get("/v1/me", &token).await;
    assert_eq!(me.body["id"], id.as_str());
    assert_eq!(me.body["name"]["givenName"], "Katherine");
    assert_eq!(me.body["name"]["familyName"], "Johnson");
    assert_eq!(me.body["emails"][0]["value"], "kj@nasa.example");
    assert!(env.collect("/v1/me/contacts", &token).await.is_empty());

    // Duplicate email (any case): 409 naming the email.
    let r = env
        .control(
            Method::POST,
            "/_mock/users",
            Some(json!({ "displayName": "Other", "email": "KJ@nasa.example", "password": "x" })),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "conflict", Some("email"));
    let seeded = env.users[0].email.clone();
    let r = env
        .control(
            Method::POST,
            "/_mock/users",
            Some(json!({ "displayName": "Other", "email": seeded, "password": "x" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    for (body, target) in [
        (
            json!({ "displayName": "A", "email": "not-an-email", "password": "x" }),
            "email",
        ),
        (
            json!({ "displayName": "", "email": "a@b.example", "password": "x" }),
            "displayName",
        ),
        (
            json!({ "displayName": "A", "email": "a@b.example", "password": "" }),
            "password",
        ),
        (json!({ "displayName": "A", "password": "x" }), "email"),
    ] {
        let r = env.control(Method::POST, "/_mock/users", Some(body)).await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
    }
    let r = env.control(Method::GET, "/_mock/users", None).await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn clients_public_ones_have_no_secret() {
    let env = Env::start();
    let public = env.app(true).await;
    assert!(public.secret.is_none());
    let confidential = env.app(false).await;
    assert!(
        confidential
            .secret
            .as_deref()
            .is_some_and(|s| s.len() >= 16)
    );
    assert_ne!(public.id, confidential.id);

    let r = env
        .control(
            Method::POST,
            "/_mock/clients",
            Some(json!({ "name": "Narrow", "redirectUris": ["https://app.example/cb"], "public": true, "scopes": ["profile"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.body.get("clientSecret").is_none(), "{}", r.text);
    assert_eq!(r.body["public"], true);
    assert_eq!(r.body["scopes"], json!(["profile"]));
    let narrow = r.body["clientId"].as_str().unwrap().to_string();
    // A token may not carry a scope the client is not allowed.
    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": env.users[0].id, "clientId": narrow, "scopes": ["contacts.read"] })),
        )
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("scopes"),
    );

    for (body, target) in [
        (
            json!({ "name": "X", "redirectUris": ["https://app.example/cb#frag"] }),
            "redirectUris/0",
        ),
        (
            json!({ "name": "X", "redirectUris": ["https://a.example/", "not a url"] }),
            "redirectUris/1",
        ),
        (
            json!({ "name": "X", "scopes": ["profile", "root"] }),
            "scopes/1",
        ),
        (json!({ "name": "X", "public": "yes" }), "public"),
        (json!({ "redirectUris": [] }), "name"),
    ] {
        let r = env
            .control(Method::POST, "/_mock/clients", Some(body))
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
    }
}

#[tokio::test]
async fn consents_let_prompt_none_sign_in_at_once() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = &env.users[1];
    let authorize = |hint: String| {
        let app = app.clone();
        let env = &env;
        async move {
            let url = format!(
                "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state=s1&prompt=none&login_hint={}",
                app.id,
                enc(&app.redirect_uri),
                enc("openid profile"),
                enc(&hint)
            );
            env.control(Method::GET, &url, None).await
        }
    };
    // Without consent: the redirect carries consent_required.
    let r = authorize(user.id.clone()).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let loc = r.header("location").unwrap().to_string();
    assert_eq!(
        common::query_value(&loc, "error").as_deref(),
        Some("consent_required"),
        "{loc}"
    );

    let r = env
        .control(
            Method::POST,
            "/_mock/consents",
            Some(json!({ "userId": user.id, "clientId": app.id, "scopes": ["openid", "profile"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

    for hint in [user.id.clone(), user.email.clone()] {
        let r = authorize(hint).await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let loc = r.header("location").unwrap().to_string();
        assert!(loc.starts_with(&app.redirect_uri), "{loc}");
        assert_eq!(common::query_value(&loc, "state").as_deref(), Some("s1"));
        let code = common::query_value(&loc, "code").expect("code");
        // The code is for that user.
        let r = env
            .token_request(
                &app,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", &app.redirect_uri),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let token = r.body["access_token"].as_str().unwrap();
        assert_eq!(env.get("/v1/me", token).await.body["id"], user.id.as_str());
    }

    for (body, status, target) in [
        (
            json!({ "userId": "u-nobody", "clientId": app.id, "scopes": ["profile"] }),
            StatusCode::NOT_FOUND,
            "userId",
        ),
        (
            json!({ "userId": user.id, "clientId": "app-nobody", "scopes": ["profile"] }),
            StatusCode::NOT_FOUND,
            "clientId",
        ),
        (
            json!({ "userId": user.id, "clientId": app.id, "scopes": ["superuser"] }),
            StatusCode::BAD_REQUEST,
            "scopes/0",
        ),
    ] {
        let r = env
            .control(Method::POST, "/_mock/consents", Some(body))
            .await;
        assert_eq!(r.status, status, "{}", r.text);
        assert_eq!(r.body["error"]["target"], target, "{}", r.text);
    }
}

#[tokio::test]
async fn tokens_follow_expires_in_and_the_clock() {
    let env = Env::start();
    let app = env.app(false).await;
    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile", "offline_access"], "expiresIn": 120 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["expires_in"], 120);
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(
        r.body["refresh_token"].is_string(),
        "offline_access: {}",
        r.text
    );
    let short = r.body["access_token"].as_str().unwrap().to_string();
    let scope = r.body["scope"].as_str().unwrap();
    assert!(scope.contains("profile"), "{scope}");

    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile"] })),
        )
        .await;
    assert_eq!(r.body["expires_in"], 3600, "the default is an hour");
    assert!(r.body.get("refresh_token").is_none_or(Value::is_null));
    let hour = r.body["access_token"].as_str().unwrap().to_string();

    assert_eq!(env.get("/v1/me", &short).await.status, StatusCode::OK);
    env.advance(119).await;
    assert_eq!(env.get("/v1/me", &short).await.status, StatusCode::OK);
    env.advance(2).await;
    let r = env.get("/v1/me", &short).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "invalidToken", None);
    assert_eq!(env.get("/v1/me", &hour).await.status, StatusCode::OK);
    env.advance(3600).await;
    assert_eq!(
        env.get("/v1/me", &hour).await.status,
        StatusCode::UNAUTHORIZED
    );

    for bad in [json!(0), json!(-5), json!("60"), json!(365 * 24 * 3600 + 1)] {
        let r = env
            .control(
                Method::POST,
                "/_mock/tokens",
                Some(json!({ "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile"], "expiresIn": bad })),
            )
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some("expiresIn"),
        );
    }
    let r = env
        .control(
            Method::POST,
            "/_mock/tokens",
            Some(json!({ "userId": "u-nobody", "clientId": app.id, "scopes": ["profile"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[tokio::test]
async fn the_clock_moves_forward_on_request() {
    let env = Env::start();
    let r = env.control(Method::GET, "/_mock/clock", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let start = time(&r.body["now"]);
    let drift = (start - Utc::now()).num_seconds().abs();
    assert!(drift <= 5, "the clock starts at real time ({drift}s off)");

    let r = env
        .control(
            Method::POST,
            "/_mock/clock",
            Some(json!({ "advanceSeconds": 86_400 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let moved = time(&r.body["now"]);
    let diff = (moved - start).num_seconds();
    assert!((86_400..86_400 + 5).contains(&diff), "{diff}");
    let r = env.control(Method::GET, "/_mock/clock", None).await;
    assert!((time(&r.body["now"]) - moved).num_seconds() < 5);

    // Resources see the moved clock.
    let token = env.token(0, &["contacts.write"]).await;
    let c = rest::create(&env, &token, json!({ "displayName": "Later" })).await;
    let published = time(&c["published"]);
    assert!(
        (published - moved).num_seconds().abs() < 5,
        "{published} vs {moved}"
    );

    for bad in [
        json!({ "advanceSeconds": -1 }),
        json!({ "advanceSeconds": "10" }),
        json!({}),
    ] {
        let r = env.control(Method::POST, "/_mock/clock", Some(bad)).await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some("advanceSeconds"),
        );
    }
}

#[tokio::test]
async fn the_journal_lists_requests_by_request_id_and_can_be_cleared() {
    let env = Env::start();
    let app = env.app(false).await;
    let token = rest::token_for(&env, 0, &app.id, ALL_SCOPES, None).await;
    let r = env.control(Method::DELETE, "/_mock/requests", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    let a = env.get("/v1/me", &token).await;
    let b = env.get("/v1/me/contacts?$top=2", &token).await;
    let c = call(
        &env,
        Method::POST,
        "/v1/me/contacts",
        Some(&token),
        Some(json!({ "displayName": "" })),
        &[("idempotency-key", "journal-key")],
    )
    .await;
    let d = env
        .get("/v1/me?access_token=leaked-secret", "bad-token")
        .await;
    let sent = [&a, &b, &c, &d];
    let ids: Vec<&str> = sent
        .iter()
        .map(|r| r.header("request-id").unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "request ids are distinct");

    let entries = env.journal("/v1").await;
    assert_eq!(entries.len(), 4, "{entries:#?}");
    let journal_ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        journal_ids, ids,
        "in order, with the request-id of each response"
    );
    assert_eq!(entries[0]["method"], "GET");
    assert_eq!(entries[0]["path"], "/v1/me");
    assert_eq!(entries[0]["status"], 200);
    assert_eq!(entries[0]["userId"], env.users[0].id.as_str());
    assert_eq!(entries[0]["clientId"], app.id.as_str());
    assert!(entries[0]["time"].is_string());
    assert_eq!(entries[1]["query"]["$top"], "2");
    assert_eq!(entries[2]["method"], "POST");
    assert_eq!(entries[2]["status"], 400);
    assert_eq!(entries[2]["idempotencyKey"], "journal-key");
    assert_eq!(entries[3]["status"], 401);
    assert_eq!(entries[3]["query"]["access_token"], "[REDACTED]");
    assert!(
        !env.control(Method::GET, "/_mock/requests", None)
            .await
            .text
            .contains("leaked-secret")
    );

    // Filters: path prefix and method.
    assert_eq!(env.journal("/v1/me/contacts").await.len(), 2);
    let r = env
        .control(Method::GET, "/_mock/requests?path=/v1&method=post", None)
        .await;
    let posts = r.body["requests"].as_array().unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["id"], ids[2]);

    // The token endpoint records the grant and client, never the secret.
    let secret = app.secret.clone().unwrap();
    env.token_request(
        &app,
        &[("grant_type", "client_credentials"), ("scope", "profile")],
    )
    .await;
    let t = env.journal("/oauth/token").await;
    assert_eq!(t.len(), 1);
    assert_eq!(t[0]["grantType"], "client_credentials");
    assert_eq!(t[0]["clientId"], app.id.as_str());
    let all = env.control(Method::GET, "/_mock/requests", None).await;
    assert!(!all.text.contains(&secret));

    let r = env.control(Method::DELETE, "/_mock/requests", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(env.journal("/v1").await.is_empty());
    assert!(env.journal("/oauth").await.is_empty());
}
