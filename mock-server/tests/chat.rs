//! Conversations and messages, over real HTTP.
mod common;

use common::Env;
use messenger_connect_mock::MockConfig;
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Four users in a ring of friendships: 0-1, 1-2, 2-3, 3-0.
fn ring() -> Env {
    Env::with(MockConfig {
        users: 4,
        contacts_per_user: 0,
        friends_per_user: 1,
        ..Default::default()
    })
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Starts the 0-1 conversation; returns its id.
async fn conversation(env: &Env, t0: &str) -> String {
    let r = env
        .post(
            "/v1/me/conversations",
            t0,
            json!({ "members": [env.users[1].id] }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn conversations_with_friends_only_and_one_to_one_is_unique() {
    let env = ring();
    let t0 = env.token(0, &["chat"]).await;
    let r = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": [env.users[1].id] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.body["members"],
        json!([
            { "id": env.users[0].id, "displayName": env.users[0].display_name },
            { "id": env.users[1].id, "displayName": env.users[1].display_name },
        ])
    );
    assert!(r.body["created"].as_str().unwrap().ends_with('Z'));
    assert!(r.body.get("lastMessage").is_none());

    // Asking again (also with myself listed, or from the other side) returns the same one.
    let again = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": [env.users[1].id, env.users[0].id] }),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["id"], id.as_str());
    let t1 = env.token(1, &["chat"]).await;
    let theirs = env
        .post(
            "/v1/me/conversations",
            &t1,
            json!({ "members": [env.users[0].id] }),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(theirs.body["id"], id.as_str());

    // Refusals: not a friend, unknown user, nobody else, bad shapes, scope.
    let r = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": [env.users[1].id, env.users[2].id] }),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "notFriends"));
    assert_eq!(r.body["error"]["target"], "members/1");
    let r = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": ["u-nobody"] }),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "notFound"));
    assert_eq!(r.body["error"]["target"], "members/0");
    for (body, target) in [
        (json!({}), "members"),
        (json!({ "members": [] }), "members"),
        (json!({ "members": [env.users[0].id] }), "members"),
        (json!({ "members": "u1" }), "members"),
        (json!({ "members": [7] }), "members/0"),
    ] {
        let r = env.post("/v1/me/conversations", &t0, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.body["error"]["target"], target, "{body}");
    }
    let no_chat = env.token(0, &["profile"]).await;
    let r = env
        .post(
            "/v1/me/conversations",
            &no_chat,
            json!({ "members": [env.users[1].id] }),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "insufficientScope")
    );
    assert_eq!(
        env.get("/v1/me/conversations", &no_chat).await.status,
        StatusCode::FORBIDDEN
    );

    // A group conversation with two friends is new every time.
    let group = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": [env.users[1].id, env.users[3].id] }),
        )
        .await;
    assert_eq!(group.status, StatusCode::CREATED);
    assert_eq!(group.body["members"].as_array().unwrap().len(), 3);

    // Listing: most recent activity first; only mine.
    let list = env.get("/v1/me/conversations", &t0).await;
    assert_eq!(
        ids(list.body["value"].as_array().unwrap()),
        vec![group.body["id"].as_str().unwrap().to_string(), id.clone()]
    );
    let r = env
        .post(
            &format!("/v1/me/conversations/{id}/messages"),
            &t1,
            json!({ "text": "bump" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let list = env.get("/v1/me/conversations?$count=true", &t0).await;
    assert_eq!(list.body["@odata.count"], 2);
    assert_eq!(list.body["value"][0]["id"], id.as_str());
    assert_eq!(list.body["value"][0]["lastMessage"]["text"], "bump");
    let t2 = env.token(2, &["chat"]).await;
    let r = env.get("/v1/me/conversations", &t2).await;
    assert_eq!(r.body["value"], json!([]));
}

#[tokio::test]
async fn send_and_list_messages() {
    let env = ring();
    let t0 = env.token(0, &["chat"]).await;
    let t1 = env.token(1, &["chat"]).await;
    let id = conversation(&env, &t0).await;
    let path = format!("/v1/me/conversations/{id}/messages");

    let r = env
        .post(
            &path,
            &t0,
            json!({ "text": "Hello", "clientMessageId": "c-1" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let m = r.body.clone();
    assert_eq!(m["conversationId"], id.as_str());
    assert_eq!(
        m["sender"],
        json!({ "id": env.users[0].id, "displayName": env.users[0].display_name })
    );
    assert_eq!(m["text"], "Hello");
    assert_eq!(m["clientMessageId"], "c-1");
    assert!(m["sent"].as_str().unwrap().ends_with('Z'));
    assert!(r.header("idempotent-replayed").is_none());

    // The same clientMessageId by the same sender: the original, 200, marked replayed.
    let again = env
        .post(
            &path,
            &t0,
            json!({ "text": "Hello again?", "clientMessageId": "c-1" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body, m);
    // The same clientMessageId by another sender is another message.
    let other = env
        .post(
            &path,
            &t1,
            json!({ "text": "Hi!", "clientMessageId": "c-1" }),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.body["id"], m["id"]);
    let third = env
        .post(&path, &t0, json!({ "text": "How are you?" }))
        .await;
    assert_eq!(third.status, StatusCode::CREATED);
    assert!(third.body.get("clientMessageId").is_none());

    // Oldest first, paged, from both sides.
    let all = env.collect(&format!("{path}?$top=2"), &t1).await;
    assert_eq!(
        all.iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["Hello", "Hi!", "How are you?"]
    );
    let r = env
        .get(
            &format!(
                "{path}?$filter=sender/id eq '{}'&$count=true",
                env.users[0].id
            ),
            &t0,
        )
        .await;
    assert_eq!(r.body["@odata.count"], 2);
    let r = env
        .get(&format!("{path}?$orderby=sent desc,id&$top=1"), &t0)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // lastMessage follows.
    let list = env.get("/v1/me/conversations", &t0).await;
    assert_eq!(list.body["value"][0]["lastMessage"]["text"], "How are you?");

    // Validation.
    for (body, target) in [
        (json!({}), "text"),
        (json!({ "text": "" }), "text"),
        (json!({ "text": "  " }), "text"),
        (json!({ "text": "x".repeat(4001) }), "text"),
        (
            json!({ "text": "ok", "clientMessageId": "" }),
            "clientMessageId",
        ),
        (
            json!({ "text": "ok", "clientMessageId": "c".repeat(101) }),
            "clientMessageId",
        ),
    ] {
        let r = env.post(&path, &t0, body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(r.body["error"]["target"], target, "{body}");
    }
    let r = env
        .post(&path, &t0, json!({ "text": "é".repeat(4000) }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Not a member (or no such conversation): 404 both ways.
    let t2 = env.token(2, &["chat"]).await;
    let r = env.get(&path, &t2).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "notFound"));
    let r = env.post(&path, &t2, json!({ "text": "let me in" })).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = env
        .get("/v1/me/conversations/conv-nope/messages", &t0)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let count = env.get(&format!("{path}?$count=true&$top=0"), &t0).await;
    assert_eq!(count.body["@odata.count"], 4);
}

#[tokio::test]
async fn message_send_is_idempotent_across_a_dropped_connection() {
    let env = ring();
    let t0 = env.token(0, &["chat"]).await;
    let id = conversation(&env, &t0).await;
    let path = format!("/v1/me/conversations/{id}/messages");
    env.fault(
        FaultSpec::new(FaultKind::DropAfterCommit)
            .on_method("POST")
            .on_path("/v1/me/conversations/*")
            .times(1),
    )
    .await;
    let body = json!({ "text": "Did this arrive?", "clientMessageId": "retry-me" });
    let first = env
        .http
        .post(env.url(&path))
        .bearer_auth(&t0)
        .json(&body)
        .send()
        .await;
    assert!(first.is_err(), "the connection is dropped after the commit");

    let retry = env.post(&path, &t0, body).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body["text"], "Did this arrive?");

    let all = env.collect(&path, &t0).await;
    assert_eq!(all.len(), 1, "exactly one message: {all:?}");
    assert_eq!(all[0]["id"], retry.body["id"]);
}

#[tokio::test]
async fn message_paging_sees_later_messages_without_repeats() {
    let env = ring();
    let t0 = env.token(0, &["chat"]).await;
    let id = conversation(&env, &t0).await;
    let rest = format!("conversations/{id}/messages");
    for i in 0..5 {
        let r = env
            .act_as(
                Method::POST,
                1,
                &rest,
                Some(json!({ "text": format!("m{i}") })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let mut texts = Vec::new();
    let mut next = Some(format!("/v1/me/{rest}?$top=2"));
    let mut extra = 5;
    while let Some(link) = next {
        let r = env.get(&link, &t0).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        texts.extend(
            r.body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_string()),
        );
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        if extra < 7 {
            let r = env
                .act_as(
                    Method::POST,
                    1,
                    &rest,
                    Some(json!({ "text": format!("m{extra}") })),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED);
            extra += 1;
        }
    }
    let want: Vec<String> = (0..7).map(|i| format!("m{i}")).collect();
    assert_eq!(
        texts, want,
        "later messages appear at the end, nothing repeats"
    );
}
