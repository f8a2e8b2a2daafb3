//! Helpers shared by the resource, control-plane and fault tests (included with
//! `#[path = "support/rest.rs"] mod rest;` next to `mod common;`).
#![allow(dead_code)]

use messenger_connect_mock::control::{ResetOptions, TokenRequest};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{Env, Reply, read};

/// Sends a request with extra headers and reads the whole reply.
pub async fn call(
    env: &Env,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        env.url(path)
    };
    let mut req = env.http.request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    read(req.send().await.expect("request sent")).await
}

/// Resets to seed 1 with three users and `contacts` contacts each; the user ids are the
/// ones `env.users` holds (same seed, same ids).
pub async fn fresh(env: &Env, contacts: usize) {
    let users = env
        .control
        .reset(&ResetOptions {
            contacts_per_user: Some(contacts),
            ..ResetOptions::default()
        })
        .expect("reset");
    assert_eq!(
        users, env.users,
        "a reset with the same seed keeps the users"
    );
}

/// POSTs a contact and returns its representation (asserting 201).
pub async fn create(env: &Env, token: &str, body: Value) -> Value {
    let r = env.post("/v1/me/contacts", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

/// Every contact of the token's user (all pages).
pub async fn all(env: &Env, token: &str) -> Vec<Value> {
    env.collect("/v1/me/contacts?$top=1000", token).await
}

/// The `id`s of items.
pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().expect("id").to_string())
        .collect()
}

/// The `displayName`s of items, in their order.
pub fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["displayName"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The same, sorted.
pub fn sorted_names(items: &[Value]) -> Vec<String> {
    let mut n = names(items);
    n.sort();
    n
}

/// Asserts a resource error: status, code, target (when given), and an `innerError`
/// whose `requestId` is the `request-id` header.
pub fn assert_error(r: &Reply, status: StatusCode, code: &str, target: Option<&str>) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["error"]["code"], code, "{}", r.text);
    if let Some(t) = target {
        assert_eq!(r.body["error"]["target"], t, "{}", r.text);
    }
    assert!(
        r.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        r.text
    );
    let id = r.header("request-id").expect("request-id header");
    assert_eq!(r.body["error"]["innerError"]["requestId"], id, "{}", r.text);
    assert!(
        r.body["error"]["innerError"]["date"].is_string(),
        "{}",
        r.text
    );
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A token for user `n` of an existing app, valid `expires_in` seconds when given.
pub async fn token_for(
    env: &Env,
    user: usize,
    client_id: &str,
    scopes: &[&str],
    expires_in: Option<i64>,
) -> String {
    env.control
        .mint_token(&TokenRequest {
            user_id: env.users[user].id.clone(),
            client_id: client_id.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expires_in,
        })
        .expect("tokens minted")
        .access_token
}
