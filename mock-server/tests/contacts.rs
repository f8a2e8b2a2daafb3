//! `/v1/me/contacts`: CRUD, ETags and If-Match, isolation between users, validation,
//! and Idempotency-Key.
mod common;
#[path = "support/rest.rs"]
mod rest;

use common::{ALL_SCOPES, Env};
use reqwest::{Method, StatusCode};
use rest::{all, assert_error, call, create, fresh, ids};
use serde_json::{Value, json};

const RW: &[&str] = &["contacts.read", "contacts.write"];

fn ada() -> Value {
    json!({
        "displayName": "Ada Lovelace",
        "name": { "givenName": "Ada", "familyName": "Lovelace" },
        "nickname": "Countess",
        "emails": [{ "value": "ada@analytical.example", "type": "work", "primary": true }],
        "phoneNumbers": [{ "value": "+44 20 7946 0000", "type": "home" }],
        "addresses": [{ "type": "home", "locality": "London", "country": "UK" }],
        "organizations": [{ "name": "Analytical Engines", "title": "Programmer" }],
        "birthday": "1815-12-10",
        "note": "First programmer",
        "tags": ["math", "vip"],
    })
}

#[tokio::test]
async fn create_get_patch_delete() {
    let env = Env::start();
    let token = env.token(0, RW).await;
    let r = env.post("/v1/me/contacts", &token, ada()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let created = r.body.clone();
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("{}/v1/me/contacts/{id}", env.base).as_str())
    );
    let etag = r.header("etag").expect("ETag").to_string();
    assert_eq!(created["@odata.etag"], etag.as_str());
    assert_eq!(created["displayName"], "Ada Lovelace");
    assert_eq!(created["nickname"], "Countess");
    assert_eq!(created["emails"][0]["value"], "ada@analytical.example");
    assert_eq!(created["phoneNumbers"][0]["type"], "home");
    assert_eq!(created["addresses"][0]["locality"], "London");
    assert_eq!(created["organizations"][0]["title"], "Programmer");
    assert_eq!(created["birthday"], "1815-12-10");
    assert_eq!(created["tags"], json!(["math", "vip"]));
    assert_eq!(created["isFriend"], false);
    assert!(created["published"].is_string() && created["updated"].is_string());

    // GET: the same representation and ETag.
    let r = env.get(&format!("/v1/me/contacts/{id}"), &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, created);
    assert_eq!(r.header("etag"), Some(etag.as_str()));

    // PATCH merges: only the fields given change; a partial name keeps the rest.
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{id}"),
        Some(&token),
        Some(json!({ "name": { "familyName": "King" }, "tags": ["countess"], "unknownField": 1 })),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let patched = r.body.clone();
    assert_eq!(
        patched["name"],
        json!({ "givenName": "Ada", "familyName": "King" })
    );
    assert_eq!(patched["tags"], json!(["countess"]));
    assert_eq!(patched["nickname"], "Countess");
    assert_eq!(patched["emails"], created["emails"]);
    assert_eq!(patched["published"], created["published"]);
    assert!(patched.get("unknownField").is_none());
    let etag2 = r.header("etag").expect("ETag").to_string();
    assert_ne!(etag2, etag, "a change makes a new ETag");
    assert_eq!(patched["@odata.etag"], etag2.as_str());

    // null clears the nickname (and a name part).
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{id}"),
        Some(&token),
        Some(json!({ "nickname": null, "name": { "givenName": null } })),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["nickname"].is_null(), "{}", r.text);
    assert_eq!(r.body["name"], json!({ "familyName": "King" }));
    assert_eq!(r.body["displayName"], "Ada Lovelace");
    assert_eq!(
        env.get(&format!("/v1/me/contacts/{id}"), &token).await.body,
        r.body
    );

    // displayName cannot be removed.
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{id}"),
        Some(&token),
        Some(json!({ "displayName": null })),
        &[],
    )
    .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("displayName"),
    );

    // DELETE: 204, then 404 for GET, PATCH and DELETE.
    let r = env
        .send(
            Method::DELETE,
            &format!("/v1/me/contacts/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(r.text.is_empty());
    let r = env.get(&format!("/v1/me/contacts/{id}"), &token).await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{id}"),
        Some(&token),
        Some(json!({ "nickname": "x" })),
        &[],
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    let r = env
        .send(
            Method::DELETE,
            &format!("/v1/me/contacts/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
}

#[tokio::test]
async fn if_match_guards_updates_and_deletes() {
    let env = Env::start();
    let token = env.token(0, RW).await;
    let c = create(&env, &token, ada()).await;
    let id = c["id"].as_str().unwrap().to_string();
    let path = format!("/v1/me/contacts/{id}");
    let old = c["@odata.etag"].as_str().unwrap().to_string();

    // Matching ETag: accepted.
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Ada" })),
        &[("if-match", &old)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let current = r.body.clone();
    let new = r.header("etag").unwrap().to_string();

    // The old ETag no longer matches: 412 and nothing changes.
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Stale" })),
        &[("if-match", &old)],
    )
    .await;
    assert_error(
        &r,
        StatusCode::PRECONDITION_FAILED,
        "preconditionFailed",
        Some("If-Match"),
    );
    let r = call(
        &env,
        Method::DELETE,
        &path,
        Some(&token),
        None,
        &[("if-match", &old)],
    )
    .await;
    assert_error(
        &r,
        StatusCode::PRECONDITION_FAILED,
        "preconditionFailed",
        Some("If-Match"),
    );
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Stale" })),
        &[("if-match", "\"999999\"")],
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.text);
    let r = env.get(&path, &token).await;
    assert_eq!(r.body, current, "a refused change changed nothing");
    assert_eq!(r.header("etag"), Some(new.as_str()));

    // A list containing the current ETag, a weak form, and `*` all match.
    let list = format!("{old}, {new}");
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Listed" })),
        &[("if-match", &list)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let weak = format!("W/{}", r.header("etag").unwrap());
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Weak" })),
        &[("if-match", &weak)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "nickname": "Star" })),
        &[("if-match", "*")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["nickname"], "Star");
    let etag = r.header("etag").unwrap().to_string();

    // DELETE with the current ETag.
    let r = call(
        &env,
        Method::DELETE,
        &path,
        Some(&token),
        None,
        &[("if-match", &etag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(env.get(&path, &token).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_users_contact_is_404_never_403() {
    let env = Env::start();
    let a = env.token(0, RW).await;
    let b = env.token(1, ALL_SCOPES).await;
    let c = create(&env, &a, ada()).await;
    let id = c["id"].as_str().unwrap();
    let path = format!("/v1/me/contacts/{id}");
    let etag = c["@odata.etag"].as_str().unwrap();

    let r = env.get(&path, &b).await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&b),
        Some(json!({ "nickname": "Hijacked" })),
        &[("if-match", "*")],
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    let r = call(
        &env,
        Method::DELETE,
        &path,
        Some(&b),
        None,
        &[("if-match", etag)],
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    let r = env
        .get(&format!("/portablecontacts/@me/@all/{id}"), &b)
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
    // B's collection does not contain it either.
    assert!(!ids(&all(&env, &b).await).contains(&id.to_string()));

    // A's contact is untouched.
    let r = env.get(&path, &a).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, c);
}

#[tokio::test]
async fn validation_names_nested_targets_and_creates_nothing() {
    let env = Env::start();
    fresh(&env, 0).await;
    let token = env.token(0, RW).await;
    let base = || json!({ "displayName": "Valid Name" });
    let with = |k: &str, v: Value| {
        let mut b = base();
        b[k] = v;
        b
    };
    let cases = [
        (json!({}), "displayName"),
        (json!({ "displayName": "" }), "displayName"),
        (json!({ "displayName": "  " }), "displayName"),
        (json!({ "displayName": 5 }), "displayName"),
        (
            with("emails", json!([{ "value": "not-an-email" }])),
            "emails/0/value",
        ),
        (
            with(
                "emails",
                json!([{ "value": "a@example.com" }, { "value": "b@example.com", "type": "pager" }]),
            ),
            "emails/1/type",
        ),
        (
            with(
                "emails",
                json!([{ "value": "a@example.com", "primary": "yes" }]),
            ),
            "emails/0/primary",
        ),
        (with("emails", json!(["a@example.com"])), "emails/0"),
        (with("emails", json!("a@example.com")), "emails"),
        (
            with(
                "phoneNumbers",
                json!([{ "value": "+1 555 0100" }, { "value": "555", "type": "fax" }]),
            ),
            "phoneNumbers/1/type",
        ),
        (
            with("phoneNumbers", json!([{ "value": "call me" }])),
            "phoneNumbers/0/value",
        ),
        (with("tags", json!([""])), "tags/0"),
        (with("tags", json!(["ok", 5])), "tags/1"),
        (with("name", json!({ "givenName": 3 })), "name/givenName"),
        (with("name", json!("Ada")), "name"),
        (with("birthday", json!("1815-13-10")), "birthday"),
        (with("birthday", json!("10/12/1815")), "birthday"),
        (
            with("organizations", json!([{ "title": "CEO" }])),
            "organizations/0/name",
        ),
        (
            with("addresses", json!([{ "type": "moon" }])),
            "addresses/0/type",
        ),
        (with("nickname", json!(12)), "nickname"),
        (with("note", json!("n".repeat(5001))), "note"),
        (json!(["not", "an", "object"]), "body"),
    ];
    for (body, target) in cases {
        let r = env.post("/v1/me/contacts", &token, body.clone()).await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
    }
    // Not JSON at all.
    let resp = env
        .http
        .post(env.url("/v1/me/contacts"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"displayName\": ")
        .send()
        .await
        .unwrap();
    let r = common::read(resp).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("body"),
    );
    assert!(all(&env, &token).await.is_empty(), "nothing was created");

    // An invalid PATCH changes nothing either.
    let c = create(&env, &token, ada()).await;
    let path = format!("/v1/me/contacts/{}", c["id"].as_str().unwrap());
    for (body, target) in [
        (
            json!({ "nickname": "Changed", "emails": [{ "value": "bad" }] }),
            "emails/0/value",
        ),
        (
            json!({ "displayName": "Changed", "phoneNumbers": [{ "value": "1" }, { "value": "2", "type": "x" }] }),
            "phoneNumbers/1/type",
        ),
        (json!({ "tags": ["fine", ""] }), "tags/1"),
    ] {
        let r = call(&env, Method::PATCH, &path, Some(&token), Some(body), &[]).await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
        assert_eq!(env.get(&path, &token).await.body, c);
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_server_fields_are_not_writable() {
    let env = Env::start();
    let token = env.token(0, RW).await;
    let c = create(
        &env,
        &token,
        json!({
            "displayName": "Grace Hopper",
            "favouriteColour": "navy",
            "id": "c-chosen-by-client",
            "isFriend": true,
            "published": "2000-01-01T00:00:00Z",
        }),
    )
    .await;
    assert!(c.get("favouriteColour").is_none());
    assert_ne!(c["id"], "c-chosen-by-client");
    assert_eq!(c["isFriend"], false);
    assert_ne!(c["published"], "2000-01-01T00:00:00Z");
    let path = format!("/v1/me/contacts/{}", c["id"].as_str().unwrap());
    let r = call(
        &env,
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({ "id": "other", "isFriend": true, "@odata.etag": "\"1\"", "x": 1 })),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["id"], c["id"]);
    assert_eq!(r.body["isFriend"], false);
    assert!(r.body.get("x").is_none());
}

async fn post_with_key(env: &Env, token: &str, key: &str, body: Value) -> common::Reply {
    call(
        env,
        Method::POST,
        "/v1/me/contacts",
        Some(token),
        Some(body),
        &[("idempotency-key", key)],
    )
    .await
}

#[tokio::test]
async fn idempotency_key_replays_the_first_result() {
    let env = Env::start();
    fresh(&env, 0).await;
    let token = env.token(0, RW).await;
    let first = post_with_key(&env, &token, "key-1", ada()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert!(first.header("idempotent-replayed").is_none());
    let second = post_with_key(&env, &token, "key-1", ada()).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.text, first.text);
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(second.header("etag"), first.header("etag"));
    assert_ne!(
        second.header("request-id"),
        first.header("request-id"),
        "each response has its own request id"
    );
    let contacts = all(&env, &token).await;
    assert_eq!(contacts.len(), 1, "exactly one contact was created");
    assert_eq!(contacts[0], first.body);

    // The same key with another body: 422, nothing created.
    let mut other = ada();
    other["displayName"] = json!("Someone Else");
    let r = post_with_key(&env, &token, "key-1", other.clone()).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotencyKeyReused",
        None,
    );
    assert_eq!(all(&env, &token).await.len(), 1);

    // Another key creates another contact.
    let r = post_with_key(&env, &token, "key-2", other).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(all(&env, &token).await.len(), 2);

    // No key: every POST creates.
    create(&env, &token, ada()).await;
    create(&env, &token, ada()).await;
    assert_eq!(all(&env, &token).await.len(), 4);
}

#[tokio::test]
async fn failed_requests_are_not_remembered_under_their_key() {
    let env = Env::start();
    fresh(&env, 0).await;
    let token = env.token(0, RW).await;
    let r = post_with_key(&env, &token, "retry-me", json!({ "displayName": "" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // The corrected request with the same key succeeds and is not a replay.
    let r = post_with_key(&env, &token, "retry-me", json!({ "displayName": "Fixed" })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(all(&env, &token).await.len(), 1);
}

#[tokio::test]
async fn idempotency_keys_are_scoped_per_user() {
    let env = Env::start();
    fresh(&env, 0).await;
    // One app, two users: the key is the user's, not the app's.
    let app = env.app(false).await;
    let a = rest::token_for(&env, 0, &app.id, RW, None).await;
    let b = rest::token_for(&env, 1, &app.id, RW, None).await;
    let ra = post_with_key(&env, &a, "shared-key", ada()).await;
    assert_eq!(ra.status, StatusCode::CREATED, "{}", ra.text);
    let rb = post_with_key(&env, &b, "shared-key", ada()).await;
    assert_eq!(rb.status, StatusCode::CREATED, "{}", rb.text);
    assert!(rb.header("idempotent-replayed").is_none());
    assert_ne!(rb.body["id"], ra.body["id"]);
    assert_eq!(ids(&all(&env, &a).await), [ra.body["id"].as_str().unwrap()]);
    assert_eq!(ids(&all(&env, &b).await), [rb.body["id"].as_str().unwrap()]);
    // B's other body under the same key is B's business only: 422 for B, A unaffected.
    let r = post_with_key(&env, &b, "shared-key", json!({ "displayName": "B" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let again = post_with_key(&env, &a, "shared-key", ada()).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.text, ra.text);
}

#[tokio::test]
async fn idempotency_keys_expire_after_24_hours() {
    let env = Env::start();
    fresh(&env, 0).await;
    let app = env.app(false).await;
    let token = rest::token_for(&env, 0, &app.id, RW, Some(3 * 24 * 3600)).await;
    let first = post_with_key(&env, &token, "day-key", ada()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);

    env.advance(23 * 3600).await;
    let r = post_with_key(&env, &token, "day-key", ada()).await;
    assert_eq!(r.header("idempotent-replayed"), Some("true"), "{}", r.text);
    assert_eq!(r.body["id"], first.body["id"]);

    env.advance(3600 + 1).await;
    let r = post_with_key(&env, &token, "day-key", ada()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.header("idempotent-replayed").is_none(), "expired key");
    assert_ne!(r.body["id"], first.body["id"]);
    assert_eq!(all(&env, &token).await.len(), 2);
    // And the key now remembers the new result.
    let r2 = post_with_key(&env, &token, "day-key", ada()).await;
    assert_eq!(r2.header("idempotent-replayed"), Some("true"));
    assert_eq!(r2.body["id"], r.body["id"]);
}

#[tokio::test]
async fn idempotency_key_must_be_1_to_255_characters() {
    let env = Env::start();
    fresh(&env, 0).await;
    let token = env.token(0, RW).await;
    let long = "k".repeat(256);
    for key in ["", long.as_str()] {
        let r = post_with_key(&env, &token, key, ada()).await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some("Idempotency-Key"),
        );
    }
    assert!(all(&env, &token).await.is_empty());
    let ok = "k".repeat(255);
    let r = post_with_key(&env, &token, &ok, ada()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}
