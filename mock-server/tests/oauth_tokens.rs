//! Discovery, JWKS and id_tokens, client credentials, revocation, introspection,
//! userinfo, token expiry, the permissions API and the token endpoint's error form
//! (DESIGN §2.1, §2.2 permissions, §2.7 tokens and clock).
mod common;

use common::browser::{
    AuthorizeParams, client_post, code_tokens, exchange, quick_code, refresh, s, token_post,
};
use common::{ALL_SCOPES, App, Env, Reply, pkce};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn assert_oauth_error(r: &Reply, status: StatusCode, error: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["error"], error, "{}", r.text);
}

#[tokio::test]
async fn discovery_document() {
    let env = Env::start();
    let r = env
        .control(Method::GET, "/.well-known/openid-configuration", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = &r.body;
    assert_eq!(d["issuer"], env.base.as_str());
    for (field, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        (
            "device_authorization_endpoint",
            "/oauth/device_authorization",
        ),
        ("revocation_endpoint", "/oauth/revoke"),
        ("introspection_endpoint", "/oauth/introspect"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/oauth/jwks"),
    ] {
        assert_eq!(d[field], env.url(path).as_str(), "{field}");
    }
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        d["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert_eq!(d["response_types_supported"], json!(["code"]));
    assert_eq!(d["scopes_supported"], json!(ALL_SCOPES));
    let grants = d["grant_types_supported"].as_array().expect("grant types");
    for g in [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code",
    ] {
        assert!(grants.contains(&json!(g)), "{g}");
    }
    // The advertised JWKS URI answers.
    let jwks = env
        .control(Method::GET, d["jwks_uri"].as_str().expect("jwks_uri"), None)
        .await;
    assert_eq!(jwks.status, StatusCode::OK);
}

/// The one RS256 key of the JWKS.
async fn jwk(env: &Env) -> Value {
    let r = env.control(Method::GET, "/oauth/jwks", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let keys = r.body["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1, "{}", r.text);
    keys[0].clone()
}

fn verify(
    jwk: &Value,
    id_token: &str,
    issuer: &str,
    audience: &str,
) -> jsonwebtoken::errors::Result<Value> {
    let key = DecodingKey::from_rsa_components(
        jwk["n"].as_str().expect("n"),
        jwk["e"].as_str().expect("e"),
    )?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(id_token, &key, &validation).map(|d| d.claims)
}

#[tokio::test]
async fn id_token_verifies_against_the_jwks() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[1].clone();
    let key = jwk(&env).await;
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert!(key["kid"].is_string());

    let (verifier, challenge) = pkce();
    let params = AuthorizeParams {
        scope: "openid profile",
        code_challenge: Some(&challenge),
        nonce: Some("n-0S6_WzA2Mj"),
        ..Default::default()
    };
    let code = quick_code(&env, &app, 1, &params).await;
    let r = exchange(&env, &app, &code, Some(&verifier)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id_token = s(&r.body, "id_token");

    let header = jsonwebtoken::decode_header(&id_token).expect("header");
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let claims = verify(&key, &id_token, &env.base, &app.id).expect("the id_token verifies");
    assert_eq!(claims["iss"], env.base.as_str());
    assert_eq!(claims["aud"], app.id.as_str());
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["name"], user.display_name.as_str());
    assert!(claims["iat"].is_i64() && claims["exp"].as_i64() > claims["iat"].as_i64());
    assert!(
        claims.get("email").is_none(),
        "no email claim without the email scope: {claims}"
    );

    // Another audience or issuer, or a tampered token, does not verify.
    assert!(verify(&key, &id_token, &env.base, "someone-else").is_err());
    assert!(verify(&key, &id_token, "http://evil.example", &app.id).is_err());
    let mut parts: Vec<String> = id_token.split('.').map(str::to_string).collect();
    let forged_claims =
        json!({ "iss": env.base, "aud": app.id, "sub": env.users[0].id, "exp": claims["exp"] });
    {
        use base64::Engine;
        parts[1] =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged_claims.to_string());
    }
    assert!(verify(&key, &parts.join("."), &env.base, &app.id).is_err());
}

#[tokio::test]
async fn id_token_has_email_claims_only_with_the_email_scope() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let key = jwk(&env).await;
    let t = code_tokens(&env, &app, 0, "openid email").await;
    let claims = verify(&key, &s(&t, "id_token"), &env.base, &app.id).expect("verifies");
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["email"], user.email.as_str());
    assert_eq!(claims["email_verified"], true);
    assert!(
        claims.get("name").is_none(),
        "no profile claims without profile: {claims}"
    );
    assert!(claims.get("nonce").is_none(), "no nonce was sent");

    let plain = code_tokens(&env, &app, 0, "openid").await;
    let claims = verify(&key, &s(&plain, "id_token"), &env.base, &app.id).expect("verifies");
    assert!(claims.get("email").is_none());

    // No openid, no id_token.
    let none = code_tokens(&env, &app, 0, "profile email").await;
    assert!(none.get("id_token").is_none());
}

#[tokio::test]
async fn client_credentials_for_confidential_clients_only() {
    let env = Env::start();
    let app = env.app(false).await;
    let r = env
        .token_request(
            &app,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "profile contacts.read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body.get("refresh_token").is_none());
    assert!(r.body.get("id_token").is_none());
    let token = s(&r.body, "access_token");
    let me = env.get("/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::FORBIDDEN, "{}", me.text);
    assert_eq!(me.code(), "userRequired");
    let intro = client_post(&env, &app, "/oauth/introspect", &[("token", &token)]).await;
    assert_eq!(intro.body["active"], true);
    assert_eq!(intro.body["client_id"], app.id.as_str());
    assert!(
        intro.body.get("sub").is_none(),
        "an app-only token has no subject"
    );

    // client_secret_post works too.
    let r = token_post(
        &env,
        &app,
        &[("grant_type", "client_credentials"), ("scope", "profile")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // User-only scopes are refused.
    let r = env
        .token_request(
            &app,
            &[("grant_type", "client_credentials"), ("scope", "openid")],
        )
        .await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_scope");

    let public = env.app(true).await;
    let r = env
        .token_request(
            &public,
            &[("grant_type", "client_credentials"), ("scope", "profile")],
        )
        .await;
    assert_eq!(r.status.as_u16() / 100, 4, "{}", r.text);
    assert!(
        ["unauthorized_client", "invalid_client"].contains(&r.code()),
        "{}",
        r.text
    );
    assert!(r.body.get("access_token").is_none());
}

#[tokio::test]
async fn revoking_an_access_token() {
    let env = Env::start();
    let app = env.app(false).await;
    let t = code_tokens(&env, &app, 0, "profile offline_access").await;
    let access = s(&t, "access_token");
    assert_eq!(env.get("/v1/me", &access).await.status, StatusCode::OK);

    // Another client cannot revoke it.
    let other = env.app(false).await;
    let r = client_post(&env, &other, "/oauth/revoke", &[("token", &access)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(env.get("/v1/me", &access).await.status, StatusCode::OK);

    let r = client_post(
        &env,
        &app,
        "/oauth/revoke",
        &[("token", &access), ("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let me = env.get("/v1/me", &access).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.text);
    assert!(
        me.header("www-authenticate")
            .is_some_and(|h| h.contains("error=\"invalid_token\""))
    );
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_grant() {
    let env = Env::start();
    let app = env.app(false).await;
    let t = code_tokens(&env, &app, 0, "profile offline_access").await;
    let r1 = refresh(&env, &app, &s(&t, "refresh_token"), None).await;
    assert_eq!(r1.status, StatusCode::OK);
    let r = client_post(
        &env,
        &app,
        "/oauth/revoke",
        &[("token", &s(&r1.body, "refresh_token"))],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for a in [s(&t, "access_token"), s(&r1.body, "access_token")] {
        assert_eq!(env.get("/v1/me", &a).await.status, StatusCode::UNAUTHORIZED);
    }
    let again = refresh(&env, &app, &s(&r1.body, "refresh_token"), None).await;
    assert_oauth_error(&again, StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn revoking_an_unknown_token_is_ok_but_a_missing_one_is_not() {
    let env = Env::start();
    let app = env.app(true).await;
    let r = client_post(&env, &app, "/oauth/revoke", &[("token", "at_neverissued")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = client_post(&env, &app, "/oauth/revoke", &[]).await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_request");
    // Revocation needs client authentication.
    let confidential = env.app(false).await;
    let r = client_post(
        &env,
        &App {
            secret: Some("wrong".into()),
            ..confidential
        },
        "/oauth/revoke",
        &[("token", "x")],
    )
    .await;
    assert_oauth_error(&r, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn introspection() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let t = code_tokens(&env, &app, 0, "openid profile offline_access").await;
    let access = s(&t, "access_token");
    let r = client_post(&env, &app, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let b = &r.body;
    assert_eq!(b["active"], true);
    let mut scope: Vec<&str> = b["scope"].as_str().expect("scope").split(' ').collect();
    scope.sort_unstable();
    assert_eq!(scope, ["offline_access", "openid", "profile"]);
    assert_eq!(b["client_id"], app.id.as_str());
    assert_eq!(b["sub"], user.id.as_str());
    let now = chrono::Utc::now().timestamp();
    let exp = b["exp"].as_i64().expect("exp");
    assert!(
        (now + 3500..=now + 3700).contains(&exp),
        "exp {exp} is an hour away from {now}"
    );

    let rt = client_post(
        &env,
        &app,
        "/oauth/introspect",
        &[("token", &s(&t, "refresh_token"))],
    )
    .await;
    assert_eq!(rt.body["active"], true, "{}", rt.text);

    // Another client learns nothing.
    let other = env.app(false).await;
    let r = client_post(&env, &other, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({ "active": false }));

    // Unknown.
    let r = client_post(&env, &app, "/oauth/introspect", &[("token", "at_unknown")]).await;
    assert_eq!(r.body, json!({ "active": false }));

    // Revoked.
    assert_eq!(
        client_post(&env, &app, "/oauth/revoke", &[("token", &access)])
            .await
            .status,
        StatusCode::OK
    );
    let r = client_post(&env, &app, "/oauth/introspect", &[("token", &access)]).await;
    assert_eq!(r.body, json!({ "active": false }));

    // Expired.
    let t2 = code_tokens(&env, &app, 0, "profile").await;
    let access2 = s(&t2, "access_token");
    assert_eq!(
        client_post(&env, &app, "/oauth/introspect", &[("token", &access2)])
            .await
            .body["active"],
        true
    );
    env.advance(3601).await;
    let r = client_post(&env, &app, "/oauth/introspect", &[("token", &access2)]).await;
    assert_eq!(r.body, json!({ "active": false }));
}

#[tokio::test]
async fn userinfo_needs_openid() {
    let env = Env::start();
    let user = env.users[0].clone();
    let without = env.token(0, &["profile", "email"]).await;
    let r = env.get("/oauth/userinfo", &without).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(r.code(), "insufficientScope");
    let challenge = r.header("www-authenticate").expect("WWW-Authenticate");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"openid\""), "{challenge}");

    let with = env.token(0, &["openid", "profile"]).await;
    let r = env.get("/oauth/userinfo", &with).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["sub"], user.id.as_str());
    assert_eq!(r.body["name"], user.display_name.as_str());
    assert!(
        r.body.get("email").is_none(),
        "no email without the email scope"
    );

    let with_email = env.token(0, &["openid", "email"]).await;
    let r = env.get("/oauth/userinfo", &with_email).await;
    assert_eq!(r.body["email"], user.email.as_str());
    assert!(r.body.get("name").is_none());

    // No token at all.
    let r = env.control(Method::GET, "/oauth/userinfo", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn access_tokens_expire_after_an_hour_of_server_time() {
    let env = Env::start();
    let token = env.token(0, &["profile"]).await;
    env.advance(3590).await;
    assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
    env.advance(11).await;
    let r = env.get("/v1/me", &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.code(), "invalidToken");
    let challenge = r.header("www-authenticate").expect("WWW-Authenticate");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(r.header("request-id").is_some());
    assert!(r.body["error"]["innerError"]["requestId"].is_string());
}

#[tokio::test]
async fn mock_tokens_honour_expires_in() {
    let env = Env::start();
    let app = env.app(false).await;
    let r = env
        .control(Method::POST, "/_mock/tokens", Some(json!({
            "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile", "offline_access"], "expiresIn": 120,
        })))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["expires_in"], 120);
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body["refresh_token"].is_string());
    let token = s(&r.body, "access_token");
    env.advance(110).await;
    assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
    env.advance(11).await;
    assert_eq!(
        env.get("/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The refresh token (90 days) outlives it.
    let r = refresh(&env, &app, &s(&r.body, "refresh_token"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["expires_in"], 3600);

    let bad = env
        .control(Method::POST, "/_mock/tokens", Some(json!({
            "userId": env.users[0].id, "clientId": app.id, "scopes": ["profile"], "expiresIn": 0,
        })))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.body["error"]["target"], "expiresIn");
}

#[tokio::test]
async fn permissions_list_and_drop_one_scope() {
    let env = Env::start();
    let app = env.app(false).await;
    let body = env
        .token_response(0, &app, &["openid", "profile", "email", "offline_access"])
        .await;
    let token = s(&body, "access_token");
    // A second grant of the same user and app is narrowed too.
    let second = env.token_response(0, &app, &["openid", "profile"]).await;
    let token2 = s(&second, "access_token");

    let r = env.get("/v1/me/permissions", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["clientId"], app.id.as_str());
    assert_eq!(r.body["clientName"], "Test App");
    assert_eq!(
        r.body["scopes"],
        json!(["email", "offline_access", "openid", "profile"])
    );
    assert!(r.body["granted"].is_string());

    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/openid",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    for t in [&token, &token2] {
        let r = env.get("/oauth/userinfo", t).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert_eq!(r.code(), "insufficientScope");
        assert_eq!(
            env.get("/v1/me", t).await.status,
            StatusCode::OK,
            "other scopes still work"
        );
    }
    let r = env.get("/v1/me/permissions", &token).await;
    assert_eq!(
        r.body["scopes"],
        json!(["email", "offline_access", "profile"])
    );

    // Email dropped: /v1/me no longer shows emails.
    assert!(env.get("/v1/me", &token).await.body["emails"].is_array());
    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/email",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert!(env.get("/v1/me", &token).await.body.get("emails").is_none());

    // A refreshed token cannot get the dropped scopes back.
    let r = refresh(&env, &app, &s(&body, "refresh_token"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut scope: Vec<&str> = r.body["scope"]
        .as_str()
        .expect("scope")
        .split(' ')
        .collect();
    scope.sort_unstable();
    assert_eq!(scope, ["offline_access", "profile"]);
    let r = refresh(
        &env,
        &app,
        &s(&r.body, "refresh_token"),
        Some("openid profile"),
    )
    .await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_scope");

    // A scope the grant no longer has.
    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions/openid",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NOT_FOUND, "{}", d.text);
}

#[tokio::test]
async fn deleting_the_permissions_revokes_every_token_of_the_grant() {
    let env = Env::start();
    let app = env.app(false).await;
    let other_app = env.app(false).await;
    let t = code_tokens(&env, &app, 0, "profile offline_access").await;
    let refreshed = refresh(&env, &app, &s(&t, "refresh_token"), None).await;
    assert_eq!(refreshed.status, StatusCode::OK);
    let other_grant = env.token_response(0, &app, &["profile"]).await;
    let other_app_token = env.token_response(0, &other_app, &["profile"]).await;
    let other_user_token = env.token_response(1, &app, &["profile"]).await;

    let d = env
        .send(
            Method::DELETE,
            "/v1/me/permissions",
            Some(&s(&refreshed.body, "access_token")),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{}", d.text);
    for a in [
        s(&t, "access_token"),
        s(&refreshed.body, "access_token"),
        s(&other_grant, "access_token"),
    ] {
        let r = env.get("/v1/me", &a).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
        assert_eq!(
            env.get("/v1/me/permissions", &a).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let r = refresh(&env, &app, &s(&refreshed.body, "refresh_token"), None).await;
    assert_oauth_error(&r, StatusCode::BAD_REQUEST, "invalid_grant");
    // Other apps and other users keep theirs.
    assert_eq!(
        env.get("/v1/me", &s(&other_app_token, "access_token"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        env.get("/v1/me", &s(&other_user_token, "access_token"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn token_endpoint_errors_use_the_rfc6749_form() {
    let env = Env::start();
    let app = env.app(false).await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("grant_type", "password"),
                ("username", "a"),
                ("password", "b"),
            ],
            "unsupported_grant_type",
        ),
        (vec![], "invalid_request"),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("code", "ac_bogus"),
                ("redirect_uri", "http://127.0.0.1:9/callback"),
            ],
            "invalid_grant",
        ),
        (vec![("grant_type", "refresh_token")], "invalid_request"),
    ];
    for (form, error) in cases {
        let r = env.token_request(&app, &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{error}: {}", r.text);
        assert_eq!(r.body["error"], error, "{}", r.text);
        assert!(r.body["error_description"].is_string());
        let keys: Vec<&String> = r.body.as_object().expect("object").keys().collect();
        assert_eq!(
            keys.len(),
            2,
            "only error and error_description: {}",
            r.text
        );
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json"))
        );
    }
}

#[tokio::test]
async fn invalid_client_is_401_with_a_basic_challenge() {
    let env = Env::start();
    let app = env.app(false).await;
    let form = [("grant_type", "client_credentials"), ("scope", "profile")];
    let wrong_secret = App {
        secret: Some("cs_wrong".into()),
        ..app.clone()
    };
    let unknown = App {
        id: "app_unknown".into(),
        ..app.clone()
    };
    let no_secret = App {
        secret: None,
        ..app.clone()
    };
    for (what, client) in [
        ("wrong secret", &wrong_secret),
        ("unknown client", &unknown),
        ("missing secret", &no_secret),
    ] {
        let r = env.token_request(client, &form).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.text);
        assert_eq!(r.body["error"], "invalid_client", "{what}");
        assert!(r.body["error_description"].is_string());
        let challenge = r
            .header("www-authenticate")
            .unwrap_or_else(|| panic!("{what}: no WWW-Authenticate"));
        assert!(challenge.starts_with("Basic"), "{what}: {challenge}");
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert!(r.body.get("access_token").is_none());
    }
    // The wrong secret in the form too.
    let r = token_post(&env, &wrong_secret, &form).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert_eq!(r.body["error"], "invalid_client");
    // No client authentication at all.
    let bare = common::read(
        env.http
            .post(env.url("/oauth/token"))
            .form(&form)
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED, "{}", bare.text);
    assert!(
        bare.header("www-authenticate")
            .is_some_and(|c| c.starts_with("Basic"))
    );
}
