//! OAuth and OpenID Connect: code flow with PKCE and id-token validation, client
//! credentials, device flow, refresh (single-flight, after a 401), the token store, and
//! configuration checks.

mod common;

use std::future::Future;
use std::sync::{Arc, Mutex};

use common::{App, CONTACT_SCOPES, Env};
use messenger_connect::{AuthorizationParams, Client, DevicePoll, Error, TokenSet};
use messenger_connect_mock::control::{ConsentGrant, FaultSpec};

/// Records consent for `scopes`, starts the flow with `prompt=none` and returns the
/// redirect URL the browser would land on.
async fn authorize(
    env: &Env,
    client: &Client,
    app: &App,
    scopes: &[&str],
) -> (messenger_connect::AuthorizationRequest, String) {
    env.control
        .grant_consent(&ConsentGrant {
            user_id: env.users[0].id.clone(),
            client_id: app.id.clone(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        })
        .expect("consent recorded");
    let request = client
        .authorization_url(
            &AuthorizationParams::new(scopes.iter().copied())
                .prompt("none")
                .login_hint(&env.users[0].email),
        )
        .expect("authorization url");
    let resp = env.http.get(&request.url).send().await.expect("authorize");
    assert_eq!(resp.status().as_u16(), 303);
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    (request, location)
}

#[tokio::test]
async fn code_flow_with_pkce_and_id_token() {
    let env = Env::start();
    for public in [false, true] {
        let app = env.app(public).await;
        let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
        let sink = saved.clone();
        let client = env
            .builder(&app)
            .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
            .build()
            .expect("client");
        let scopes = ["openid", "profile", "email", "offline_access"];
        let (request, redirect) = authorize(&env, &client, &app, &scopes).await;
        assert!(request.url.contains("code_challenge_method=S256"));
        assert!(redirect.starts_with(common::REDIRECT_URI));
        let tokens = client
            .exchange_code(&request, &redirect)
            .await
            .expect("exchange");
        assert!(tokens.refresh_token.is_some());
        let id_token = tokens.id_token.clone().expect("id token");
        assert_eq!(
            saved.lock().unwrap().as_slice(),
            std::slice::from_ref(&tokens)
        );
        assert_eq!(client.me().await.expect("me").id, env.users[0].id);

        let claims = client
            .validate_id_token(id_token.expose(), Some(&request.nonce))
            .await
            .expect("valid id token");
        assert_eq!(claims.sub, env.users[0].id);
        assert_eq!(claims.nonce.as_deref(), Some(request.nonce.as_str()));
        let err = client
            .validate_id_token(id_token.expose(), Some("other"))
            .await
            .expect_err("nonce");
        assert_eq!(err.code(), Some("invalid_id_token"));
        let mut tampered = id_token.expose().to_string();
        tampered.insert(tampered.rfind('.').unwrap() + 3, 'A');
        tampered.remove(tampered.rfind('.').unwrap() + 5);
        let err = client
            .validate_id_token(&tampered, None)
            .await
            .expect_err("signature");
        assert_eq!(err.code(), Some("invalid_id_token"));

        // The code is single-use.
        let replay = client
            .exchange_code(&request, &redirect)
            .await
            .expect_err("replayed code");
        assert_eq!(replay.code(), Some("invalid_grant"));
    }
}

#[tokio::test]
async fn id_token_of_another_issuer_or_audience_is_refused() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = env.mint(0, &app, &["openid", "profile"], None).await;
    let id_token = tokens.id_token.expect("id token");
    let other_issuer = env
        .builder(&app)
        .issuer("https://elsewhere.example.com")
        .build()
        .expect("client");
    let err = other_issuer
        .validate_id_token(id_token.expose(), None)
        .await
        .expect_err("iss");
    assert_eq!(err.code(), Some("invalid_id_token"));
    let other_app = env.app(false).await;
    let other_audience = env.builder(&other_app).build().expect("client");
    let err = other_audience
        .validate_id_token(id_token.expose(), None)
        .await
        .expect_err("aud");
    assert_eq!(err.code(), Some("invalid_id_token"));
    let ok = env.builder(&app).build().expect("client");
    assert_eq!(
        ok.validate_id_token(id_token.expose(), None)
            .await
            .expect("valid")
            .sub,
        env.users[0].id
    );
}

#[tokio::test]
async fn redirect_errors_and_state_mismatch() {
    let env = Env::start();
    let app = env.app(false).await;
    let client = env.builder(&app).build().expect("client");
    // No consent recorded: prompt=none answers consent_required.
    let request = client
        .authorization_url(
            &AuthorizationParams::new(["profile"])
                .prompt("none")
                .login_hint(&env.users[0].id),
        )
        .expect("url");
    let resp = env.http.get(&request.url).send().await.expect("authorize");
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    match client.exchange_code(&request, &location).await {
        Err(Error::OAuth { error, .. }) => assert_eq!(error, "consent_required"),
        other => panic!("expected consent_required, got {other:?}"),
    }
    let (request, redirect) = authorize(&env, &client, &app, &["profile"]).await;
    let mut other = request.clone();
    other.state = "forged".into();
    let err = client
        .exchange_code(&other, &redirect)
        .await
        .expect_err("state");
    assert_eq!(err.code(), Some("state_mismatch"));
    assert!(client.tokens().is_none());
    let no_redirect = Client::builder(&env.base)
        .client_id(&app.id)
        .build()
        .expect("client");
    assert!(matches!(
        no_redirect.authorization_url(&AuthorizationParams::new(["profile"])),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        client.authorization_url(&AuthorizationParams::default()),
        Err(Error::InvalidArgument { .. })
    ));
}

#[tokio::test]
async fn client_credentials_are_renewed_after_expiry() {
    let env = Env::start();
    let app = env.app(false).await;
    let client = env.builder(&app).build().expect("client");
    let tokens = client
        .client_credentials(&["profile"])
        .await
        .expect("client credentials");
    assert_eq!(tokens.scopes, ["profile"]);
    assert!(tokens.refresh_token.is_none());
    let err = client.me().await.expect_err("no user");
    assert_eq!(err.code(), Some("userRequired"));
    let p = client.permissions().await.expect("app-only permissions");
    assert_eq!(p.client_id, app.id);

    env.advance(3700).await;
    client.permissions().await.expect("renewed after the 401");
    let grants: Vec<_> = env
        .journal("/oauth/token")
        .await
        .into_iter()
        .filter_map(|e| e.grant_type)
        .collect();
    assert_eq!(grants, ["client_credentials", "client_credentials"]);

    let public = env.builder(&env.app(true).await).build().expect("client");
    assert!(matches!(
        public.client_credentials(&["profile"]).await,
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn device_flow_polling_answers() {
    let env = Env::start();
    let app = env.app(false).await;
    let client = env.builder(&app).build().expect("client");
    let device = client
        .start_device_authorization(&["profile"])
        .await
        .expect("start");
    assert_eq!(device.interval, 5);
    assert!(device.verification_uri.ends_with("/device"));
    assert_eq!(
        client.poll_device_token_once(&device).await.expect("poll"),
        DevicePoll::Pending
    );
    assert_eq!(
        client.poll_device_token_once(&device).await.expect("poll"),
        DevicePoll::SlowDown(10)
    );
    env.advance(601).await;
    assert_eq!(
        client
            .poll_device_token_once(&device)
            .await
            .expect_err("expired")
            .code(),
        Some("expired_token")
    );
    assert!(format!("{device:?}").contains("[REDACTED]"));
}

#[tokio::test]
async fn device_flow_polls_until_the_user_answers() {
    let env = Env::start();
    let app = env.app(false).await;
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let client = env
        .builder(&app)
        .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
        .build()
        .expect("client");
    let device = client
        .start_device_authorization(&["profile", "offline_access"])
        .await
        .expect("start");
    common::browser::answer_device_code(&env, 1, &device.user_code, "allow").await;
    // Waits `interval` (5 s, a real wait) before its first poll.
    let tokens = client.poll_device_token(&device).await.expect("tokens");
    assert!(tokens.refresh_token.is_some());
    assert_eq!(
        saved.lock().unwrap().as_slice(),
        std::slice::from_ref(&tokens)
    );
    assert_eq!(client.me().await.expect("me").id, env.users[1].id);

    let denied = client
        .start_device_authorization(&["profile"])
        .await
        .expect("start");
    env.control
        .deny_device(&denied.user_code, &env.users[1].id)
        .expect("denied on the control plane");
    let err = client
        .poll_device_token_once(&denied)
        .await
        .expect_err("denied");
    assert_eq!(err.code(), Some("access_denied"));
}

#[tokio::test]
async fn one_pool_many_users() {
    let env = Env::start();
    let app = env.app(false).await;
    let first = env.mint(0, &app, &["profile"], None).await;
    let second = env.mint(1, &app, &["profile"], None).await;
    let client = env.builder(&app).tokens(first).build().expect("client");
    let other = client.with_tokens(second).expect("valid tokens");
    assert_eq!(client.me().await.expect("me").id, env.users[0].id);
    assert_eq!(other.me().await.expect("me").id, env.users[1].id);
    client.clear_tokens();
    assert_eq!(
        client.me().await.expect_err("no tokens").status(),
        Some(401)
    );
    assert_eq!(
        other.me().await.expect("still signed in").id,
        env.users[1].id
    );
}

#[tokio::test]
async fn tokens_that_could_never_be_sent_are_refused_before_any_request() {
    let env = Env::start();
    let app = env.app(false).await;
    let good = env.mint(0, &app, &["profile"], None).await;
    let client = env.builder(&app).tokens(good).build().expect("client");
    env.clear_journal().await;
    let name = |e: messenger_connect::Error| match e {
        messenger_connect::Error::InvalidArgument { name, .. } => name,
        other => panic!("{other:?}"),
    };
    for bad in ["", "two words", "line\nbreak"] {
        let tokens = TokenSet::bearer(bad);
        let built = env.builder(&app).tokens(tokens.clone()).build();
        assert_eq!(name(built.expect_err("refused")), "tokens.access_token");
        assert_eq!(
            name(client.set_tokens(tokens.clone()).expect_err("refused")),
            "tokens.access_token"
        );
        assert_eq!(
            name(client.with_tokens(tokens.clone()).expect_err("refused")),
            "tokens.access_token"
        );
        assert_eq!(
            name(
                client
                    .with_tokens_and_store(tokens, None)
                    .expect_err("refused")
            ),
            "tokens.access_token"
        );
    }
    // The client keeps its good tokens, and nothing reached the server.
    assert_eq!(env.journal("/v1").await.len(), 0);
    assert_eq!(env.journal("/oauth").await.len(), 0);
    assert_eq!(client.me().await.expect("me").id, env.users[0].id);
}

#[tokio::test]
async fn one_pool_many_users_each_with_its_own_token_store() {
    let env = Env::start();
    let app = env.app(false).await;
    // Expired by the local clock: each client refreshes before its first call.
    let first = common::expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
    let second = common::expired(env.mint(1, &app, CONTACT_SCOPES, None).await);
    let saved_first: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let saved_second: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved_first.clone();
    let client = env
        .builder(&app)
        .tokens(first)
        .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
        .build()
        .expect("client");
    let sink = saved_second.clone();
    let store: Arc<dyn messenger_connect::TokenStore> =
        Arc::new(move |t: &TokenSet| sink.lock().unwrap().push(t.clone()));
    let other = client
        .with_tokens_and_store(second, Some(store))
        .expect("valid tokens");
    assert_eq!(client.me().await.expect("me").id, env.users[0].id);
    assert_eq!(other.me().await.expect("me").id, env.users[1].id);
    let first_saved = saved_first.lock().unwrap().clone();
    let second_saved = saved_second.lock().unwrap().clone();
    assert_eq!(first_saved.len(), 1, "only the first user's refresh");
    assert_eq!(second_saved.len(), 1, "only the second user's refresh");
    assert_eq!(Some(&second_saved[0]), other.tokens().as_ref());
    assert_eq!(Some(&first_saved[0]), client.tokens().as_ref());

    // Without a store, the rotated tokens stay in the client alone.
    let third = common::expired(env.mint(2, &app, CONTACT_SCOPES, None).await);
    let alone = client
        .with_tokens_and_store(third, None)
        .expect("valid tokens");
    assert_eq!(alone.me().await.expect("me").id, env.users[2].id);
    assert_eq!(saved_first.lock().unwrap().len(), 1);
    assert_eq!(saved_second.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn refresh_is_single_flight_under_concurrency() {
    let env = Env::start();
    let app = env.app(false).await;
    // Expired by the local clock: refreshed before use.
    let tokens = common::expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let client = env
        .builder(&app)
        .tokens(tokens.clone())
        .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
        .build()
        .expect("client");
    env.clear_journal().await;
    let calls = (0..100).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { c.me().await })
    });
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(result.expect("task").expect("me").id, env.users[0].id);
    }
    let refreshes = env.journal("/oauth/token").await;
    assert_eq!(refreshes.len(), 1, "{refreshes:?}");
    assert_eq!(refreshes[0].grant_type.as_deref(), Some("refresh_token"));
    let saved = saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1);
    assert_ne!(saved[0].refresh_token, tokens.refresh_token, "rotated");
    assert_eq!(client.tokens(), Some(saved[0].clone()));
}

#[tokio::test]
async fn refresh_once_after_401_and_store_gets_rotated_tokens() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = env.mint(0, &app, CONTACT_SCOPES, None).await;
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let client = env
        .builder(&app)
        .tokens(tokens.clone())
        .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
        .build()
        .expect("client");
    client.me().await.expect("me");
    env.advance(3700).await; // past the access token's expiry, by the server's clock
    client.me().await.expect("me after a refresh");
    let after_first = client.tokens().expect("tokens");
    client.refresh_tokens().await.expect("explicit refresh");
    let grants: Vec<_> = env
        .journal("/oauth/token")
        .await
        .into_iter()
        .filter_map(|e| e.grant_type)
        .collect();
    assert_eq!(grants, ["refresh_token", "refresh_token"]);
    let saved = saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0], after_first);
    let refresh_tokens: Vec<_> = [
        tokens.refresh_token.clone(),
        saved[0].refresh_token.clone(),
        saved[1].refresh_token.clone(),
    ]
    .into_iter()
    .map(|t| t.expect("refresh token"))
    .collect();
    assert_ne!(refresh_tokens[0], refresh_tokens[1]);
    assert_ne!(refresh_tokens[1], refresh_tokens[2]);
    assert_eq!(client.tokens(), Some(saved[1].clone()));

    // A client without a refresh token reports the 401 as it is.
    let plain = env
        .builder(&app)
        .tokens(TokenSet::bearer(tokens.access_token.expose()))
        .build()
        .expect("client");
    assert_eq!(plain.me().await.expect_err("expired").status(), Some(401));
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = env
        .mint(0, &app, &["openid", "profile", "offline_access"], None)
        .await;
    let client = env
        .builder(&app)
        .tokens(tokens.clone())
        .build()
        .expect("client");
    let request = client
        .authorization_url(&AuthorizationParams::new(["profile"]))
        .expect("url");
    let secret = app.secret.clone().expect("secret");
    let texts = [
        format!("{client:?}"),
        format!("{tokens:?}"),
        format!("{:?}", client.tokens()),
        format!("{request:?}"),
        format!("{:?}", env.builder(&app)),
        format!("{:?}", client.revoke_token("x", None).await),
        format!("{:?}", client.user("nope").await),
    ];
    for text in &texts {
        assert!(!text.contains(tokens.access_token.expose()), "{text}");
        assert!(
            !text.contains(tokens.refresh_token.as_ref().unwrap().expose()),
            "{text}"
        );
        assert!(
            !text.contains(tokens.id_token.as_ref().unwrap().expose()),
            "{text}"
        );
        assert!(!text.contains(&secret), "{text}");
        assert!(!text.contains(request.code_verifier.expose()), "{text}");
    }
    assert!(texts[0].contains("[REDACTED]"));
}

#[tokio::test]
async fn configuration_is_checked() {
    let plain = Client::builder("http://api.example.com").build();
    assert!(matches!(plain, Err(Error::Config(_))));
    assert!(
        Client::builder("http://api.example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    assert!(Client::builder("https://api.example.com").build().is_ok());
    assert!(Client::builder("http://localhost:8080").build().is_ok());
    assert!(Client::builder("http://[::1]:8080").build().is_ok());
    assert!(matches!(
        Client::builder("ftp://x").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder("not a url").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder("https://x/?a=b").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder("https://x").proxy("::bad::").build(),
        Err(Error::Config(_))
    ));
    let c = Client::builder("https://api.example.com/base")
        .build()
        .expect("client");
    assert_eq!(c.base_url(), "https://api.example.com/base/");
    fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
    shareable(&c);
}

/// A `MakeWriter` collecting everything logged.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

#[tokio::test]
async fn logs_never_show_secrets() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = common::expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
    let client = env
        .builder(&app)
        .tokens(tokens.clone())
        .build()
        .expect("client");
    env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
        .await;
    client.me().await.expect("me after a refresh and a retry");
    let (request, redirect) = authorize(&env, &client, &app, &["openid", "profile"]).await;
    client
        .exchange_code(&request, &redirect)
        .await
        .expect("exchange");
    let now = client.tokens().expect("tokens");
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).expect("utf-8");
    assert!(text.contains("refreshing the access token"), "{text}");
    assert!(text.contains("retrying"), "{text}");
    let secrets = [
        tokens.access_token.expose(),
        tokens.refresh_token.as_ref().unwrap().expose(),
        now.access_token.expose(),
        now.id_token.as_ref().unwrap().expose(),
        request.code_verifier.expose(),
        app.secret.as_deref().unwrap(),
    ];
    for secret in secrets {
        assert!(!text.contains(secret), "a secret was logged");
    }
}

#[tokio::test]
async fn a_cancelled_call_never_loses_a_rotated_refresh_token() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = common::expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
    let saved: Arc<Mutex<Vec<TokenSet>>> = Arc::default();
    let sink = saved.clone();
    let client = env
        .builder(&app)
        .tokens(tokens.clone())
        .on_tokens(move |t| sink.lock().unwrap().push(t.clone()))
        .build()
        .expect("client");
    env.clear_journal().await;
    // Poll a call once (it starts the refresh), then drop it.
    let mut call = Box::pin(client.me());
    std::future::poll_fn(|cx| {
        assert!(call.as_mut().poll(cx).is_pending());
        std::task::Poll::Ready(())
    })
    .await;
    drop(call);
    // The refresh still completes and is stored; the next call uses its tokens.
    assert_eq!(client.me().await.expect("me").id, env.users[0].id);
    assert_eq!(env.journal("/oauth/token").await.len(), 1);
    let saved = saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1);
    assert_ne!(saved[0].refresh_token, tokens.refresh_token);
    assert_eq!(client.tokens(), Some(saved[0].clone()));
}

#[tokio::test]
async fn futures_and_streams_are_send() {
    fn send<T: Send>(_: &T) {}
    fn shared<T: Send + Sync + Clone + 'static>(_: &T) {}
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    shared(&client);
    send(&client.me());
    send(&client.create_contact(&messenger_connect::models::NewContact::new("x")));
    send(&client.sync_contacts(None));
    send(&client.refresh_tokens());
    send(
        &client.exchange_code(
            &client
                .authorization_url(&AuthorizationParams::new(["profile"]))
                .expect("url"),
            "http://x",
        ),
    );
    let stream = client
        .contacts(&messenger_connect::Query::new())
        .expect("stream");
    send(&stream);
    let error = client.user("nobody").await.expect_err("404");
    fn data<T: Send + Sync + Clone + PartialEq + std::error::Error + 'static>(_: &T) {}
    data(&error);
}
