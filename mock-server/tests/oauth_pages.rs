//! The identity provider's HTML pages, driven like a browser: sign-in, consent, device
//! code entry and the account page (DESIGN §2.1, §2.8 "HTML forms").
mod common;

use common::browser::{
    AuthorizeParams, Browser, authorize_path, client_post, code_tokens, exchange, form_action,
    hidden, hidden_inputs, listed_scopes, location, refresh, s, token_post,
};
use common::{App, Env, Reply, pkce, query_value};
use reqwest::{Method, StatusCode};
use serde_json::json;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn is_html(r: &Reply) -> bool {
    r.header("content-type")
        .is_some_and(|c| c.starts_with("text/html"))
}

/// Signs user `user` in on the authorize page and returns the next page (consent, or
/// the redirect when consent is already given).
async fn sign_in(b: &mut Browser<'_>, env: &Env, page: &Reply, user: usize) -> Reply {
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let u = &env.users[user];
    b.submit(page, &[("email", &u.email), ("password", &u.password)])
        .await
}

/// Runs the authorization request through the pages (sign in, allow) and returns the
/// final redirect's Location.
async fn allow_through_pages(
    env: &Env,
    b: &mut Browser<'_>,
    app: &App,
    user: usize,
    p: &AuthorizeParams<'_>,
) -> String {
    let page = b.get(&authorize_path(app, p)).await;
    let consent = sign_in(b, env, &page, user).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.text);
    let done = b.submit(&consent, &[("decision", "allow")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    location(&done)
}

#[tokio::test]
async fn code_flow_through_the_pages_with_client_secret_basic() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let (verifier, challenge) = pkce();
    let scope = "openid profile email offline_access contacts.read";
    let mut b = Browser::new(&env);
    let params = AuthorizeParams {
        scope,
        state: Some("st-8f3a 1/2"),
        code_challenge: Some(&challenge),
        nonce: Some("n-1"),
        ..Default::default()
    };

    let page = b.get(&authorize_path(&app, &params)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(is_html(&page));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.text.contains("name=\"email\"") && page.text.contains("name=\"password\""));
    assert_eq!(form_action(&page.text).as_deref(), Some("/oauth/authorize"));
    assert!(hidden(&page.text, "csrf_token").is_some_and(|t| !t.is_empty()));
    assert_eq!(hidden(&page.text, "state").as_deref(), Some("st-8f3a 1/2"));
    assert!(b.cookie("mc_csrf").is_some(), "the CSRF cookie is set");
    assert!(b.cookie("mc_session").is_none());

    let consent = sign_in(&mut b, &env, &page, 0).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.text);
    assert!(
        b.cookie("mc_session").is_some(),
        "signing in starts a session"
    );
    assert!(consent.text.contains("Allow access?"));
    assert!(consent.text.contains("Test App"), "the app is named");
    assert_eq!(
        listed_scopes(&consent.text),
        [
            "openid",
            "profile",
            "email",
            "offline_access",
            "contacts.read"
        ]
    );
    for words in [
        "Sign you in with your Messenger Connect account",
        "See your name, photo, locale and status",
        "See your email addresses",
        "Keep access to what you allow here when you are not using the app",
        "See your contacts",
    ] {
        assert!(consent.text.contains(words), "consent page lacks '{words}'");
    }
    assert!(
        !consent.text.contains("Post activities to your feed"),
        "only requested scopes are listed"
    );
    assert!(consent.text.contains("value=\"allow\"") && consent.text.contains("value=\"deny\""));

    let done = b.submit(&consent, &[("decision", "allow")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let loc = location(&done);
    assert!(loc.starts_with(&app.redirect_uri), "{loc}");
    assert_eq!(query_value(&loc, "state").as_deref(), Some("st-8f3a 1/2"));
    let code = query_value(&loc, "code").expect("code");

    let r = exchange(&env, &app, &code, Some(&verifier)).await; // client_secret_basic
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 3600);
    let mut granted: Vec<&str> = r.body["scope"]
        .as_str()
        .expect("scope")
        .split(' ')
        .collect();
    granted.sort_unstable();
    assert_eq!(
        granted,
        [
            "contacts.read",
            "email",
            "offline_access",
            "openid",
            "profile"
        ]
    );
    assert!(r.body["refresh_token"].is_string());
    assert!(
        r.body["refresh_token_expires_in"]
            .as_i64()
            .is_some_and(|n| n > 0)
    );
    assert!(r.body["id_token"].is_string());

    let me = env.get("/v1/me", &s(&r.body, "access_token")).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["id"], user.id.as_str());
    assert_eq!(me.body["emails"][0]["value"], user.email.as_str());
}

#[tokio::test]
async fn code_flow_through_the_pages_with_client_secret_post() {
    let env = Env::start();
    let app = env.app(false).await;
    let mut b = Browser::new(&env);
    let params = AuthorizeParams {
        scope: "profile",
        state: Some("abc"),
        ..Default::default()
    };
    let loc = allow_through_pages(&env, &mut b, &app, 1, &params).await;
    assert_eq!(query_value(&loc, "state").as_deref(), Some("abc"));
    let code = query_value(&loc, "code").expect("code");
    let r = token_post(
        &env,
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &app.redirect_uri),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["scope"], "profile");
    assert!(
        r.body.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    assert!(r.body.get("id_token").is_none(), "no openid, no id_token");
    let me = env.get("/v1/me", &s(&r.body, "access_token")).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["id"], env.users[1].id.as_str());
    assert!(me.body.get("emails").is_none(), "no email scope, no emails");
}

#[tokio::test]
async fn public_client_flow_through_the_pages() {
    let env = Env::start();
    let app = env.app(true).await;
    assert!(app.secret.is_none());
    let (verifier, challenge) = pkce();
    let mut b = Browser::new(&env);
    let params = AuthorizeParams {
        scope: "profile",
        state: Some("p"),
        code_challenge: Some(&challenge),
        ..Default::default()
    };
    let loc = allow_through_pages(&env, &mut b, &app, 0, &params).await;
    let code = query_value(&loc, "code").expect("code");
    let r = exchange(&env, &app, &code, Some(&verifier)).await; // client_id only
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let me = env.get("/v1/me", &s(&r.body, "access_token")).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
}

#[tokio::test]
async fn wrong_password_shows_the_form_again() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let mut b = Browser::new(&env);
    let page = b
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope: "profile",
                state: Some("s"),
                ..Default::default()
            },
        ))
        .await;
    let again = b
        .submit(
            &page,
            &[("email", &user.email), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert!(again.header("location").is_none());
    assert!(again.text.contains("Wrong email or password."));
    assert!(
        again.text.contains("name=\"password\""),
        "the sign-in form is shown again"
    );
    assert!(
        again.text.contains(&format!("value=\"{}\"", user.email)),
        "the email is kept"
    );
    assert!(
        b.cookie("mc_session").is_none(),
        "no session after a wrong password"
    );
    assert!(!again.text.contains("not-the-password"));

    // An unknown email is refused the same way.
    let unknown = b
        .submit(
            &again,
            &[
                ("email", "nobody@example.invalid"),
                ("password", &user.password),
            ],
        )
        .await;
    assert!(unknown.text.contains("Wrong email or password."));

    // The form shown again works.
    let consent = sign_in(&mut b, &env, &again, 0).await;
    assert_eq!(consent.status, StatusCode::OK);
    assert!(consent.text.contains("Allow access?"), "{}", consent.text);
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_state() {
    let env = Env::start();
    let app = env.app(false).await;
    let mut b = Browser::new(&env);
    let page = b
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope: "profile chat",
                state: Some("keep-me"),
                ..Default::default()
            },
        ))
        .await;
    let consent = sign_in(&mut b, &env, &page, 0).await;
    let done = b.submit(&consent, &[("decision", "deny")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let loc = location(&done);
    assert!(loc.starts_with(&app.redirect_uri), "{loc}");
    assert_eq!(query_value(&loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_value(&loc, "state").as_deref(), Some("keep-me"));
    assert!(query_value(&loc, "code").is_none());

    // Denying records no consent: the next request asks again.
    let page = b
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope: "profile chat",
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Allow access?"), "{}", page.text);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let path = authorize_path(
        &app,
        &AuthorizeParams {
            scope: "profile",
            state: Some("s"),
            ..Default::default()
        },
    );
    let mut b = Browser::new(&env);
    let page = b.get(&path).await;
    let mut fields: Vec<(String, String)> = hidden_inputs(&page.text);
    fields.push(("email".into(), user.email.clone()));
    fields.push(("password".into(), user.password.clone()));

    // Without the token.
    let without: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf_token")
        .cloned()
        .collect();
    let r = b.post("/oauth/authorize", &without).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.header("location").is_none());
    assert!(b.cookie("mc_session").is_none());

    // A made-up token.
    let forged: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k == "csrf_token" {
                (k.clone(), "forged".to_string())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let r = b.post("/oauth/authorize", &forged).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // A genuine token of another browser (bound to another cookie).
    let mut other = Browser::new(&env);
    let other_page = other.get(&path).await;
    let stolen: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            if k == "csrf_token" {
                (
                    k.clone(),
                    hidden(&other_page.text, "csrf_token").expect("token"),
                )
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    let r = b.post("/oauth/authorize", &stolen).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(b.cookie("mc_session").is_none());

    // The right token with no cookie at all (a cross-site post).
    let r = read_post(&env, "/oauth/authorize", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The consent decision needs it too.
    let consent = b.post("/oauth/authorize", &fields).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.text);
    let mut decision: Vec<(String, String)> = hidden_inputs(&consent.text)
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    decision.push(("decision".into(), "allow".into()));
    let r = b.post("/oauth/authorize", &decision).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.header("location").is_none(), "no code without the token");
}

/// A form POST with no cookies.
async fn read_post(env: &Env, path: &str, fields: &[(String, String)]) -> Reply {
    common::read(
        env.http
            .post(env.url(path))
            .form(fields)
            .send()
            .await
            .expect("post"),
    )
    .await
}

#[tokio::test]
async fn prior_consent_skips_the_consent_step() {
    let env = Env::start();
    let app = env.app(false).await;
    let mut b = Browser::new(&env);
    let scope = "profile contacts.read";
    allow_through_pages(
        &env,
        &mut b,
        &app,
        0,
        &AuthorizeParams {
            scope,
            ..Default::default()
        },
    )
    .await;

    // Same browser (signed in), same or fewer scopes: a code at once.
    for asked in [scope, "profile"] {
        let r = b
            .get(&authorize_path(
                &app,
                &AuthorizeParams {
                    scope: asked,
                    state: Some("again"),
                    ..Default::default()
                },
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let loc = location(&r);
        assert!(query_value(&loc, "code").is_some(), "{loc}");
        assert_eq!(query_value(&loc, "state").as_deref(), Some("again"));
    }

    // A new browser signs in, and consent is not asked again.
    let mut fresh = Browser::new(&env);
    let page = fresh
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope,
                state: Some("f"),
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let r = sign_in(&mut fresh, &env, &page, 0).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = location(&r);
    let code = query_value(&loc, "code").expect("code");
    assert_eq!(query_value(&loc, "state").as_deref(), Some("f"));
    let t = exchange(&env, &app, &code, None).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);

    // More scopes than consented: the consent page lists them.
    let r = b
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope: "profile feed.read",
                ..Default::default()
            },
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(listed_scopes(&r.text), ["profile", "feed.read"]);

    // Another user has not consented.
    let mut third = Browser::new(&env);
    let page = third
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope,
                ..Default::default()
            },
        ))
        .await;
    let r = sign_in(&mut third, &env, &page, 1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("Allow access?"));
}

#[tokio::test]
async fn prompt_none_with_login_hint_after_a_recorded_consent() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let r = env
        .control(
            Method::POST,
            "/_mock/consents",
            Some(json!({
                "userId": user.id, "clientId": app.id, "scopes": ["openid", "profile"],
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

    for hint in [user.email.as_str(), user.id.as_str()] {
        let p = AuthorizeParams {
            scope: "openid profile",
            state: Some("pn"),
            prompt: Some("none"),
            login_hint: Some(hint),
            ..Default::default()
        };
        let r = env
            .control(Method::GET, &authorize_path(&app, &p), None)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let loc = location(&r);
        assert!(loc.starts_with(&app.redirect_uri));
        assert_eq!(query_value(&loc, "state").as_deref(), Some("pn"));
        let code = query_value(&loc, "code").expect("code");
        let t = exchange(&env, &app, &code, None).await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.text);
        let me = env.get("/v1/me", &s(&t.body, "access_token")).await;
        assert_eq!(me.body["id"], user.id.as_str());
    }

    // Scopes beyond the consent, or a user without consent: consent_required.
    let wider = AuthorizeParams {
        scope: "openid profile chat",
        state: Some("w"),
        prompt: Some("none"),
        login_hint: Some(&user.email),
        ..Default::default()
    };
    let other = AuthorizeParams {
        scope: "openid",
        state: Some("o"),
        prompt: Some("none"),
        login_hint: Some(&env.users[1].email),
        ..Default::default()
    };
    for (p, state) in [(wider, "w"), (other, "o")] {
        let r = env
            .control(Method::GET, &authorize_path(&app, &p), None)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let loc = location(&r);
        assert_eq!(
            query_value(&loc, "error").as_deref(),
            Some("consent_required"),
            "{loc}"
        );
        assert_eq!(query_value(&loc, "state").as_deref(), Some(state));
        assert!(query_value(&loc, "code").is_none());
    }

    // No hint and no session: login_required.
    let p = AuthorizeParams {
        scope: "openid",
        prompt: Some("none"),
        ..Default::default()
    };
    let r = env
        .control(Method::GET, &authorize_path(&app, &p), None)
        .await;
    assert_eq!(
        query_value(&location(&r), "error").as_deref(),
        Some("login_required")
    );
}

#[tokio::test]
async fn untrusted_client_or_redirect_uri_gets_an_error_page_and_no_redirect() {
    let env = Env::start();
    let app = env.app(false).await;
    let unknown = App {
        id: "app_doesnotexist".into(),
        ..app.clone()
    };
    let r = env
        .control(
            Method::GET,
            &authorize_path(
                &unknown,
                &AuthorizeParams {
                    scope: "profile",
                    state: Some("s"),
                    ..Default::default()
                },
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.header("location").is_none());
    assert!(is_html(&r));
    assert!(r.text.contains("client_id"), "{}", r.text);

    for bad in [
        "http://evil.example/callback",
        "http://127.0.0.1:9/callback/other",
        "http://127.0.0.1:9/callback?x=1",
    ] {
        let p = AuthorizeParams {
            scope: "profile",
            state: Some("s"),
            redirect_uri: Some(bad),
            ..Default::default()
        };
        let r = env
            .control(Method::GET, &authorize_path(&app, &p), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.text);
        assert!(r.header("location").is_none(), "{bad}");
        assert!(r.text.contains("redirect_uri"));
    }

    // Even a POST with a valid CSRF token never redirects to an unregistered URI.
    let mut b = Browser::new(&env);
    let page = b
        .get(&authorize_path(
            &app,
            &AuthorizeParams {
                scope: "profile",
                ..Default::default()
            },
        ))
        .await;
    let mut fields: Vec<(String, String)> = hidden_inputs(&page.text)
        .into_iter()
        .map(|(k, v)| {
            if k == "redirect_uri" {
                (k, "http://evil.example/cb".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    fields.push(("email".into(), env.users[0].email.clone()));
    fields.push(("password".into(), env.users[0].password.clone()));
    let r = b.post("/oauth/authorize", &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.header("location").is_none());
}

#[tokio::test]
async fn bad_requests_from_a_trusted_client_redirect_with_an_error() {
    let env = Env::start();
    let public = env.app(true).await;
    // A public client must use PKCE.
    let r = env
        .control(
            Method::GET,
            &authorize_path(
                &public,
                &AuthorizeParams {
                    scope: "profile",
                    state: Some("s1"),
                    ..Default::default()
                },
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loc = location(&r);
    assert!(loc.starts_with(&public.redirect_uri));
    assert_eq!(
        query_value(&loc, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_value(&loc, "state").as_deref(), Some("s1"));
    assert!(query_value(&loc, "code").is_none());

    // Only S256.
    let (_, challenge) = pkce();
    let path = authorize_path(
        &public,
        &AuthorizeParams {
            scope: "profile",
            state: Some("s2"),
            ..Default::default()
        },
    ) + &format!("&code_challenge={challenge}&code_challenge_method=plain");
    let r = env.control(Method::GET, &path, None).await;
    assert_eq!(
        query_value(&location(&r), "error").as_deref(),
        Some("invalid_request")
    );

    // Unknown scope.
    let r = env
        .control(
            Method::GET,
            &authorize_path(
                &public,
                &AuthorizeParams {
                    scope: "profile admin",
                    state: Some("s3"),
                    code_challenge: Some(&challenge),
                    ..Default::default()
                },
            ),
            None,
        )
        .await;
    assert_eq!(
        query_value(&location(&r), "error").as_deref(),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn account_page_lists_the_app_and_remove_revokes_its_tokens() {
    let env = Env::start();
    let app = env.app(false).await;
    let other_app = env.app(false).await;
    let user = env.users[0].clone();
    let tokens = code_tokens(&env, &app, 0, "openid profile offline_access contacts.read").await;
    let access = s(&tokens, "access_token");
    let refresh_token = s(&tokens, "refresh_token");
    let other = code_tokens(&env, &other_app, 0, "profile").await;
    let other_access = s(&other, "access_token");

    let mut b = Browser::new(&env);
    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(form_action(&page.text).as_deref(), Some("/account/sign-in"));
    let wrong = b
        .submit(&page, &[("email", &user.email), ("password", "nope")])
        .await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.text.contains("Wrong email or password."));
    let signed = b
        .submit(
            &wrong,
            &[("email", &user.email), ("password", &user.password)],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert_eq!(location(&signed), "/account");
    assert!(b.cookie("mc_session").is_some());

    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains(&user.display_name), "{}", page.text);
    let row = app_row(&page.text, &app.id);
    assert!(row.contains("Test App"));
    assert_eq!(
        listed_scopes(&row),
        ["openid", "profile", "offline_access", "contacts.read"]
    );
    assert!(row.contains("See your contacts"));
    assert!(
        page.text
            .contains(&format!("data-client-id=\"{}\"", other_app.id))
    );

    // Without the CSRF token nothing happens.
    let remove_path = form_action(&row).expect("remove form");
    assert_eq!(remove_path, format!("/account/apps/{}/remove", app.id));
    let r = b.post(&remove_path, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(env.get("/v1/me", &access).await.status, StatusCode::OK);

    // Remove.
    let r = b.post(&remove_path, &hidden_inputs(&row)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(location(&r), "/account");
    let me = env.get("/v1/me", &access).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{}", me.text);
    assert_eq!(me.code(), "invalidToken");
    let r = refresh(&env, &app, &refresh_token, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.code(), "invalid_grant");

    // The other app keeps its access; the removed one is gone from the page.
    assert_eq!(
        env.get("/v1/me", &other_access).await.status,
        StatusCode::OK
    );
    let page = b.get("/account").await;
    assert!(
        !page
            .text
            .contains(&format!("data-client-id=\"{}\"", app.id))
    );
    assert!(
        page.text
            .contains(&format!("data-client-id=\"{}\"", other_app.id))
    );

    // Consent is gone too: prompt=none now needs consent again.
    let p = AuthorizeParams {
        scope: "profile",
        prompt: Some("none"),
        login_hint: Some(&user.id),
        ..Default::default()
    };
    let r = env
        .control(Method::GET, &authorize_path(&app, &p), None)
        .await;
    assert_eq!(
        query_value(&location(&r), "error").as_deref(),
        Some("consent_required")
    );
}

/// The `<tr>` of the account page for `client_id`.
fn app_row(html: &str, client_id: &str) -> String {
    let marker = format!("<tr data-client-id=\"{client_id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{client_id} not listed: {html}"));
    let end = html[start..].find("</tr>").expect("row end") + start;
    html[start..end].to_string()
}

/// `POST /oauth/device_authorization` for `app` with `scope`.
async fn device_start(env: &Env, app: &App, scope: &str) -> serde_json::Value {
    let r = client_post(env, app, "/oauth/device_authorization", &[("scope", scope)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn poll(env: &Env, app: &App, device_code: &str) -> Reply {
    env.token_request(
        app,
        &[("grant_type", DEVICE_GRANT), ("device_code", device_code)],
    )
    .await
}

#[tokio::test]
async fn device_flow_polling_and_approval_on_the_device_page() {
    let env = Env::start();
    let app = env.app(true).await;
    let user = env.users[2].clone();
    let d = device_start(&env, &app, "openid profile offline_access").await;
    let device_code = s(&d, "device_code");
    let user_code = s(&d, "user_code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(user_code.as_bytes()[4], b'-');
    assert_eq!(d["verification_uri"], env.url("/device").as_str());
    assert_eq!(
        s(&d, "verification_uri_complete"),
        format!("{}/device?user_code={user_code}", env.base)
    );
    assert_eq!(d["expires_in"], 600);
    assert_eq!(d["interval"], 5);

    let r = poll(&env, &app, &device_code).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.code(), "authorization_pending");
    let r = poll(&env, &app, &device_code).await;
    assert_eq!(r.code(), "slow_down", "polling again at once: {}", r.text);
    env.advance(10).await; // the interval grew by 5 s
    let r = poll(&env, &app, &device_code).await;
    assert_eq!(r.code(), "authorization_pending", "{}", r.text);

    // The user opens the verification page, enters the code and signs in.
    let mut b = Browser::new(&env);
    let page = b.get(&s(&d, "verification_uri_complete")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains(&format!("name=\"user_code\" value=\"{user_code}\""))
    );
    assert!(page.text.contains("name=\"password\""));
    let lower = user_code.to_lowercase().replace('-', "");
    let consent = b
        .submit(
            &page,
            &[
                ("user_code", &lower),
                ("email", &user.email),
                ("password", &user.password),
            ],
        )
        .await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.text);
    assert!(b.cookie("mc_session").is_some());
    assert_eq!(
        listed_scopes(&consent.text),
        ["openid", "profile", "offline_access"]
    );
    assert!(
        consent
            .text
            .contains("Sign you in with your Messenger Connect account")
    );
    assert_eq!(
        hidden(&consent.text, "user_code").as_deref(),
        Some(user_code.as_str())
    );

    // Still pending until the user decides.
    env.advance(10).await;
    assert_eq!(
        poll(&env, &app, &device_code).await.code(),
        "authorization_pending"
    );

    let done = b.submit(&consent, &[("decision", "allow")]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("Device connected"));

    let r = poll(&env, &app, &device_code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["refresh_token"].is_string());
    assert!(r.body["id_token"].is_string());
    let me = env.get("/v1/me", &s(&r.body, "access_token")).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["id"], user.id.as_str());

    // The device code is single-use.
    let r = poll(&env, &app, &device_code).await;
    assert_eq!(r.code(), "invalid_grant", "{}", r.text);
}

#[tokio::test]
async fn device_flow_denied_by_the_user() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let d = device_start(&env, &app, "profile").await;
    let mut b = Browser::new(&env);
    let page = b.get("/device").await;
    assert_eq!(page.status, StatusCode::OK);
    let consent = b
        .submit(
            &page,
            &[
                ("user_code", &s(&d, "user_code")),
                ("email", &user.email),
                ("password", &user.password),
            ],
        )
        .await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.text);
    let done = b.submit(&consent, &[("decision", "deny")]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.text.contains("Access denied"));
    let r = poll(&env, &app, &s(&d, "device_code")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "access_denied", "{}", r.text);
}

#[tokio::test]
async fn device_approval_withdrawn_on_the_account_page_before_the_poll() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[1].clone();
    let d = device_start(&env, &app, "profile contacts.read").await;
    let mut b = Browser::new(&env);
    let page = b.get("/device").await;
    let consent = b
        .submit(
            &page,
            &[
                ("user_code", &s(&d, "user_code")),
                ("email", &user.email),
                ("password", &user.password),
            ],
        )
        .await;
    let done = b.submit(&consent, &[("decision", "allow")]).await;
    assert!(done.text.contains("Device connected"), "{}", done.text);

    // The approval is a consent at once: the account page lists the app...
    let account = b.get("/account").await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.text);
    let row = app_row(&account.text, &app.id);
    assert_eq!(listed_scopes(&row), ["profile", "contacts.read"]);
    // ...and removing it there, before the device polls, leaves the device nothing.
    let remove_path = form_action(&row).expect("remove form");
    let r = b.post(&remove_path, &hidden_inputs(&row)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = poll(&env, &app, &s(&d, "device_code")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.code(), "access_denied", "{}", r.text);
    let account = b.get("/account").await;
    assert!(
        !account
            .text
            .contains(&format!("data-client-id=\"{}\"", app.id)),
        "the poll did not bring the consent back"
    );
}

#[tokio::test]
async fn device_code_expires_after_ten_minutes() {
    let env = Env::start();
    let app = env.app(true).await;
    let d = device_start(&env, &app, "profile").await;
    env.advance(601).await;
    let r = poll(&env, &app, &s(&d, "device_code")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "expired_token", "{}", r.text);

    // The page no longer accepts the code either.
    let user = env.users[0].clone();
    let mut b = Browser::new(&env);
    let page = b.get("/device").await;
    let r = b
        .submit(
            &page,
            &[
                ("user_code", &s(&d, "user_code")),
                ("email", &user.email),
                ("password", &user.password),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("not valid or has expired"));
}

#[tokio::test]
async fn device_page_refuses_a_wrong_code_or_missing_csrf() {
    let env = Env::start();
    let app = env.app(true).await;
    let d = device_start(&env, &app, "profile").await;
    let user = env.users[0].clone();
    let mut b = Browser::new(&env);
    let page = b.get("/device").await;
    let r = b
        .submit(
            &page,
            &[
                ("user_code", "BBBB-BBBB"),
                ("email", &user.email),
                ("password", &user.password),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let fields = vec![
        ("user_code".to_string(), s(&d, "user_code")),
        ("decision".to_string(), "allow".to_string()),
    ];
    let r = b.post("/device", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(
        poll(&env, &app, &s(&d, "device_code")).await.code(),
        "authorization_pending"
    );
}

#[tokio::test]
async fn journal_holds_no_secret_after_a_full_flow() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = env.users[0].clone();
    let (verifier, challenge) = pkce();
    let mut b = Browser::new(&env);
    let params = AuthorizeParams {
        scope: "openid profile email offline_access",
        state: Some("journal-state"),
        code_challenge: Some(&challenge),
        nonce: Some("journal-nonce"),
        ..Default::default()
    };
    let page = b.get(&authorize_path(&app, &params)).await;
    let csrf = hidden(&page.text, "csrf_token").expect("csrf");
    let loc = allow_through_pages(&env, &mut b, &app, 0, &params).await;
    let code = query_value(&loc, "code").expect("code");
    // client_secret_post: the secret travels in the form.
    let first = token_post(
        &env,
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let access = s(&first.body, "access_token");
    let refresh_token = s(&first.body, "refresh_token");
    let id_token = s(&first.body, "id_token");
    let second = refresh(&env, &app, &refresh_token, None).await; // client_secret_basic
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let access2 = s(&second.body, "access_token");
    let refresh2 = s(&second.body, "refresh_token");
    assert_eq!(env.get("/v1/me", &access).await.status, StatusCode::OK);
    assert_eq!(
        env.get("/oauth/userinfo", &access2).await.status,
        StatusCode::OK
    );
    let r = client_post(&env, &app, "/oauth/introspect", &[("token", &access2)]).await;
    assert_eq!(r.body["active"], true);
    let r = client_post(&env, &app, "/oauth/revoke", &[("token", &refresh2)]).await;
    assert_eq!(r.status, StatusCode::OK);
    // A secret in a query string is redacted too.
    let r = b.get(&format!("/device?user_code={code}")).await;
    assert_eq!(r.status, StatusCode::OK);

    let journal = env.control(Method::GET, "/_mock/requests", None).await;
    assert_eq!(journal.status, StatusCode::OK);
    let text = journal.text.clone();
    let secret = app.secret.clone().expect("secret");
    let session = b.cookie("mc_session").expect("session").to_string();
    for (what, value) in [
        ("code", code.as_str()),
        ("code_verifier", verifier.as_str()),
        ("client secret", secret.as_str()),
        ("password", user.password.as_str()),
        ("access token", access.as_str()),
        ("second access token", access2.as_str()),
        ("refresh token", refresh_token.as_str()),
        ("second refresh token", refresh2.as_str()),
        ("id_token", id_token.as_str()),
        ("csrf token", csrf.as_str()),
        ("session cookie", session.as_str()),
    ] {
        assert!(!text.contains(value), "the journal contains the {what}");
    }

    let tokens = env.journal("/oauth/token").await;
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert_eq!(tokens[0]["grantType"], "authorization_code");
    assert_eq!(tokens[1]["grantType"], "refresh_token");
    for t in &tokens {
        assert_eq!(t["clientId"], app.id.as_str(), "{t}");
        assert_eq!(t["status"], 200);
    }
    let me = env.journal("/v1/me").await;
    assert_eq!(me[0]["clientId"], app.id.as_str());
    assert_eq!(me[0]["userId"], user.id.as_str());
}
