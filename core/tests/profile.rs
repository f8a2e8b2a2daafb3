//! Profile, status, users, userinfo, permissions, token revocation and introspection.

mod common;

use common::Env;
use messenger_connect::models::{MeUpdate, NameUpdate};
use messenger_connect::{Error, TokenTypeHint};

#[tokio::test]
async fn me_status_and_users() {
    let env = Env::start();
    let (client, _) = env.client(0, &["profile", "email", "profile.write"]).await;
    let me = client.me().await.expect("me");
    assert_eq!(me.id, env.users[0].id);
    assert_eq!(me.display_name, env.users[0].display_name);
    let emails = me.emails.expect("emails with the email scope");
    assert_eq!(emails[0].value, env.users[0].email);

    let status = client.status().await.expect("status");
    assert_eq!(status.presence, me.status.presence);

    let other = client.user(&env.users[1].id).await.expect("user");
    assert_eq!(other.display_name, env.users[1].display_name);

    let missing = client.user("u-does-not-exist").await.expect_err("404");
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some("notFound"));
    assert!(missing.request_id().is_some());
}

#[tokio::test]
async fn update_me_and_validation_failure() {
    let env = Env::start();
    let (client, _) = env.client(0, &["profile", "profile.write"]).await;
    let update = MeUpdate {
        display_name: Some("Renamed User".into()),
        name: Some(NameUpdate {
            given_name: Some("Renamed".into()),
            family_name: None,
        }),
        photo: Some(Some("https://example.com/p.png".into())),
        locale: Some("fr-FR".into()),
    };
    let me = client.update_me(&update).await.expect("update");
    assert_eq!(me.display_name, "Renamed User");
    assert_eq!(me.name.given_name, "Renamed");
    assert_eq!(me.photo.as_deref(), Some("https://example.com/p.png"));
    assert_eq!(me.locale, "fr-FR");

    let cleared = client
        .update_me(&MeUpdate {
            photo: Some(None),
            ..MeUpdate::default()
        })
        .await
        .expect("clear photo");
    assert_eq!(cleared.photo, None);

    let bad = client
        .update_me(&MeUpdate {
            photo: Some(Some("ftp://nope".into())),
            ..MeUpdate::default()
        })
        .await
        .expect_err("bad photo URL");
    let api = bad.api().expect("api error");
    assert_eq!((api.status, api.code.as_str()), (400, "validationFailed"));
    assert_eq!(api.target.as_deref(), Some("photo"));
}

#[tokio::test]
async fn missing_scope_is_403_and_no_token_is_401() {
    let env = Env::start();
    let (client, app) = env.client(0, &["profile"]).await;
    let err = client
        .update_me(&MeUpdate::default())
        .await
        .expect_err("403");
    assert_eq!(err.code(), Some("insufficientScope"));
    let anonymous = env.builder(&app).build().expect("client");
    let err = anonymous.me().await.expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("invalidToken"));
}

#[tokio::test]
async fn userinfo_needs_openid() {
    let env = Env::start();
    let (client, _) = env.client(0, &["openid", "profile", "email"]).await;
    let info = client.userinfo().await.expect("userinfo");
    assert_eq!(info.sub, env.users[0].id);
    assert_eq!(info.email.as_deref(), Some(env.users[0].email.as_str()));
    let (plain, _) = env.client(0, &["profile"]).await;
    assert_eq!(plain.userinfo().await.expect_err("403").status(), Some(403));
}

#[tokio::test]
async fn permissions_drop_scope_and_revoke() {
    let env = Env::start();
    let (client, app) = env.client(0, &["profile", "contacts.read"]).await;
    let p = client.permissions().await.expect("permissions");
    assert_eq!(p.client_id, app.id);
    assert_eq!(p.client_name, "Client Test");
    assert!(p.scopes.contains(&"contacts.read".to_string()));

    client
        .drop_scope("contacts.read")
        .await
        .expect("drop scope");
    let p = client.permissions().await.expect("permissions");
    assert!(!p.scopes.contains(&"contacts.read".to_string()));
    let err = client.drop_scope("contacts.read").await.expect_err("gone");
    assert_eq!(err.status(), Some(404));

    client.revoke_permissions().await.expect("revoke");
    let err = client.me().await.expect_err("revoked");
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn introspect_and_revoke_tokens() {
    let env = Env::start();
    let (client, app) = env.client(0, &["profile", "offline_access"]).await;
    let tokens = client.tokens().expect("tokens");
    let info = client
        .introspect_token(
            tokens.access_token.expose(),
            Some(TokenTypeHint::AccessToken),
        )
        .await
        .expect("introspect");
    assert!(info.active);
    assert_eq!(info.client_id.as_deref(), Some(app.id.as_str()));
    assert_eq!(info.sub.as_deref(), Some(env.users[0].id.as_str()));

    let refresh = tokens.refresh_token.clone().expect("refresh token");
    client
        .revoke_token(refresh.expose(), Some(TokenTypeHint::RefreshToken))
        .await
        .expect("revoke");
    let info = client
        .introspect_token(tokens.access_token.expose(), None)
        .await
        .expect("introspect");
    assert!(!info.active, "revoking the refresh token revokes the grant");

    // A wrong client secret is an OAuth error from the endpoint.
    let wrong = env
        .builder(&common::App {
            id: app.id.clone(),
            secret: Some("cs_wrong".into()),
        })
        .build()
        .expect("client");
    match wrong.introspect_token("x", None).await {
        Err(Error::OAuth { status, error, .. }) => {
            assert_eq!(status, Some(401));
            assert_eq!(error, "invalid_client");
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
}
