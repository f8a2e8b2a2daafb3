//! Activities and the feed, over real HTTP.
mod common;

use std::collections::HashSet;

use common::Env;
use messenger_connect_mock::MockConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Four users in a ring of friendships (0-1, 1-2, 2-3, 3-0), `activities` notes each.
fn ring(activities: usize) -> Env {
    Env::with(MockConfig {
        users: 4,
        contacts_per_user: 0,
        friends_per_user: 1,
        activities_per_user: activities,
        ..Default::default()
    })
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn post_get_delete_an_activity() {
    let env = ring(0);
    let t = env.token(0, &["feed.read", "feed.write"]).await;
    let r = env
        .post(
            "/v1/me/activities",
            &t,
            json!({
                "type": "Share", "content": "Look", "name": "A page",
                "url": "https://example.com/page", "image": { "url": "http://example.com/i.png" },
                "ignored": true,
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let a = r.body.clone();
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["type"], "Share");
    assert_eq!(a["content"], "Look");
    assert_eq!(a["name"], "A page");
    assert_eq!(a["url"], "https://example.com/page");
    assert_eq!(a["image"], json!({ "url": "http://example.com/i.png" }));
    assert_eq!(
        a["actor"],
        json!({ "id": env.users[0].id, "displayName": env.users[0].display_name })
    );
    assert_eq!(a["generator"]["name"], "Test App");
    assert!(a["generator"]["id"].as_str().unwrap().starts_with("app_"));
    assert!(a["published"].as_str().unwrap().ends_with('Z'));
    assert!(a.get("ignored").is_none());
    assert!(
        r.header("location")
            .unwrap()
            .ends_with(&format!("/v1/me/activities/{id}"))
    );

    let got = env.get(&format!("/v1/me/activities/{id}"), &t).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, a);

    // Another user (even a friend) cannot read or delete it by id.
    let t1 = env.token(1, &["feed.read", "feed.write"]).await;
    let r = env.get(&format!("/v1/me/activities/{id}"), &t1).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "notFound"));
    let r = env.delete(&format!("/v1/me/activities/{id}"), &t1).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // But the friend sees it in the feed.
    let feed = env.get("/v1/me/feed", &t1).await;
    assert_eq!(
        ids(feed.body["value"].as_array().unwrap()),
        vec![id.clone()]
    );

    let r = env.delete(&format!("/v1/me/activities/{id}"), &t).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = env.get(&format!("/v1/me/activities/{id}"), &t).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let feed = env.get("/v1/me/feed", &t1).await;
    assert_eq!(feed.body["value"], json!([]));

    // Scopes.
    let read_only = env.token(0, &["feed.read"]).await;
    let r = env
        .post("/v1/me/activities", &read_only, json!({ "type": "Like" }))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "insufficientScope")
    );
    let write_only = env.token(0, &["feed.write"]).await;
    assert_eq!(
        env.get("/v1/me/feed", &write_only).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        env.get("/v1/me/activities", &write_only).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn activity_validation_names_the_field() {
    let env = ring(0);
    let t = env.token(0, &["feed.read", "feed.write"]).await;
    let cases = [
        (json!({}), "type"),
        (json!({ "type": "Poke" }), "type"),
        (json!({ "type": "Note" }), "content"),
        (json!({ "type": "Note", "content": "   " }), "content"),
        (
            json!({ "type": "Note", "content": "x".repeat(5001) }),
            "content",
        ),
        (json!({ "type": "Like", "name": "n".repeat(281) }), "name"),
        (json!({ "type": "Share" }), "url"),
        (
            json!({ "type": "Share", "url": "ftp://example.com/x" }),
            "url",
        ),
        (
            json!({ "type": "Share", "url": "javascript:alert(1)" }),
            "url",
        ),
        (
            json!({ "type": "Like", "image": { "url": "file:///etc/passwd" } }),
            "image/url",
        ),
        (json!({ "type": "Like", "image": {} }), "image/url"),
        (
            json!({ "type": "Like", "image": "http://example.com/i.png" }),
            "image",
        ),
    ];
    for (body, target) in cases {
        let r = env.post("/v1/me/activities", &t, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.code(), "validationFailed");
        assert_eq!(r.body["error"]["target"], target, "{body}");
    }
    let r = env
        .send(Method::POST, "/v1/me/activities", Some(&t), None)
        .await;
    assert_eq!(r.body["error"]["target"], "body");
    // Edge values are accepted.
    for body in [
        json!({ "type": "Note", "content": "é".repeat(5000) }),
        json!({ "type": "Like", "name": "n".repeat(280) }),
        json!({ "type": "Status" }),
    ] {
        let r = env.post("/v1/me/activities", &t, body.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{body}: {}", r.text);
    }
    let all = env.get("/v1/me/activities?$count=true", &t).await;
    assert_eq!(all.body["@odata.count"], 3, "refused posts store nothing");
}

#[tokio::test]
async fn feed_holds_own_and_friends_activities_newest_first() {
    let env = ring(2);
    let t0 = env.token(0, &["feed.read", "feed.write"]).await;
    // Seeded: 2 each; user 0's feed holds users 0, 1 and 3 (not 2).
    let feed = env.collect("/v1/me/feed", &t0).await;
    assert_eq!(feed.len(), 6);
    let authors: HashSet<String> = feed
        .iter()
        .map(|a| a["actor"]["id"].as_str().unwrap().to_string())
        .collect();
    let want: HashSet<String> = [0, 1, 3].iter().map(|&i| env.users[i].id.clone()).collect();
    assert_eq!(authors, want);
    let published: Vec<&str> = feed
        .iter()
        .map(|a| a["published"].as_str().unwrap())
        .collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted, "newest first");
    assert_eq!(feed[0]["generator"]["id"], "mock-seed");

    let own = env.collect("/v1/me/activities", &t0).await;
    assert_eq!(own.len(), 2);
    assert!(
        own.iter()
            .all(|a| a["actor"]["id"] == env.users[0].id.as_str())
    );

    // A new post by a friend comes first; by a stranger, never.
    let r = env
        .act_as(
            Method::POST,
            1,
            "activities",
            Some(json!({ "type": "Note", "content": "friend" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.body["generator"],
        json!({ "id": "mock-act-as", "name": "Mock control plane" })
    );
    let r2 = env
        .act_as(
            Method::POST,
            2,
            "activities",
            Some(json!({ "type": "Note", "content": "stranger" })),
        )
        .await;
    assert_eq!(r2.status, StatusCode::CREATED);
    let feed = env.get("/v1/me/feed?$top=1", &t0).await;
    assert_eq!(feed.body["value"][0]["id"], r.body["id"]);
    let all = env.collect("/v1/me/feed", &t0).await;
    assert_eq!(all.len(), 7);
    assert!(!ids(&all).contains(&r2.body["id"].as_str().unwrap().to_string()));

    // OData options.
    let r = env
        .get(
            "/v1/me/feed?$filter=contains(content,'friend')&$select=content",
            &t0,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["value"],
        json!([{ "id": r.body["value"][0]["id"], "content": "friend" }])
    );
    let r = env
        .get(
            &format!(
                "/v1/me/feed?$filter=actor/id eq '{}'&$count=true",
                env.users[3].id
            ),
            &t0,
        )
        .await;
    assert_eq!(r.body["@odata.count"], 2);
    let r = env
        .get("/v1/me/feed?$orderby=published asc&$top=1", &t0)
        .await;
    assert_eq!(r.body["value"][0]["published"], *published.last().unwrap());
    let r = env.get("/v1/me/feed?$filter=nope eq 1", &t0).await;
    assert_eq!(r.code(), "invalidFilter");
}

#[tokio::test]
async fn feed_paging_never_repeats_or_skips_while_friends_post() {
    let env = ring(5);
    let t0 = env.token(0, &["feed.read"]).await;
    let before: Vec<String> = ids(&env.collect("/v1/me/feed", &t0).await);
    assert_eq!(before.len(), 15);

    let mut seen = Vec::new();
    let mut next = Some("/v1/me/feed?$top=4".to_string());
    let mut n = 0;
    while let Some(link) = next {
        let r = env.get(&link, &t0).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        seen.extend(ids(r.body["value"].as_array().unwrap()));
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        // Between pages, friends post and delete.
        n += 1;
        let r = env
            .act_as(
                Method::POST,
                1 + 2 * (n % 2),
                "activities",
                Some(json!({ "type": "Note", "content": format!("between pages {n}") })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    assert_eq!(
        seen, before,
        "exactly the items of the first snapshot, in order"
    );
    let after = env.collect("/v1/me/feed", &t0).await;
    assert_eq!(after.len(), 15 + n);
    let uniq: HashSet<String> = ids(&after).into_iter().collect();
    assert_eq!(uniq.len(), after.len());

    // A page's skiptoken is bound to its query.
    let r = env.get("/v1/me/feed?$top=2", &t0).await;
    let link = r.body["@odata.nextLink"].as_str().unwrap();
    let token = common::query_value(link, "$skiptoken").unwrap();
    let r = env
        .get(&format!("/v1/me/feed?$top=3&$skiptoken={token}"), &t0)
        .await;
    assert_eq!(r.code(), "invalidSkipToken");
    let t1 = env.token(1, &["feed.read"]).await;
    let r = env.get(link, &t1).await;
    assert_eq!(r.code(), "invalidSkipToken", "another user's token");
}

/// Every item of a paged walk starting at `first`.
async fn walk(env: &Env, token: &str, first: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next = Some(first.to_string());
    while let Some(link) = next {
        let r = env.get(&link, token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        seen.extend(ids(r.body["value"].as_array().unwrap()));
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
    }
    seen
}

#[tokio::test]
async fn windowed_pages_equal_the_full_listing() {
    // Plain default-order pages list only the window they need; `$count=true` makes the
    // server list the whole feed. Both must give the same items in the same order.
    let env = Env::with(MockConfig {
        users: 6,
        contacts_per_user: 0,
        friends_per_user: 3,
        activities_per_user: 40,
        ..Default::default()
    });
    let t = env.token(0, &["feed.read"]).await;
    let full = walk(&env, &t, "/v1/me/feed?$top=1000&$count=true").await;
    assert!(
        full.len() >= 120,
        "own and friends' activities: {}",
        full.len()
    );
    for top in [1, 7, 50, 1000] {
        let windowed = walk(&env, &t, &format!("/v1/me/feed?$top={top}")).await;
        assert_eq!(windowed, full, "$top={top}");
    }
    let skipped = walk(&env, &t, "/v1/me/feed?$top=9&$skip=5").await;
    assert_eq!(skipped, full[5..], "$skip applies to the first page only");
    let own_full = walk(&env, &t, "/v1/me/activities?$count=true").await;
    let own = walk(&env, &t, "/v1/me/activities?$top=6").await;
    assert_eq!(own.len(), 40);
    assert_eq!(own, own_full);
}

#[tokio::test]
async fn activity_posts_honour_idempotency_keys() {
    let env = ring(0);
    let t = env.token(0, &["feed.read", "feed.write"]).await;
    let send = |body: Value| {
        env.http
            .post(env.url("/v1/me/activities"))
            .bearer_auth(&t)
            .header("Idempotency-Key", "post-1")
            .json(&body)
            .send()
    };
    let body = json!({ "type": "Note", "content": "once" });
    let first = common::read(send(body.clone()).await.unwrap()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = common::read(send(body).await.unwrap()).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], first.body["id"]);
    let other = common::read(
        send(json!({ "type": "Note", "content": "twice" }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let all = env.get("/v1/me/activities?$count=true", &t).await;
    assert_eq!(all.body["@odata.count"], 1);
}
