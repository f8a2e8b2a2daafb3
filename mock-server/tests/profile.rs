//! `/v1/me`, `/v1/me/status`, `/v1/users/{id}`, `/v1/me/permissions`; bearer
//! authentication and scope enforcement on every resource.
mod common;
#[path = "support/rest.rs"]
mod rest;

use common::{ALL_SCOPES, Env};
use reqwest::{Method, StatusCode};
use rest::{assert_error, call};
use serde_json::{Value, json};

#[tokio::test]
async fn me_shows_the_profile_and_emails_only_with_the_email_scope() {
    let env = Env::start();
    let user = &env.users[0];
    let plain = env.token(0, &["profile"]).await;
    let r = env.get("/v1/me", &plain).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["id"], user.id.as_str());
    assert_eq!(r.body["displayName"], user.display_name.as_str());
    let (given, family) = user.display_name.split_once(' ').unwrap();
    assert_eq!(r.body["name"]["givenName"], given);
    assert_eq!(r.body["name"]["familyName"], family);
    assert_eq!(r.body["locale"], "en-US");
    assert_eq!(r.body["presence"], "offline");
    assert!(r.body["status"].is_object(), "{}", r.text);
    assert!(r.body["updated"].is_string(), "{}", r.text);
    assert!(r.body.get("emails").is_none(), "no email scope: {}", r.text);
    assert!(!r.text.contains(&user.email), "{}", r.text);

    let with_email = env.token(0, &["profile", "email"]).await;
    let r = env.get("/v1/me", &with_email).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["emails"][0]["value"], user.email.as_str());
    assert_eq!(r.body["emails"][0]["primary"], true);

    // Another user's token shows that user.
    let other = env.token(1, &["profile"]).await;
    assert_eq!(
        env.get("/v1/me", &other).await.body["id"],
        env.users[1].id.as_str()
    );
}

#[tokio::test]
async fn patch_me_updates_each_field_and_ignores_unknown_fields() {
    let env = Env::start();
    let token = env.token(0, &["profile", "profile.write"]).await;
    let r = call(
        &env,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some(json!({
            "displayName": "Ada King",
            "name": { "givenName": "Augusta" },
            "photo": "https://img.example.org/ada.png",
            "locale": "fr-FR",
            "favouriteColour": "green",
            "id": "u-hijacked",
        })),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["displayName"], "Ada King");
    assert_eq!(r.body["name"]["givenName"], "Augusta");
    // A partial name keeps the other part.
    let family = env.users[0].display_name.split_once(' ').unwrap().1;
    assert_eq!(r.body["name"]["familyName"], family);
    assert_eq!(r.body["photo"], "https://img.example.org/ada.png");
    assert_eq!(r.body["locale"], "fr-FR");
    assert_eq!(r.body["id"], env.users[0].id.as_str());
    assert!(r.body.get("favouriteColour").is_none(), "{}", r.text);

    // What PATCH answered is what GET shows.
    let got = env.get("/v1/me", &token).await;
    assert_eq!(got.body, r.body);

    // http is accepted, and null clears the photo.
    for (photo, expected) in [
        (
            json!("http://img.example.org/a.png"),
            json!("http://img.example.org/a.png"),
        ),
        (Value::Null, Value::Null),
    ] {
        let r = call(
            &env,
            Method::PATCH,
            "/v1/me",
            Some(&token),
            Some(json!({ "photo": photo })),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["photo"], expected);
        assert_eq!(r.body["displayName"], "Ada King");
    }
}

#[tokio::test]
async fn patch_me_validation_names_the_field_and_changes_nothing() {
    let env = Env::start();
    let token = env.token(0, &["profile", "profile.write"]).await;
    let before = env.get("/v1/me", &token).await.body;
    let cases = [
        (json!({ "displayName": "" }), "displayName"),
        (json!({ "displayName": "   " }), "displayName"),
        (json!({ "displayName": 42 }), "displayName"),
        (json!({ "displayName": "x".repeat(101) }), "displayName"),
        (json!({ "name": "Ada" }), "name"),
        (json!({ "name": { "givenName": 7 } }), "name/givenName"),
        (
            json!({ "name": { "givenName": "A", "familyName": "y".repeat(101) } }),
            "name/familyName",
        ),
        (json!({ "photo": "ftp://img.example.org/a.png" }), "photo"),
        (json!({ "photo": "javascript:alert(1)" }), "photo"),
        (json!({ "photo": "not a url" }), "photo"),
        (json!({ "locale": "english" }), "locale"),
        (json!({ "locale": "e" }), "locale"),
        (json!({ "locale": "en_US" }), "locale"),
        // One bad field among good ones: nothing at all is changed.
        (
            json!({ "displayName": "Changed", "name": { "givenName": "Changed" }, "locale": "??" }),
            "locale",
        ),
        (
            json!({ "displayName": "Changed", "photo": "mailto:a@example.com" }),
            "photo",
        ),
    ];
    for (body, target) in cases {
        let r = call(
            &env,
            Method::PATCH,
            "/v1/me",
            Some(&token),
            Some(body.clone()),
            &[],
        )
        .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
        let now = env.get("/v1/me", &token).await.body;
        assert_eq!(now, before, "{body} changed the profile");
    }
    // A body that is not an object.
    let r = call(
        &env,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some(json!(["displayName"])),
        &[],
    )
    .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("body"),
    );
}

#[tokio::test]
async fn patch_me_needs_profile_write() {
    let env = Env::start();
    let token = env.token(0, &["profile"]).await;
    let r = call(
        &env,
        Method::PATCH,
        "/v1/me",
        Some(&token),
        Some(json!({ "displayName": "Nope" })),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "insufficientScope", None);
    let challenge = r.header("www-authenticate").unwrap_or("");
    assert!(
        challenge.contains("insufficient_scope") && challenge.contains("scope=\"profile.write\""),
        "{challenge}"
    );
    assert_eq!(
        env.get("/v1/me", &token).await.body["displayName"],
        env.users[0].display_name.as_str()
    );
}

#[tokio::test]
async fn status_shows_message_and_presence() {
    let env = Env::start();
    let token = env.token(0, &["profile"]).await;
    let r = env.get("/v1/me/status", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["message"], "");
    assert_eq!(r.body["presence"], "offline");
    assert!(r.body.get("updated").is_some(), "{}", r.text);
    // The same object as `status` of /v1/me.
    assert_eq!(env.get("/v1/me", &token).await.body["status"], r.body);

    let no_profile = env.token(0, &["contacts.read"]).await;
    let r = env.get("/v1/me/status", &no_profile).await;
    assert_error(&r, StatusCode::FORBIDDEN, "insufficientScope", None);
}

#[tokio::test]
async fn users_shows_only_the_public_profile() {
    let env = Env::start();
    let token = env.token(0, &["profile", "email"]).await;
    let other = &env.users[1];
    let r = env.get(&format!("/v1/users/{}", other.id), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut keys: Vec<&str> = r
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["displayName", "id", "photo"], "{}", r.text);
    assert_eq!(r.body["id"], other.id.as_str());
    assert_eq!(r.body["displayName"], other.display_name.as_str());
    assert!(!r.text.contains(&other.email), "{}", r.text);

    let r = env.get("/v1/users/u0000000000000000", &token).await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);

    let no_profile = env.token(0, &["contacts.read"]).await;
    let r = env
        .get(&format!("/v1/users/{}", other.id), &no_profile)
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "insufficientScope", None);
    assert!(
        r.header("www-authenticate")
            .unwrap_or("")
            .contains("scope=\"profile\"")
    );
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401() {
    let env = Env::start();
    let token = env.token(0, ALL_SCOPES).await;
    for path in [
        "/v1/me",
        "/v1/me/status",
        "/v1/me/contacts",
        "/v1/me/contacts/delta",
        "/portablecontacts/@me/@all",
        "/v1/me/permissions",
    ] {
        let r = env.send(Method::GET, path, None, None).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "invalidToken", None);
        // No credentials at all: a bare challenge, without an error code (RFC 6750 §3.1).
        let challenge = r.header("www-authenticate").unwrap_or("");
        assert!(
            challenge.starts_with("Bearer") && !challenge.contains("error="),
            "{path}: {challenge}"
        );
        let r = env.get(path, "not-a-real-token").await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "invalidToken", None);
        assert!(
            r.header("www-authenticate")
                .unwrap_or("")
                .contains("invalid_token")
        );
        // A mangled real token is not accepted either.
        let r = env.get(path, &format!("{token}x")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        // Nor a token under another scheme.
        let r = call(
            &env,
            Method::GET,
            path,
            None,
            None,
            &[("authorization", &format!("Basic {token}"))],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        // The real one works.
        assert_eq!(env.get(path, &token).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn every_resource_enforces_its_scope() {
    let env = Env::start();
    let all = env.token(0, ALL_SCOPES).await;
    let contact = env.collect("/v1/me/contacts?$top=1", &all).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = env.users[1].id.clone();
    let routes: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::GET, "/v1/me".into(), None, "profile"),
        (
            Method::PATCH,
            "/v1/me".into(),
            Some(json!({ "displayName": "X" })),
            "profile.write",
        ),
        (Method::GET, "/v1/me/status".into(), None, "profile"),
        (Method::GET, format!("/v1/users/{user}"), None, "profile"),
        (Method::GET, "/v1/me/contacts".into(), None, "contacts.read"),
        (
            Method::POST,
            "/v1/me/contacts".into(),
            Some(json!({ "displayName": "X" })),
            "contacts.write",
        ),
        (
            Method::GET,
            format!("/v1/me/contacts/{contact}"),
            None,
            "contacts.read",
        ),
        (
            Method::PATCH,
            format!("/v1/me/contacts/{contact}"),
            Some(json!({ "nickname": "X" })),
            "contacts.write",
        ),
        (
            Method::DELETE,
            format!("/v1/me/contacts/{contact}"),
            None,
            "contacts.write",
        ),
        (
            Method::GET,
            "/v1/me/contacts/delta".into(),
            None,
            "contacts.read",
        ),
        (
            Method::GET,
            "/portablecontacts/@me/@all".into(),
            None,
            "contacts.read",
        ),
        (
            Method::GET,
            format!("/portablecontacts/@me/@all/{contact}"),
            None,
            "contacts.read",
        ),
    ];
    for (method, path, body, scope) in routes {
        // Every scope but the one needed.
        let others: Vec<&str> = ALL_SCOPES.iter().copied().filter(|s| *s != scope).collect();
        let token = env.token(0, &others).await;
        let r = call(&env, method.clone(), &path, Some(&token), body, &[]).await;
        assert_error(&r, StatusCode::FORBIDDEN, "insufficientScope", None);
        let challenge = r.header("www-authenticate").unwrap_or("");
        assert!(
            challenge.starts_with("Bearer")
                && challenge.contains("error=\"insufficient_scope\"")
                && challenge.contains(&format!("scope=\"{scope}\"")),
            "{method} {path}: {challenge}"
        );
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(scope),
            "{}",
            r.text
        );
    }
    // Nothing was changed by the refused writes.
    let r = env.get(&format!("/v1/me/contacts/{contact}"), &all).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["nickname"].is_null(), "{}", r.text);
    assert_eq!(
        env.get("/v1/me", &all).await.body["displayName"],
        env.users[0].display_name.as_str()
    );
}

#[tokio::test]
async fn permissions_show_the_grant_and_delete_revokes_it() {
    let env = Env::start();
    let app = env.app(false).await;
    let token = rest::token_for(&env, 0, &app.id, &["profile", "contacts.read"], None).await;
    let second = rest::token_for(&env, 0, &app.id, &["profile"], None).await;
    let r = env.get("/v1/me/permissions", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["clientId"], app.id.as_str());
    assert_eq!(r.body["scopes"], json!(["contacts.read", "profile"]));

    // Dropping one scope narrows the grant at once.
    let r = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/contacts.read",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = env.get("/v1/me/contacts", &token).await;
    assert_error(&r, StatusCode::FORBIDDEN, "insufficientScope", None);
    assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);

    // Disconnecting the app revokes every token of the grant.
    let r = env
        .send(Method::DELETE, "/v1/me/permissions", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    for t in [&token, &second] {
        let r = env.get("/v1/me", t).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "invalidToken", None);
    }
}
