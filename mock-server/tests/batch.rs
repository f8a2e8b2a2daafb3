//! `POST /v1/$batch`: items run through the whole pipeline, in order, with dependencies.
mod common;

use common::{Env, Reply};
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BATCH: &str = "/v1/$batch";

async fn batch(env: &Env, token: &str, requests: Value) -> Reply {
    env.post(BATCH, token, json!({ "requests": requests }))
        .await
}

/// The responses of a 200 batch, checked to be in request order.
fn responses(r: &Reply, ids: &[&str]) -> Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let out = r.body["responses"].as_array().expect("responses").clone();
    let got: Vec<&str> = out.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids);
    out
}

fn status(item: &Value) -> u64 {
    item["status"].as_u64().expect("status")
}

#[tokio::test]
async fn happy_path_mixes_get_and_post() {
    let env = Env::start();
    let token = env
        .token(0, &["profile", "contacts.read", "contacts.write"])
        .await;
    let r = batch(
        &env,
        &token,
        json!([
            { "id": "list", "method": "GET", "url": "/me/contacts?$top=5&$count=true" },
            { "id": "add", "method": "POST", "url": "/me/contacts",
              "body": { "displayName": "Batch Person", "emails": [{ "value": "bp@example.com" }] } },
            { "id": "me", "method": "GET", "url": "/me" },
            { "id": "missing", "method": "GET", "url": "/me/contacts/c-nope" },
        ]),
    )
    .await;
    let out = responses(&r, &["list", "add", "me", "missing"]);
    assert_eq!(status(&out[0]), 200);
    assert_eq!(out[0]["body"]["value"].as_array().unwrap().len(), 5);
    assert_eq!(out[0]["body"]["@odata.count"], 50);
    assert!(
        out[0]["headers"]["request-id"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );
    assert!(out[0]["headers"]["ratelimit-remaining"].is_string());
    assert_eq!(status(&out[1]), 201);
    assert_eq!(out[1]["body"]["displayName"], "Batch Person");
    assert!(out[1]["headers"]["etag"].is_string());
    assert!(out[1]["headers"]["location"].is_string());
    assert_eq!(status(&out[2]), 200);
    assert_eq!(out[2]["body"]["id"], env.users[0].id.as_str());
    assert_eq!(status(&out[3]), 404);
    assert_eq!(out[3]["body"]["error"]["code"], "notFound");
    assert!(out[3]["body"]["error"]["innerError"]["requestId"].is_string());

    // The POST really happened, and each item is in the journal on its own.
    let id = out[1]["body"]["id"].as_str().unwrap();
    let got = env.get(&format!("/v1/me/contacts/{id}"), &token).await;
    assert_eq!(got.status, StatusCode::OK);
    let journal = env.journal("/v1/me").await;
    assert!(
        journal
            .iter()
            .any(|e| e["path"] == "/v1/me/contacts" && e["method"] == "POST" && e["status"] == 201)
    );
    assert!(
        journal
            .iter()
            .any(|e| e["path"] == "/v1/me" && e["status"] == 200)
    );
}

#[tokio::test]
async fn depends_on_runs_after_success_and_fails_after_failure() {
    let env = Env::start();
    let token = env.token(0, &["contacts.read", "contacts.write"]).await;
    let r = batch(
        &env,
        &token,
        json!([
            { "id": "1", "method": "POST", "url": "/me/contacts", "body": { "displayName": "First" } },
            { "id": "2", "method": "GET", "url": "/me/contacts?$filter=displayName eq 'First'", "dependsOn": ["1"] },
            { "id": "3", "method": "POST", "url": "/me/contacts", "body": { "displayName": "" } },
            { "id": "4", "method": "POST", "url": "/me/contacts", "body": { "displayName": "Never" }, "dependsOn": ["3"] },
            { "id": "5", "method": "GET", "url": "/me/contacts?$top=1", "dependsOn": ["1", "4"] },
            { "id": "6", "method": "GET", "url": "/me/contacts?$top=1", "dependsOn": ["1", "2"] },
        ]),
    )
    .await;
    let out = responses(&r, &["1", "2", "3", "4", "5", "6"]);
    assert_eq!(status(&out[0]), 201);
    assert_eq!(status(&out[1]), 200);
    assert_eq!(
        out[1]["body"]["value"][0]["id"], out[0]["body"]["id"],
        "the dependent item saw the created contact"
    );
    assert_eq!(status(&out[2]), 400);
    for failed in [&out[3], &out[4]] {
        assert_eq!(status(failed), 424);
        assert_eq!(failed["body"]["error"]["code"], "failedDependency");
        assert!(failed["headers"]["request-id"].is_string());
    }
    assert_eq!(status(&out[5]), 200);
    // Item 4 did not run.
    let never = env
        .get("/v1/me/contacts?$filter=displayName eq 'Never'", &token)
        .await;
    assert_eq!(never.body["value"], json!([]));
}

#[tokio::test]
async fn malformed_batches_are_400_naming_the_request() {
    let env = Env::start();
    let token = env.token(0, &["contacts.read"]).await;
    let get = |id: String| json!({ "id": id, "method": "GET", "url": "/me/contacts?$top=1" });

    let many: Vec<Value> = (0..21).map(|i| get(i.to_string())).collect();
    let r = batch(&env, &token, json!(many)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.code(), "validationFailed");
    assert_eq!(r.body["error"]["target"], "requests");

    let cases = [
        (
            json!([get("a".into()), get("b".into()), get("a".into())]),
            "requests/2/id",
        ),
        (json!([]), "requests"),
        (
            json!([{ "id": "a", "method": "GET", "url": "/me", "dependsOn": ["zz"] }]),
            "requests/0/dependsOn/0",
        ),
        (
            json!([
                { "id": "a", "method": "GET", "url": "/me", "dependsOn": ["b"] },
                { "id": "b", "method": "GET", "url": "/me", "dependsOn": ["a"] },
            ]),
            "requests/0/dependsOn/0",
        ),
        (
            json!([{ "id": "a", "method": "GET", "url": "/me", "dependsOn": ["a"] }]),
            "requests/0/dependsOn/0",
        ),
        (
            json!([get("a".into()), { "id": "b", "method": "GET", "url": "me/contacts" }]),
            "requests/1/url",
        ),
        (
            json!([{ "id": "a", "method": "POST", "url": "/$batch", "body": { "requests": [] } }]),
            "requests/0/url",
        ),
        (
            json!([{ "id": "a", "method": "get", "url": "/me" }]),
            "requests/0/method",
        ),
        (json!([{ "method": "GET", "url": "/me" }]), "requests/0/id"),
    ];
    for (requests, target) in cases {
        let r = batch(&env, &token, requests.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{requests}: {}", r.text);
        assert_eq!(r.code(), "validationFailed", "{requests}");
        assert_eq!(r.body["error"]["target"], target, "{requests}");
    }
}

#[tokio::test]
async fn twenty_requests_are_allowed() {
    let env = Env::start();
    let token = env.token(0, &["contacts.read"]).await;
    let items: Vec<Value> = (0..20)
        .map(|i| json!({ "id": format!("r{i}"), "method": "GET", "url": format!("/me/contacts?$top=1&$skip={i}") }))
        .collect();
    let ids: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let r = batch(&env, &token, json!(items)).await;
    let out = responses(&r, &ids);
    assert!(out.iter().all(|x| status(x) == 200));
    let distinct: std::collections::BTreeSet<&str> = out
        .iter()
        .map(|x| x["body"]["value"][0]["id"].as_str().unwrap())
        .collect();
    assert_eq!(distinct.len(), 20);
}

#[tokio::test]
async fn throttled_items_get_429_while_the_others_run() {
    let env = Env::start();
    let reset = env
        .control(
            Method::POST,
            "/_mock/reset",
            Some(json!({ "rateLimit": { "limit": 4, "windowSeconds": 60 } })),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let token = env.token(0, &["profile"]).await;
    let items: Vec<Value> = (0..5)
        .map(|i| json!({ "id": format!("{i}"), "method": "GET", "url": "/me" }))
        .collect();
    let r = batch(&env, &token, json!(items)).await;
    // The batch counts once, each item once more: 3 items fit in a limit of 4.
    let out = responses(&r, &["0", "1", "2", "3", "4"]);
    for ok in &out[..3] {
        assert_eq!(status(ok), 200, "{ok}");
    }
    for throttled in &out[3..] {
        assert_eq!(status(throttled), 429, "{throttled}");
        assert_eq!(throttled["body"]["error"]["code"], "tooManyRequests");
        let retry: u64 = throttled["headers"]["retry-after"]
            .as_str()
            .expect("Retry-After in the item's headers")
            .parse()
            .expect("seconds");
        assert!((1..=60).contains(&retry));
        assert_eq!(throttled["headers"]["ratelimit-remaining"], "0");
    }
    // The batch itself is now over the limit as well.
    let again = batch(
        &env,
        &token,
        json!([{ "id": "x", "method": "GET", "url": "/me" }]),
    )
    .await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(again.header("retry-after").is_some());
}

#[tokio::test]
async fn item_authorization_is_its_own() {
    let env = Env::start();
    let token = env.token(0, &["profile"]).await;
    let other = env.token(1, &["profile"]).await;
    let r = batch(
        &env,
        &token,
        json!([
            { "id": "mine", "method": "GET", "url": "/me" },
            { "id": "bad", "method": "GET", "url": "/me", "headers": { "Authorization": "Bearer nope" } },
            { "id": "theirs", "method": "GET", "url": "/me", "headers": { "authorization": format!("Bearer {other}") } },
            { "id": "scope", "method": "GET", "url": "/me/contacts" },
        ]),
    )
    .await;
    let out = responses(&r, &["mine", "bad", "theirs", "scope"]);
    assert_eq!(status(&out[0]), 200);
    assert_eq!(out[0]["body"]["id"], env.users[0].id.as_str());
    assert_eq!(status(&out[1]), 401);
    assert_eq!(out[1]["body"]["error"]["code"], "invalidToken");
    assert!(
        out[1]["headers"]["www-authenticate"]
            .as_str()
            .is_some_and(|v| v.contains("invalid_token"))
    );
    assert_eq!(status(&out[2]), 200);
    assert_eq!(out[2]["body"]["id"], env.users[1].id.as_str());
    assert_eq!(status(&out[3]), 403);

    // The batch itself needs a valid token.
    let none = env
        .send(
            Method::POST,
            BATCH,
            None,
            Some(json!({ "requests": [{ "id": "a", "method": "GET", "url": "/me" }] })),
        )
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    let bogus = batch(
        &env,
        "nope",
        json!([{ "id": "a", "method": "GET", "url": "/me" }]),
    )
    .await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idempotency_keys_and_faults_apply_per_item() {
    let env = Env::start();
    let token = env.token(0, &["contacts.read", "contacts.write"]).await;
    let create = json!({
        "id": "c", "method": "POST", "url": "/me/contacts",
        "headers": { "Idempotency-Key": "batch-key-1" },
        "body": { "displayName": "Once" },
    });
    let first = batch(&env, &token, json!([create.clone()])).await;
    let first = responses(&first, &["c"]);
    assert_eq!(status(&first[0]), 201);
    let second = batch(&env, &token, json!([create])).await;
    let second = responses(&second, &["c"]);
    assert_eq!(status(&second[0]), 201);
    assert_eq!(second[0]["headers"]["idempotent-replayed"], "true");
    assert_eq!(second[0]["body"]["id"], first[0]["body"]["id"]);
    let once = env
        .get(
            "/v1/me/contacts?$filter=displayName eq 'Once'&$count=true",
            &token,
        )
        .await;
    assert_eq!(once.body["@odata.count"], 1);

    env.fault(
        FaultSpec::status(503)
            .on_method("GET")
            .on_path("/v1/me/contacts")
            .retry_after(2)
            .times(1),
    )
    .await;
    env.fault(
        FaultSpec::new(FaultKind::Reset)
            .on_method("POST")
            .on_path("/v1/me/contacts")
            .times(1),
    )
    .await;
    let r = batch(
        &env,
        &token,
        json!([
            { "id": "a", "method": "GET", "url": "/me/contacts?$top=1" },
            { "id": "b", "method": "GET", "url": "/me/contacts?$top=1" },
            { "id": "c", "method": "POST", "url": "/me/contacts", "body": { "displayName": "Reset" } },
        ]),
    )
    .await;
    let out = responses(&r, &["a", "b", "c"]);
    assert_eq!(status(&out[0]), 503);
    assert_eq!(out[0]["headers"]["retry-after"], "2");
    assert_eq!(status(&out[1]), 200);
    assert_eq!(status(&out[2]), 503, "a reset fault answers the item 503");
    let reset = env
        .get("/v1/me/contacts?$filter=displayName eq 'Reset'", &token)
        .await;
    assert_eq!(reset.body["value"], json!([]), "the reset item did not run");
}
