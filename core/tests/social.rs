//! Status changes, friends and invitations against the mock.

mod common;

use common::Env;
use futures_util::TryStreamExt;
use messenger_connect::models::{
    InvitationStatus, NewContact, NewInvitation, Presence, StatusUpdate,
};
use messenger_connect::{Error, Filter, Query};
use messenger_connect_mock::MockConfig;
use serde_json::json;

fn env() -> Env {
    Env::with(MockConfig {
        friends_per_user: 2,
        ..MockConfig::default()
    })
}

const SCOPES: &[&str] = &[
    "profile",
    "status.write",
    "friends.read",
    "friends.invite",
    "contacts.write",
    "contacts.read",
];

#[tokio::test]
async fn set_status() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let status = client
        .set_status(&StatusUpdate {
            message: Some("at lunch".into()),
            presence: Some(Presence::Away),
        })
        .await
        .expect("status");
    assert_eq!(status.message, "at lunch");
    assert_eq!(status.presence, Presence::Away);
    assert!(status.updated.is_some());
    assert_eq!(client.status().await.expect("get"), status);
    let only_presence = client
        .set_status(&StatusUpdate::presence(Presence::Busy))
        .await
        .expect("presence");
    assert_eq!(only_presence.message, "at lunch");

    assert!(matches!(
        client.set_status(&StatusUpdate::default()).await,
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        client
            .set_status(&StatusUpdate::message("x".repeat(281)))
            .await,
        Err(Error::InvalidArgument { .. })
    ));
    let (read_only, _) = env.client(0, &["profile"]).await;
    let err = read_only
        .set_status(&StatusUpdate::message("hi"))
        .await
        .expect_err("scope");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn friends_pages_and_filters() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    env.act_as(
        1,
        "PUT",
        "status",
        Some(json!({"message": "hello", "presence": "invisible"})),
    )
    .await;
    let page = client.list_friends(&Query::new()).await.expect("friends");
    assert_eq!(page.items.len(), 2);
    let friend = page
        .items
        .iter()
        .find(|f| f.id == env.users[1].id)
        .expect("user 1 is a friend");
    assert_eq!(
        friend.presence,
        Presence::Offline,
        "invisible shows offline"
    );
    assert_eq!(
        friend.status.as_ref().map(|s| s.message.as_str()),
        Some("hello")
    );
    assert!(friend.since.is_some());
    let all: Vec<_> = client
        .friends(&Query::new().top(1))
        .expect("stream")
        .try_collect()
        .await
        .expect("all");
    assert_eq!(all.len(), 2);
    let one = client
        .list_friends(&Query::new().filter(Filter::eq("id", env.users[2].id.as_str())))
        .await
        .expect("filtered");
    assert_eq!(one.items.len(), 1);
    let err = client
        .list_friends(&Query::new().filter(Filter::eq("shoeSize", 42)))
        .await
        .expect_err("unknown property");
    assert_eq!(err.status(), Some(400));
    let (no_scope, _) = env.client(0, &["profile"]).await;
    let err = no_scope
        .list_friends(&Query::new())
        .await
        .expect_err("scope");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn invitations() {
    let env = env();
    let (client, _) = env.client(0, SCOPES).await;
    let by_email = client
        .invite_email("newfriend@example.com", Some("join me"))
        .await
        .expect("invite");
    assert_eq!(by_email.status, InvitationStatus::Pending);
    assert_eq!(by_email.email, "newfriend@example.com");
    assert_eq!(by_email.message.as_deref(), Some("join me"));

    let contact = NewContact {
        display_name: "Pal".into(),
        emails: vec![messenger_connect::models::ContactEmail::new(
            "pal@example.com",
            "home",
        )],
        ..NewContact::default()
    };
    let contact = client.create_contact(&contact).await.expect("contact");
    let by_contact = client
        .invite(&NewInvitation::contact(&contact.id).with_message("hi"))
        .await
        .expect("invite contact");
    assert_eq!(by_contact.contact_id.as_deref(), Some(contact.id.as_str()));
    assert_eq!(by_contact.email, "pal@example.com");

    let listed: Vec<_> = client
        .invitations(&Query::new())
        .expect("stream")
        .try_collect()
        .await
        .expect("list");
    assert_eq!(listed.len(), 2);
    assert_eq!(
        client
            .list_invitations(&Query::new())
            .await
            .expect("page")
            .items
            .len(),
        2
    );

    client
        .cancel_invitation(&by_email.id)
        .await
        .expect("cancel");
    let page = client.list_invitations(&Query::new()).await.expect("page");
    let cancelled = page
        .items
        .iter()
        .find(|i| i.id == by_email.id)
        .expect("kept");
    assert_eq!(cancelled.status, InvitationStatus::Cancelled);

    // Accepted: a friend now; cancelling is 409, inviting again is 409 alreadyFriends.
    env.control
        .accept_invitation(&by_contact.id)
        .expect("accepted");
    let err = client
        .cancel_invitation(&by_contact.id)
        .await
        .expect_err("accepted");
    assert_eq!(err.status(), Some(409));
    let err = client
        .invite_email("pal@example.com", None)
        .await
        .expect_err("already friends");
    assert_eq!(err.code(), Some("alreadyFriends"));
    let friends = client.list_friends(&Query::new()).await.expect("friends");
    assert_eq!(friends.items.len(), 3);

    let err = client.cancel_invitation("inv_nope").await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    let err = client
        .invite_contact("c_nope", None)
        .await
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    for bad in [
        NewInvitation::default(),
        NewInvitation {
            email: Some("a@b.co".into()),
            contact_id: Some("c".into()),
            message: None,
        },
        NewInvitation::email("not-an-email"),
        NewInvitation::email("a@b.co").with_message("x".repeat(501)),
    ] {
        assert!(matches!(
            client.invite(&bad).await,
            Err(Error::InvalidArgument { .. })
        ));
    }
}
