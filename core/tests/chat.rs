//! Conversations and messages against the mock: create-or-get, listing, idempotent sends.

mod common;

use common::Env;
use futures_util::TryStreamExt;
use messenger_connect::models::NewMessage;
use messenger_connect::{Error, Query};
use messenger_connect_mock::MockConfig;
use messenger_connect_mock::control::{FaultKind, FaultSpec, NewUser};

fn env() -> Env {
    Env::with(MockConfig {
        friends_per_user: 2,
        ..MockConfig::default()
    })
}

const SCOPES: &[&str] = &["profile", "chat"];

#[tokio::test]
async fn one_to_one_conversations_are_unique() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let friend = &env.users[1].id;
    let first = client.conversation_with(friend).await.expect("create");
    assert_eq!(first.members.len(), 2);
    assert!(first.members.iter().any(|m| &m.id == friend));
    assert!(first.created.is_some());
    let again = client.conversation_with(friend).await.expect("get again");
    assert_eq!(again.id, first.id);
    let page = client
        .list_conversations(&Query::new())
        .await
        .expect("list");
    assert!(page.items.iter().any(|c| c.id == first.id));
    let all: Vec<_> = client
        .conversations(&Query::new().top(1))
        .expect("stream")
        .try_collect()
        .await
        .expect("all");
    assert_eq!(all.len(), page.items.len());
}

#[tokio::test]
async fn conversation_failures() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let stranger = env
        .control
        .create_user(&NewUser {
            display_name: "Stranger".into(),
            email: "stranger@example.com".into(),
            password: "pw-123456".into(),
        })
        .expect("user added");
    let err = client
        .conversation_with(&stranger.id)
        .await
        .expect_err("not a friend");
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.code(), Some("notFriends"));
    let err = client
        .conversation_with("nobody")
        .await
        .expect_err("unknown");
    assert_eq!(err.status(), Some(404));
    assert!(matches!(
        client.create_conversation(&[]).await,
        Err(Error::InvalidArgument { .. })
    ));
    let (no_chat, _) = env.client(0, &["profile"]).await;
    let err = no_chat
        .list_conversations(&Query::new())
        .await
        .expect_err("scope");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn messages_are_listed_oldest_first() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let conv = client
        .conversation_with(&env.users[1].id)
        .await
        .expect("conversation");
    let mut sent = Vec::new();
    for i in 0..5 {
        let m = client
            .send_text(&conv.id, &format!("hello {i}"))
            .await
            .expect("send");
        assert_eq!(m.conversation_id, conv.id);
        assert_eq!(m.sender.id, env.users[0].id);
        assert!(
            m.client_message_id
                .as_deref()
                .is_some_and(|id| id.len() == 36),
            "a clientMessageId is generated"
        );
        sent.push(m);
    }
    let listed: Vec<_> = client
        .messages(&conv.id, &Query::new().top(2))
        .expect("stream")
        .try_collect()
        .await
        .expect("messages");
    assert_eq!(listed, sent);
    let page = client
        .list_messages(&conv.id, &Query::new().top(3))
        .await
        .expect("page");
    assert_eq!(page.items, sent[..3]);
    assert!(page.next_link.is_some());
    let convs = client
        .list_conversations(&Query::new())
        .await
        .expect("list");
    let c = convs.items.iter().find(|c| c.id == conv.id).expect("conv");
    assert_eq!(c.last_message.as_ref(), sent.last());
}

#[tokio::test]
async fn a_client_message_id_makes_a_send_idempotent() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let conv = client
        .conversation_with(&env.users[1].id)
        .await
        .expect("conversation");
    let message = NewMessage::new("once").with_client_message_id("cm-1");
    let a = client.send_message(&conv.id, &message).await.expect("send");
    let b = client
        .send_message(&conv.id, &message)
        .await
        .expect("replay is a success");
    assert_eq!(a, b);
    assert_eq!(a.client_message_id.as_deref(), Some("cm-1"));
    let page = client
        .list_messages(&conv.id, &Query::new())
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn a_send_retried_after_its_answer_was_lost_posts_once() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let conv = client
        .conversation_with(&env.users[1].id)
        .await
        .expect("conversation");
    let path = format!("/v1/me/conversations/{}/messages", conv.id);
    env.fault(
        FaultSpec::new(FaultKind::DropAfterCommit)
            .on_method("POST")
            .on_path(&path)
            .times(1),
    )
    .await;
    env.clear_journal().await;
    let m = client
        .send_text(&conv.id, "exactly once")
        .await
        .expect("send");
    let posts: Vec<_> = env
        .journal(&path)
        .await
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "the send was retried: {posts:#?}");
    let page = client
        .list_messages(&conv.id, &Query::new())
        .await
        .expect("list");
    assert_eq!(page.items, vec![m]);
}

#[tokio::test]
async fn send_failures() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    for (text, cm) in [
        ("", None),
        ("   ", None),
        (&*"x".repeat(4001), None),
        ("ok", Some("")),
    ] {
        let mut m = NewMessage::new(text);
        m.client_message_id = cm.map(str::to_string);
        assert!(matches!(
            client.send_message("conv", &m).await,
            Err(Error::InvalidArgument { .. })
        ));
    }
    env.clear_journal().await;
    assert!(env.journal("/v1").await.is_empty(), "nothing was sent");
    let err = client.send_text("conv_nope", "hi").await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    let err = client
        .list_messages("conv_nope", &Query::new())
        .await
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
}
