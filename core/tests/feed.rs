//! The feed and activities against the mock.

mod common;

use common::Env;
use futures_util::TryStreamExt;
use messenger_connect::models::{ActivityImage, ActivityType, NewActivity};
use messenger_connect::{Error, Query};
use messenger_connect_mock::MockConfig;
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use serde_json::json;

const SCOPES: &[&str] = &["profile", "feed.read", "feed.write"];

#[tokio::test]
async fn activities_create_get_list_delete() {
    let env = Env::with(MockConfig {
        friends_per_user: 2,
        activities_per_user: 3,
        ..MockConfig::default()
    });
    let (client, app) = env.client(0, SCOPES).await;
    let mut share = NewActivity::share("https://example.com/post");
    share.name = Some("A post".into());
    share.image = Some(ActivityImage::new("https://example.com/a.png"));
    let created = client.create_activity(&share).await.expect("create");
    assert_eq!(created.kind, ActivityType::Share);
    assert_eq!(created.actor.id, env.users[0].id);
    assert_eq!(
        created.generator.as_ref().map(|g| g.id.as_str()),
        Some(app.id.as_str())
    );
    assert_eq!(
        client.get_activity(&created.id).await.expect("get"),
        created
    );

    let own: Vec<_> = client
        .activities(&Query::new().top(2))
        .expect("stream")
        .try_collect()
        .await
        .expect("own");
    assert_eq!(own.len(), 4);
    assert!(own.iter().all(|a| a.actor.id == env.users[0].id));
    assert_eq!(
        client
            .list_activities(&Query::new())
            .await
            .expect("page")
            .items
            .len(),
        4
    );

    let body = env
        .act_as(
            1,
            "POST",
            "activities",
            Some(json!({"type": "Note", "content": "from a friend"})),
        )
        .await;
    let feed: Vec<_> = client
        .feed(&Query::new().top(5))
        .expect("feed")
        .try_collect()
        .await
        .expect("feed items");
    assert_eq!(
        feed.len(),
        4 + 2 * 3 + 1,
        "own, two friends' and the new note"
    );
    assert_eq!(feed[0].id, body["id"].as_str().unwrap(), "newest first");
    assert!(feed.windows(2).all(|w| w[0].published >= w[1].published));
    let page = client.list_feed(&Query::new().top(3)).await.expect("page");
    assert_eq!(page.items, feed[..3]);

    client.delete_activity(&created.id).await.expect("delete");
    let err = client.get_activity(&created.id).await.expect_err("gone");
    assert_eq!(err.status(), Some(404));
    let err = client.delete_activity(&created.id).await.expect_err("gone");
    assert_eq!(err.status(), Some(404));
    let friend_activity = body["id"].as_str().unwrap();
    let err = client
        .get_activity(friend_activity)
        .await
        .expect_err("not mine");
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn activity_failures() {
    let env = Env::start();
    let (client, _) = env.client(0, SCOPES).await;
    for bad in [
        NewActivity::note(""),
        NewActivity::note("x".repeat(5001)),
        NewActivity::share("ftp://example.com/x"),
        NewActivity {
            kind: ActivityType::Share,
            ..NewActivity::default()
        },
        NewActivity {
            kind: ActivityType::Unknown("Poke".into()),
            content: Some("x".into()),
            ..NewActivity::default()
        },
        NewActivity {
            image: Some(ActivityImage::new("javascript:alert(1)")),
            ..NewActivity::note("x")
        },
    ] {
        assert!(
            matches!(
                client.create_activity(&bad).await,
                Err(Error::InvalidArgument { .. })
            ),
            "{bad:?}"
        );
    }
    let (read_only, _) = env.client(0, &["feed.read"]).await;
    let err = read_only
        .create_activity(&NewActivity::note("hi"))
        .await
        .expect_err("scope");
    assert_eq!(err.status(), Some(403));
    let (no_feed, _) = env.client(0, &["profile"]).await;
    let err = no_feed.list_feed(&Query::new()).await.expect_err("scope");
    assert_eq!(err.status(), Some(403));
    let note = client
        .create_activity(&NewActivity::note("hello"))
        .await
        .expect("note");
    assert_eq!(note.content.as_deref(), Some("hello"));
}

#[tokio::test]
async fn my_own_idempotency_key_posts_an_item_once_across_runs() {
    let env = Env::start();
    let (client, app) = env.client(0, SCOPES).await;
    let item = NewActivity::note("posted by a job that may crash");
    // The first run's response is lost after the server committed the post...
    env.fault(
        FaultSpec::new(FaultKind::DropAfterCommit)
            .on_method("POST")
            .on_path("/v1/me/activities")
            .times(1),
    )
    .await;
    let first = client
        .create_activity_with_key(&item, "job-42:item-7")
        .await
        .expect("posted (the retry replays the committed post)");
    // ...and a second run (a new client of the same app: keys are scoped to the app and
    // the user) posts the same item with the same key.
    let tokens = env.mint(0, &app, SCOPES, None).await;
    let rerun = env.builder(&app).tokens(tokens).build().expect("client");
    let again = rerun
        .create_activity_with_key(&item, "job-42:item-7")
        .await
        .expect("replayed");
    assert_eq!(again.id, first.id, "the same activity, not a second one");
    let mine = client.list_activities(&Query::new()).await.expect("list");
    let posted = mine
        .items
        .iter()
        .filter(|a| a.content.as_deref() == Some("posted by a job that may crash"))
        .count();
    assert_eq!(posted, 1);
    let keys: Vec<_> = env
        .journal("/v1/me/activities")
        .await
        .iter()
        .filter_map(|r| r.idempotency_key.clone())
        .collect();
    assert_eq!(keys, ["job-42:item-7"; 3], "every attempt carried my key");

    // Another body under the same key is refused by the server; bad keys never leave.
    let err = client
        .create_activity_with_key(&NewActivity::note("something else"), "job-42:item-7")
        .await
        .expect_err("reused key");
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.code(), Some("idempotencyKeyReused"));
    for bad in ["", "has space", "é", &"k".repeat(256)] {
        assert!(matches!(
            client.create_activity_with_key(&item, bad).await,
            Err(Error::InvalidArgument { .. })
        ));
    }
}
