//! The authorization-code and refresh-token grants at the token endpoint: PKCE, code
//! binding, single use, expiry, rotation and reuse detection (DESIGN §2.1).
mod common;

use common::browser::{AuthorizeParams, code_tokens, exchange, quick_code, refresh, s};
use common::{App, Env, Reply, pkce};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn assert_oauth_error(r: &Reply, status: StatusCode, error: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["error"], error, "{}", r.text);
}

async fn me_status(env: &Env, token: &str) -> StatusCode {
    env.get("/v1/me", token).await.status
}

#[tokio::test]
async fn wrong_or_missing_pkce_verifier_is_refused() {
    let env = Env::start();
    let app = env.app(true).await;
    let (verifier, challenge) = pkce();
    let params = AuthorizeParams {
        scope: "profile",
        code_challenge: Some(&challenge),
        ..Default::default()
    };
    let code = quick_code(&env, &app, 0, &params).await;

    let wrong = "A".repeat(43);
    assert_oauth_error(
        &exchange(&env, &app, &code, Some(&wrong)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_oauth_error(
        &exchange(&env, &app, &code, Some("short")).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    let missing = exchange(&env, &app, &code, None).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.text);
    assert!(
        ["invalid_request", "invalid_grant"].contains(&missing.code()),
        "{}",
        missing.text
    );

    // The right verifier still redeems it.
    let ok = exchange(&env, &app, &code, Some(&verifier)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
}

#[tokio::test]
async fn replaying_a_code_fails_and_revokes_what_it_issued() {
    let env = Env::start();
    let app = env.app(false).await;
    let (verifier, challenge) = pkce();
    let params = AuthorizeParams {
        scope: "profile offline_access",
        code_challenge: Some(&challenge),
        ..Default::default()
    };
    let code = quick_code(&env, &app, 0, &params).await;
    let first = exchange(&env, &app, &code, Some(&verifier)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let access = s(&first.body, "access_token");
    let refresh_token = s(&first.body, "refresh_token");
    assert_eq!(me_status(&env, &access).await, StatusCode::OK);

    let replay = exchange(&env, &app, &code, Some(&verifier)).await;
    assert_oauth_error(&replay, StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(replay.body.get("access_token").is_none());

    let me = env.get("/v1/me", &access).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.text);
    assert_eq!(me.code(), "invalidToken");
    assert_oauth_error(
        &refresh(&env, &app, &refresh_token, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn a_code_expires_after_sixty_seconds() {
    let env = Env::start();
    let app = env.app(false).await;
    let params = AuthorizeParams {
        scope: "profile",
        ..Default::default()
    };
    let fresh = quick_code(&env, &app, 0, &params).await;
    env.advance(30).await;
    assert_eq!(
        exchange(&env, &app, &fresh, None).await.status,
        StatusCode::OK
    );

    let stale = quick_code(&env, &app, 0, &params).await;
    env.advance(61).await;
    assert_oauth_error(
        &exchange(&env, &app, &stale, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn a_code_is_bound_to_its_client() {
    let env = Env::start();
    let app = env.app(false).await;
    let thief = env.app(false).await;
    let params = AuthorizeParams {
        scope: "profile",
        ..Default::default()
    };
    let code = quick_code(&env, &app, 0, &params).await;
    // The thief's redirect URI is the same string, so only the client binding can stop it.
    assert_eq!(thief.redirect_uri, app.redirect_uri);
    let r = exchange(&env, &thief, &code, None).await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_grant");

    // A public client presenting only the victim's client id cannot use it without the secret.
    let r = env
        .token_request(
            &App {
                secret: None,
                ..app.clone()
            },
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.redirect_uri),
            ],
        )
        .await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri() {
    let env = Env::start();
    let first = "http://127.0.0.1:9/first";
    let second = "http://127.0.0.1:9/second";
    let r = env
        .control(Method::POST, "/_mock/clients", Some(json!({
            "name": "Two URIs", "redirectUris": [first, second], "public": false, "scopes": ["profile"],
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let app = App {
        id: s(&r.body, "clientId"),
        secret: Some(s(&r.body, "clientSecret")),
        redirect_uri: first.into(),
    };
    let code = quick_code(
        &env,
        &app,
        0,
        &AuthorizeParams {
            scope: "profile",
            redirect_uri: Some(first),
            ..Default::default()
        },
    )
    .await;

    for bad in [Some(second), Some("http://127.0.0.1:9/elsewhere"), None] {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
        ];
        if let Some(b) = bad {
            form.push(("redirect_uri", b));
        }
        assert_oauth_error(
            &env.token_request(&app, &form).await,
            StatusCode::BAD_REQUEST,
            "invalid_grant",
        );
    }
    let ok = exchange(&env, &app, &code, None).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
}

#[tokio::test]
async fn unknown_code_is_invalid_grant() {
    let env = Env::start();
    let app = env.app(false).await;
    assert_oauth_error(
        &exchange(&env, &app, "ac_nope", None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn refresh_rotates_and_old_access_tokens_live_until_expiry() {
    let env = Env::start();
    let app = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "openid profile offline_access").await;
    let mut seen_refresh = vec![s(&t0, "refresh_token")];
    let mut seen_access = vec![s(&t0, "access_token")];
    for _ in 0..3 {
        let r = refresh(&env, &app, seen_refresh.last().expect("refresh"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let new_refresh = s(&r.body, "refresh_token");
        let new_access = s(&r.body, "access_token");
        assert!(
            !seen_refresh.contains(&new_refresh),
            "a new refresh token each time"
        );
        assert!(!seen_access.contains(&new_access));
        assert_eq!(r.body["token_type"], "Bearer");
        assert_eq!(r.body["expires_in"], 3600);
        seen_refresh.push(new_refresh);
        seen_access.push(new_access);
    }
    for a in &seen_access {
        assert_eq!(
            me_status(&env, a).await,
            StatusCode::OK,
            "an earlier access token keeps working"
        );
    }
    // ... until it expires.
    env.advance(3601).await;
    let me = env.get("/v1/me", &seen_access[0]).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    // The newest refresh token still works after the access tokens expired.
    let r = refresh(&env, &app, seen_refresh.last().expect("refresh"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        me_status(&env, &s(&r.body, "access_token")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn reusing_a_retired_refresh_token_revokes_the_whole_family() {
    let env = Env::start();
    let app = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "profile offline_access").await;
    let r0 = s(&t0, "refresh_token");
    let t1 = refresh(&env, &app, &r0, None).await;
    assert_eq!(t1.status, StatusCode::OK, "{}", t1.text);
    let t2 = refresh(&env, &app, &s(&t1.body, "refresh_token"), None).await;
    assert_eq!(t2.status, StatusCode::OK, "{}", t2.text);
    let newest_access = s(&t2.body, "access_token");
    let newest_refresh = s(&t2.body, "refresh_token");
    assert_eq!(me_status(&env, &newest_access).await, StatusCode::OK);

    // Another grant of the same user and app is not part of the family.
    let unrelated = code_tokens(&env, &app, 0, "profile offline_access").await;

    let reuse = refresh(&env, &app, &r0, None).await;
    assert_oauth_error(&reuse, StatusCode::BAD_REQUEST, "invalid_grant");

    for a in [
        s(&t0, "access_token"),
        s(&t1.body, "access_token"),
        newest_access,
    ] {
        assert_eq!(
            me_status(&env, &a).await,
            StatusCode::UNAUTHORIZED,
            "every access token of the family is revoked"
        );
    }
    assert_oauth_error(
        &refresh(&env, &app, &newest_refresh, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        me_status(&env, &s(&unrelated, "access_token")).await,
        StatusCode::OK
    );
    let r = refresh(&env, &app, &s(&unrelated, "refresh_token"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn refresh_may_narrow_the_scope_but_not_widen_it() {
    let env = Env::start();
    let app = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "openid profile email offline_access").await;

    let wider = refresh(
        &env,
        &app,
        &s(&t0, "refresh_token"),
        Some("profile offline_access chat"),
    )
    .await;
    assert_oauth_error(&wider, StatusCode::BAD_REQUEST, "invalid_scope");
    assert_eq!(wider.header("cache-control"), Some("no-store"));

    // The refused request did not use the token up.
    let narrow = refresh(
        &env,
        &app,
        &s(&t0, "refresh_token"),
        Some("profile offline_access"),
    )
    .await;
    assert_eq!(narrow.status, StatusCode::OK, "{}", narrow.text);
    let mut scope: Vec<&str> = narrow.body["scope"]
        .as_str()
        .expect("scope")
        .split(' ')
        .collect();
    scope.sort_unstable();
    assert_eq!(scope, ["offline_access", "profile"]);
    assert!(
        narrow.body.get("id_token").is_none(),
        "no openid, no id_token"
    );
    let access = s(&narrow.body, "access_token");
    let me = env.get("/v1/me", &access).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert!(
        me.body.get("emails").is_none(),
        "the narrowed token has no email scope"
    );
    assert_eq!(
        env.get("/oauth/userinfo", &access).await.status,
        StatusCode::FORBIDDEN
    );

    // The narrowed refresh token cannot widen back.
    let back = refresh(
        &env,
        &app,
        &s(&narrow.body, "refresh_token"),
        Some("profile email offline_access"),
    )
    .await;
    assert_oauth_error(&back, StatusCode::BAD_REQUEST, "invalid_scope");
}

#[tokio::test]
async fn refresh_token_only_with_offline_access() {
    let env = Env::start();
    let app = env.app(false).await;
    let without = code_tokens(&env, &app, 0, "openid profile").await;
    assert!(without.get("refresh_token").is_none(), "{without}");
    assert!(without.get("refresh_token_expires_in").is_none());
    let with = code_tokens(&env, &app, 0, "openid profile offline_access").await;
    assert!(with["refresh_token"].is_string(), "{with}");
    assert_eq!(with["refresh_token_expires_in"], 90 * 24 * 3600);
}

#[tokio::test]
async fn a_refresh_token_is_bound_to_its_client() {
    let env = Env::start();
    let app = env.app(false).await;
    let other = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "profile offline_access").await;
    let r = refresh(&env, &other, &s(&t0, "refresh_token"), None).await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_grant");
    let r = refresh(&env, &app, &s(&t0, "refresh_token"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_oauth_error(
        &refresh(&env, &app, "rt_unknown", None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn refresh_tokens_expire_after_ninety_days() {
    let env = Env::start();
    let app = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "profile offline_access").await;
    env.advance(90 * 24 * 3600 + 1).await;
    assert_oauth_error(
        &refresh(&env, &app, &s(&t0, "refresh_token"), None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn a_verifier_without_a_challenge_is_refused() {
    // PKCE downgrade (RFC 9700 §2.1.1): the code was issued without a challenge.
    let env = Env::start();
    let app = env.app(false).await;
    let code = quick_code(
        &env,
        &app,
        0,
        &AuthorizeParams {
            scope: "profile",
            ..Default::default()
        },
    )
    .await;
    let (verifier, _) = pkce();
    assert_oauth_error(
        &exchange(&env, &app, &code, Some(&verifier)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn a_code_issued_before_the_user_disconnected_the_app_is_refused() {
    let env = Env::start();
    let app = env.app(false).await;
    let t = env.token_response(0, &app, &["profile", "email"]).await;
    let params = AuthorizeParams {
        scope: "profile",
        ..Default::default()
    };
    let before_disconnect = quick_code(&env, &app, 0, &params).await;
    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions",
            Some(&s(&t, "access_token")),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    assert_oauth_error(
        &exchange(&env, &app, &before_disconnect, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );

    // Same when a scope of the code was dropped in between.
    let t = env.token_response(0, &app, &["profile", "email"]).await;
    let with_email = quick_code(
        &env,
        &app,
        0,
        &AuthorizeParams {
            scope: "profile email",
            ..Default::default()
        },
    )
    .await;
    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/email",
            Some(&s(&t, "access_token")),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    assert_oauth_error(
        &exchange(&env, &app, &with_email, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn withdrawing_offline_access_stops_refresh() {
    let env = Env::start();
    let app = env.app(false).await;
    let t = env
        .token_response(0, &app, &["profile", "offline_access"])
        .await;
    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/offline_access",
            Some(&s(&t, "access_token")),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    assert_eq!(
        me_status(&env, &s(&t, "access_token")).await,
        StatusCode::OK,
        "the access token itself still works"
    );
    assert_oauth_error(
        &refresh(&env, &app, &s(&t, "refresh_token"), None).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn a_reuse_grace_period_answers_a_retired_token_with_the_tokens_it_already_issued() {
    let env = Env::start();
    let app = env.app(false).await;
    let off = env.control(Method::GET, "/_mock/settings", None).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(off.body, json!({"refreshTokenReuseGraceSeconds": 0}));
    let on = env
        .control(
            Method::PUT,
            "/_mock/settings",
            Some(json!({"refreshTokenReuseGraceSeconds": 30})),
        )
        .await;
    assert_eq!(on.body, json!({"refreshTokenReuseGraceSeconds": 30}));

    let t0 = code_tokens(&env, &app, 0, "profile offline_access").await;
    let r0 = s(&t0, "refresh_token");
    let t1 = refresh(&env, &app, &r0, None).await;
    assert_eq!(t1.status, StatusCode::OK, "{}", t1.text);
    // Within the grace period the retired token gets the very same answer, and the
    // grant stands: nothing is revoked.
    env.advance(10).await;
    let again = refresh(&env, &app, &r0, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body, t1.body);
    assert_eq!(
        me_status(&env, &s(&t1.body, "access_token")).await,
        StatusCode::OK
    );
    let t2 = refresh(&env, &app, &s(&t1.body, "refresh_token"), None).await;
    assert_eq!(t2.status, StatusCode::OK, "{}", t2.text);

    // After it, reuse is reuse: the family is revoked.
    env.advance(31).await;
    let late = refresh(&env, &app, &r0, None).await;
    assert_oauth_error(&late, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(
        me_status(&env, &s(&t2.body, "access_token")).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_reuse_grace_period_is_off_by_default_checked_and_reset() {
    let env = Env::start();
    for bad in [
        json!({"refreshTokenReuseGraceSeconds": -1}),
        json!({"refreshTokenReuseGraceSeconds": 86401}),
        json!({"refreshTokenReuseGraceSeconds": "10"}),
    ] {
        let r = env.control(Method::PUT, "/_mock/settings", Some(bad)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body["error"]["target"], "refreshTokenReuseGraceSeconds");
    }
    let kept = env
        .control(Method::PUT, "/_mock/settings", Some(json!({})))
        .await;
    assert_eq!(kept.body["refreshTokenReuseGraceSeconds"], 0);
    env.control(
        Method::PUT,
        "/_mock/settings",
        Some(json!({"refreshTokenReuseGraceSeconds": 5})),
    )
    .await;
    let reset = env
        .control(Method::POST, "/_mock/reset", Some(json!({})))
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let after = env.control(Method::GET, "/_mock/settings", None).await;
    assert_eq!(after.body["refreshTokenReuseGraceSeconds"], 0);

    // Off: the first reuse revokes, even a second after the exchange.
    let app = env.app(false).await;
    let t0 = code_tokens(&env, &app, 0, "profile offline_access").await;
    let r0 = s(&t0, "refresh_token");
    let t1 = refresh(&env, &app, &r0, None).await;
    assert_eq!(t1.status, StatusCode::OK, "{}", t1.text);
    let reuse = refresh(&env, &app, &r0, None).await;
    assert_oauth_error(&reuse, StatusCode::BAD_REQUEST, "invalid_grant");
    assert_eq!(
        me_status(&env, &s(&t1.body, "access_token")).await,
        StatusCode::UNAUTHORIZED
    );
}
