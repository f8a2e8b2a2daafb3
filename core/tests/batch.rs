//! `POST /v1/$batch` against the mock: dependencies, 424, and checks before sending.

mod common;

use common::{CONTACT_SCOPES, Env};
use messenger_connect::models::{BatchItem, Contact};
use messenger_connect::{Error, MAX_BATCH_ITEMS};
use serde_json::json;

#[tokio::test]
async fn dependencies_run_in_order_and_failures_are_424() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let responses = client
        .batch(vec![
            BatchItem::new("create", "POST", "/me/contacts")
                .with_body(json!({"displayName": "Batch Person"})),
            BatchItem::new("list", "get", "/me/contacts?$top=5").depends_on(["create"]),
            BatchItem::new("missing", "GET", "/me/contacts/nope"),
            BatchItem::new("after-missing", "DELETE", "/me/contacts/nope2").depends_on(["missing"]),
        ])
        .await
        .expect("batch");
    let ids: Vec<_> = responses.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["create", "list", "missing", "after-missing"]);
    assert_eq!(responses[0].status, 201);
    assert!(responses[0].is_success());
    let created: Contact = responses[0].json().expect("contact");
    assert_eq!(created.display_name, "Batch Person");
    assert_eq!(responses[1].status, 200);
    assert_eq!(responses[2].status, 404);
    assert_eq!(responses[2].error_code(), Some("notFound"));
    assert_eq!(responses[3].status, 424);
    assert_eq!(responses[3].error_code(), Some("failedDependency"));
    assert!(responses[0].headers.contains_key("request-id"));
    assert_eq!(
        client.get_contact(&created.id).await.expect("created").id,
        created.id
    );
}

#[tokio::test]
async fn bad_batches_are_refused_before_sending() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    env.clear_journal().await;
    let get = |id: &str| BatchItem::new(id, "GET", "/me");
    let too_many: Vec<_> = (0..=MAX_BATCH_ITEMS)
        .map(|i| get(&format!("r{i}")))
        .collect();
    for bad in [
        vec![],
        too_many,
        vec![get("a"), get("a")],
        vec![get("a").depends_on(["b"]), get("b")],
        vec![get("a").depends_on(["a"])],
        vec![BatchItem::new("a", "TRACE", "/me")],
        vec![BatchItem::new("a", "GET", "https://evil.example/v1/me")],
        vec![BatchItem::new("", "GET", "/me")],
    ] {
        assert!(
            matches!(
                client.batch(bad.clone()).await,
                Err(Error::InvalidArgument { .. })
            ),
            "{bad:?}"
        );
    }
    assert!(env.journal("/v1").await.is_empty(), "nothing was sent");
    let (no_token, _) = env.client(0, &["profile"]).await;
    no_token.clear_tokens();
    let err = no_token.batch(vec![get("a")]).await.expect_err("401");
    assert_eq!(err.status(), Some(401));
}
