//! The mock as a service in users' CI: the issuer and links follow the name the client
//! used (or `--public-url`), the control plane needs a token beyond loopback, reset keeps
//! the start-up settings, fixtures, the clock's limit, errors in the documented shape,
//! repeated OAuth parameters, and the binary's environment variables and SIGTERM.
#[path = "support/child.rs"]
mod child;
mod common;
#[path = "support/rest.rs"]
mod rest;

use base64::Engine;
use child::MockProcess;
use common::{ALL_SCOPES, Env, read};
use messenger_connect_mock::{MockConfig, MockServer, RateLimit, StartError};
use reqwest::{Method, StatusCode};
use rest::assert_error;
use serde_json::{Value, json};

/// A GET with an explicit `Host` header (the name a client would have used).
async fn get_as(env: &Env, host: &str, path: &str, token: Option<&str>) -> common::Reply {
    let mut req = env.http.get(env.url(path)).header("host", host);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    read(req.send().await.expect("request sent")).await
}

/// Sends `req` with `Host: host` and reads the reply.
async fn send_as(host: &str, req: reqwest::RequestBuilder) -> common::Reply {
    read(req.header("host", host).send().await.expect("request sent")).await
}

/// The claims of a JWT (not verified: the test reads what the server wrote).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

#[tokio::test]
async fn issuer_discovery_and_links_follow_the_name_the_client_used() {
    let env = Env::start();
    let port = env.server.addr().port();
    let app = env.app(false).await;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "mock:8080".to_string(),
    ] {
        let base = format!("http://{host}");
        let oidc = get_as(&env, &host, "/.well-known/openid-configuration", None).await;
        assert_eq!(oidc.status, StatusCode::OK, "{}", oidc.text);
        assert_eq!(oidc.body["issuer"], base.as_str());
        for key in [
            "authorization_endpoint",
            "token_endpoint",
            "device_authorization_endpoint",
            "revocation_endpoint",
            "introspection_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
        ] {
            let url = oidc.body[key].as_str().expect(key);
            assert!(url.starts_with(&format!("{base}/")), "{key}: {url}");
        }
        assert_eq!(oidc.body["request_uri_parameter_supported"], false);
        assert_eq!(oidc.body["request_parameter_supported"], false);
        // RFC 8414: the same metadata at the OAuth well-known path.
        let rfc8414 = get_as(&env, &host, "/.well-known/oauth-authorization-server", None).await;
        assert_eq!(rfc8414.status, StatusCode::OK, "{}", rfc8414.text);
        assert_eq!(rfc8414.body, oidc.body);
        // id_token `iss`, introspection `iss`, a collection's next link, a Location.
        let r = send_as(&host, env.http.post(env.url("/_mock/tokens"))
                .json(&json!({"userId": env.users[0].id, "clientId": app.id, "scopes": ["openid", "contacts.read", "contacts.write"]}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let id_token = r.body["id_token"].as_str().expect("id_token");
        assert_eq!(claims(id_token)["iss"], base.as_str());
        let token = r.body["access_token"].as_str().unwrap().to_string();
        let page = get_as(&env, &host, "/v1/me/contacts?$top=2", Some(&token)).await;
        let next = page.body["@odata.nextLink"].as_str().expect("nextLink");
        assert!(
            next.starts_with(&format!("{base}/v1/me/contacts?")),
            "{next}"
        );
        let created = send_as(
            &host,
            env.http
                .post(env.url("/v1/me/contacts"))
                .bearer_auth(&token)
                .json(&json!({"displayName": "Host Test"})),
        )
        .await;
        let location = created.header("location").expect("Location");
        assert!(
            location.starts_with(&format!("{base}/v1/me/contacts/")),
            "{location}"
        );
        let intro = send_as(
            &host,
            env.http
                .post(env.url("/oauth/introspect"))
                .basic_auth(&app.id, app.secret.as_deref())
                .form(&[("token", token.as_str())]),
        )
        .await;
        assert_eq!(intro.body["iss"], base.as_str(), "{}", intro.text);
        let device = send_as(
            &host,
            env.http
                .post(env.url("/oauth/device_authorization"))
                .basic_auth(&app.id, app.secret.as_deref())
                .form(&[("scope", "openid")]),
        )
        .await;
        assert_eq!(device.body["verification_uri"], format!("{base}/device"));
    }
    // A Host that is not a plain name falls back to the bound address.
    let odd = get_as(&env, "a b", "/.well-known/openid-configuration", None).await;
    assert_eq!(odd.body["issuer"], env.base.as_str());
}

#[tokio::test]
async fn a_public_url_is_the_issuer_and_link_base_whatever_the_host() {
    let env = Env::with(MockConfig {
        public_url: Some("https://Mock.Example.test/mc/".into()),
        ..MockConfig::default()
    });
    assert_eq!(
        env.server.public_url(),
        Some("https://mock.example.test/mc")
    );
    let oidc = get_as(
        &env,
        "localhost:1",
        "/.well-known/openid-configuration",
        None,
    )
    .await;
    assert_eq!(oidc.body["issuer"], "https://mock.example.test/mc");
    assert_eq!(
        oidc.body["token_endpoint"],
        "https://mock.example.test/mc/oauth/token"
    );
    let token = env.token(0, ALL_SCOPES).await;
    let page = env.get("/v1/me/contacts?$top=1", &token).await;
    let next = page.body["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with("https://mock.example.test/mc/v1/me/contacts?"),
        "{next}"
    );
    let bad = MockServer::start(MockConfig {
        public_url: Some("mock:8080".into()),
        ..MockConfig::default()
    });
    assert!(
        matches!(&bad, Err(StartError::Init(m)) if m.contains("mock:8080")),
        "{bad:?}"
    );
}

#[tokio::test]
async fn beyond_loopback_the_control_plane_needs_its_token() {
    let refused = MockServer::start(MockConfig {
        host: "0.0.0.0".into(),
        ..MockConfig::default()
    });
    match refused {
        Err(StartError::Config(m)) => {
            assert!(m.contains("MESSENGER_CONNECT_MOCK_CONTROL_TOKEN"), "{m}")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let secret = "ctl-3f9a7c1e-token";
    let env = Env::with(MockConfig {
        host: "0.0.0.0".into(),
        control_token: Some(secret.into()),
        ..MockConfig::default()
    });
    assert!(env.base.starts_with("http://127.0.0.1:"), "{}", env.base);
    assert!(!format!("{:?}", env.server).contains(secret));
    let r = env.control(Method::GET, "/_mock/users", None).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "controlTokenRequired", None);
    assert!(!r.text.contains(secret));
    let r = env
        .send(Method::GET, "/_mock/users", Some("wrong-token"), None)
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "controlTokenRequired", None);
    let act = format!("/_mock/act-as/{}/status", env.users[0].id);
    let r = env.send(Method::GET, &act, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let r = env
        .send(Method::GET, "/_mock/users", Some(secret), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["users"].as_array().unwrap().len(), 3);
    let r = env.send(Method::GET, &act, Some(secret), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The rest of the API is not behind the control token.
    let r = env.send(Method::GET, "/health", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = env
        .send(Method::GET, "/_mock/requests", Some(secret), None)
        .await;
    assert!(
        !r.text.contains(secret),
        "the journal shows the control token"
    );
}

#[tokio::test]
async fn reset_keeps_the_start_up_settings_unless_the_body_overrides_them() {
    let env = Env::with(MockConfig {
        users: 2,
        contacts_per_user: 4,
        rate_limit: RateLimit {
            limit: 30,
            window_seconds: 60,
        },
        ..MockConfig::default()
    });
    let r = env.control(Method::POST, "/_mock/reset", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["users"].as_array().unwrap().len(), 2);
    let mut env = env;
    env.users = env.server.users();
    let t = env.token(0, ALL_SCOPES).await;
    let page = env.get("/v1/me/contacts", &t).await;
    assert_eq!(page.body["value"].as_array().unwrap().len(), 4);
    assert_eq!(page.header("ratelimit-limit"), Some("30"));
    // A body field overrides only itself.
    let r = env
        .control(Method::POST, "/_mock/reset", Some(json!({"users": 3})))
        .await;
    assert_eq!(r.body["users"].as_array().unwrap().len(), 3);
    env.users = env.server.users();
    let t = env.token(2, ALL_SCOPES).await;
    let page = env.get("/v1/me/contacts", &t).await;
    assert_eq!(page.body["value"].as_array().unwrap().len(), 4);
    assert_eq!(page.header("ratelimit-limit"), Some("30"));
}

#[tokio::test]
async fn the_clock_refuses_times_it_cannot_represent_and_the_server_keeps_answering() {
    let env = Env::start();
    let mut refused = None;
    for _ in 0..2000 {
        let r = env
            .control(
                Method::POST,
                "/_mock/clock",
                Some(json!({"advanceSeconds": 315_360_000})),
            )
            .await;
        if r.status != StatusCode::OK {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("the clock stops before it overflows");
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("advanceSeconds"),
    );
    let now = env.control(Method::GET, "/_mock/clock", None).await;
    assert!(
        now.body["now"].as_str().unwrap().starts_with("89"),
        "{}",
        now.text
    );
    // Everything still answers, expiries included.
    let token = env.token(0, ALL_SCOPES).await;
    let me = env.get("/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(
        env.send(Method::GET, "/health", None, None).await.status,
        StatusCode::OK
    );
    let r = env.control(Method::POST, "/_mock/reset", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn undecodable_path_ids_and_repeated_query_parameters_answer_documented_errors() {
    let env = Env::start();
    let token = env.token(0, ALL_SCOPES).await;
    let user = &env.users[0].id;
    let cases: Vec<(Method, String, &str)> = vec![
        (Method::GET, "/v1/me/contacts/%FF%FE".into(), "id"),
        (Method::PATCH, "/v1/me/contacts/%FF%FE".into(), "id"),
        (Method::DELETE, "/v1/me/contacts/%FF%FE".into(), "id"),
        (Method::GET, "/v1/users/%FF%FE".into(), "id"),
        (Method::GET, "/v1/me/activities/%FF%FE".into(), "id"),
        (Method::DELETE, "/v1/me/invitations/%FF%FE".into(), "id"),
        (
            Method::GET,
            "/v1/me/conversations/%FF%FE/messages".into(),
            "id",
        ),
        (Method::DELETE, "/v1/me/permissions/%FF%FE".into(), "scope"),
        (
            Method::GET,
            "/portablecontacts/@me/@all/%FF%FE".into(),
            "id",
        ),
        (Method::DELETE, "/_mock/faults/%FF%FE".into(), "id"),
        (Method::GET, "/_mock/events/%FF%FE".into(), "user_id"),
        (
            Method::GET,
            format!("/_mock/act-as/{user}/contacts/%FF%FE"),
            "id",
        ),
    ];
    for (method, path, target) in cases {
        let body = (method == Method::PATCH).then(|| json!({"displayName": "x"}));
        let r = env.send(method.clone(), &path, Some(&token), body).await;
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "{method} {path}: {}",
            r.text
        );
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some(target),
        );
    }
    let r = env
        .control(Method::GET, "/_mock/requests?path=/v1&path=/oauth", None)
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("path"),
    );
    let r = env
        .control(Method::GET, "/_mock/requests?method=GET&method=POST", None)
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("method"),
    );
}

#[tokio::test]
async fn repeated_oauth_parameters_are_invalid_requests() {
    let env = Env::start();
    let app = env.app(false).await;
    let form = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", rest::enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let post = |path: &str, body: String| {
        env.http
            .post(env.url(path))
            .basic_auth(&app.id, app.secret.as_deref())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let r = read(
        post(
            "/oauth/token",
            form(&[
                ("grant_type", "client_credentials"),
                ("grant_type", "client_credentials"),
            ]),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.body["error"], "invalid_request");
    assert!(
        r.body["error_description"]
            .as_str()
            .unwrap()
            .contains("grant_type")
    );
    assert!(r.body.get("access_token").is_none());
    // The same request without the repeat succeeds.
    let ok = read(
        post(
            "/oauth/token",
            form(&[("grant_type", "client_credentials")]),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let r = read(
        post(
            "/oauth/device_authorization",
            form(&[("scope", "openid"), ("scope", "profile")]),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(r.body["error"], "invalid_request", "{}", r.text);
    for path in ["/oauth/revoke", "/oauth/introspect"] {
        let r = read(
            post(path, form(&[("token", "a"), ("token", "b")]))
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.body["error"], "invalid_request", "{path}");
    }
    // The authorization endpoint: a repeat redirects with invalid_request, except a
    // repeated client_id or redirect_uri, which cannot be redirected to.
    let (_, challenge) = common::pkce();
    let base = format!(
        "/oauth/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid&code_challenge={challenge}&code_challenge_method=S256",
        app.id,
        rest::enc(&app.redirect_uri)
    );
    let r = env
        .send(Method::GET, &format!("{base}&state=a&state=b"), None, None)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let location = r.header("location").unwrap();
    assert_eq!(
        common::query_value(location, "error").as_deref(),
        Some("invalid_request")
    );
    let r = env
        .send(
            Method::GET,
            &format!("{base}&client_id={}", app.id),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.header("location").is_none());
}

fn fixture_doc() -> Value {
    json!({
        "users": [
            {"id": "u-alice", "email": "alice@fixtures.test", "password": "alice-pw", "displayName": "Alice Fixture"},
            {"email": "bob@fixtures.test", "password": "bob-pw", "displayName": "Bob Fixture"}
        ],
        "apps": [
            {"clientId": "ci-app", "clientSecret": "ci-app-secret-1", "name": "CI", "redirectUris": ["http://127.0.0.1:9/cb"]},
            {"clientId": "spa", "name": "SPA", "public": true, "redirectUris": ["http://127.0.0.1:9/spa"], "scopes": ["openid", "profile"]}
        ],
        "contacts": {
            "u-alice": [
                {"id": "c-carol", "displayName": "Carol", "emails": [{"value": "carol@fixtures.test"}]},
                {"displayName": "Dave"}
            ]
        },
        "friends": [["u-alice", "bob@fixtures.test"]],
        "activities": {"bob@fixtures.test": [{"type": "Note", "content": "Hello from the fixtures"}]}
    })
}

#[tokio::test]
async fn fixtures_load_at_start_and_again_after_each_reset() {
    let env = Env::with(MockConfig {
        users: 1,
        fixtures: Some(fixture_doc()),
        ..MockConfig::default()
    });
    for round in 0..2 {
        let users = env.control(Method::GET, "/_mock/users", None).await;
        let list = users.body["users"].as_array().unwrap();
        assert_eq!(list.len(), 3, "round {round}: {}", users.text);
        assert!(
            list.iter()
                .any(|u| u["id"] == "u-alice" && u["password"] == "alice-pw")
        );
        // The fixture app's fixed credentials work.
        let r = read(
            env.http
                .post(env.url("/oauth/token"))
                .basic_auth("ci-app", Some("ci-app-secret-1"))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "round {round}: {}", r.text);
        let r = env
            .control(
                Method::POST,
                "/_mock/tokens",
                Some(json!({"userId": "u-alice", "clientId": "ci-app", "scopes": ["contacts.read", "friends.read", "feed.read"]})),
            )
            .await;
        let token = r.body["access_token"].as_str().expect("token").to_string();
        let contacts = env.get("/v1/me/contacts/c-carol", &token).await;
        assert_eq!(contacts.body["displayName"], "Carol", "{}", contacts.text);
        let all = env.get("/v1/me/contacts", &token).await;
        assert_eq!(all.body["value"].as_array().unwrap().len(), 2);
        let friends = env.get("/v1/me/friends", &token).await;
        assert_eq!(friends.body["value"][0]["displayName"], "Bob Fixture");
        let feed = env.get("/v1/me/feed", &token).await;
        assert_eq!(feed.body["value"][0]["content"], "Hello from the fixtures");
        let r = env.control(Method::POST, "/_mock/reset", None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let mut bad = fixture_doc();
    bad["contacts"]["u-alice"][0]["emails"][0]["value"] = json!("not an email");
    match MockServer::start(MockConfig {
        fixtures: Some(bad),
        ..MockConfig::default()
    }) {
        Err(StartError::Init(m)) => {
            assert!(
                m.contains("fixtures: contacts/u-alice/0/emails/0/value"),
                "{m}"
            )
        }
        other => panic!("expected a fixture error, got {other:?}"),
    }
    let mut unknown = fixture_doc();
    unknown["friends"] = json!([["u-alice", "nobody@fixtures.test"]]);
    match MockServer::start(MockConfig {
        fixtures: Some(unknown),
        ..MockConfig::default()
    }) {
        Err(StartError::Init(m)) => assert!(m.contains("friends/0"), "{m}"),
        other => panic!("expected a fixture error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_binary_takes_its_flags_from_the_environment_and_stops_gracefully_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("mc-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fixtures.json");
    std::fs::write(&file, fixture_doc().to_string()).unwrap();
    let proc = MockProcess::start(
        &[],
        &[
            ("MESSENGER_CONNECT_MOCK_USERS", "2"),
            ("MESSENGER_CONNECT_MOCK_RATE_LIMIT", "7"),
            ("MESSENGER_CONNECT_MOCK_PUBLIC_URL", "http://mock.test:9999"),
            ("MESSENGER_CONNECT_MOCK_FIXTURES", file.to_str().unwrap()),
            ("MESSENGER_CONNECT_MOCK_JOURNAL_MAX_BYTES", "100000"),
        ],
    );
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", proc.url)).send();
    let users: Value = get("/_mock/users").await.unwrap().json().await.unwrap();
    assert_eq!(users["users"].as_array().unwrap().len(), 4, "{users}");
    let oidc: Value = get("/.well-known/openid-configuration")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(oidc["issuer"], "http://mock.test:9999");
    let stats: Value = get("/_mock/stats").await.unwrap().json().await.unwrap();
    assert_eq!(stats["journal"]["maxBytes"], 100000, "{stats}");
    let token: Value = http
        .post(format!("{}/_mock/tokens", proc.url))
        .json(&json!({"userId": "u-alice", "clientId": "ci-app", "scopes": ["profile", "chat"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let me = http
        .get(format!("{}/v1/me", proc.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.headers()["ratelimit-limit"], "7");
    // A request in progress when SIGTERM arrives still gets its answer; a live socket is
    // closed with 1001; the process exits 0.
    let fault = http
        .post(format!("{}/_mock/faults", proc.url))
        .json(&json!({"path": "/v1/me", "kind": "delay", "delayMs": 1500}))
        .send()
        .await
        .unwrap();
    assert_eq!(fault.status(), StatusCode::CREATED);
    let ws_url = format!(
        "{}/_mock/act-as/u-alice/events",
        proc.url.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .expect("socket");
    let slow = tokio::spawn({
        let http = http.clone();
        let url = format!("{}/v1/me", proc.url);
        async move { http.get(url).bearer_auth(token).send().await }
    });
    // SIGTERM once the delayed request is inside the server (besides the stats request).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let stats: Value = get("/_mock/stats").await.unwrap().json().await.unwrap();
        if stats["requestsInProgress"].as_u64() >= Some(2) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slow request never arrived"
        );
    }
    proc.signal("TERM");
    let answered = tokio::time::timeout(std::time::Duration::from_secs(30), slow)
        .await
        .expect("the in-flight request ends")
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(answered.status(), StatusCode::OK);
    use futures_util::StreamExt;
    let close = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(msg) = ws.next().await {
            if let Ok(tokio_tungstenite::tungstenite::Message::Close(frame)) = msg {
                return frame.map(|f| u16::from(f.code));
            }
        }
        None
    })
    .await
    .expect("the socket is closed in time");
    assert_eq!(close, Some(1001));
    let (status, stderr) = proc.wait_exit();
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(
        stderr.contains("SIGTERM: stopping") && stderr.contains("stopped"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_binary_refuses_an_open_control_plane_and_bad_fixtures_with_a_clear_message() {
    let err = MockProcess::try_start(&["--host", "0.0.0.0"], &[])
        .err()
        .expect("refused");
    assert_eq!(err.0.and_then(|s| s.code()), Some(1));
    assert!(
        err.1.contains("MESSENGER_CONNECT_MOCK_CONTROL_TOKEN"),
        "{}",
        err.1
    );
    let ok = MockProcess::start(
        &["--host", "0.0.0.0"],
        &[("MESSENGER_CONNECT_MOCK_CONTROL_TOKEN", "ctl-env-token")],
    );
    let r = reqwest::Client::new()
        .get(format!("{}/_mock/users", ok.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let dir = std::env::temp_dir().join(format!("mc-bad-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"activities": {"x": [{"type": "Poke"}]}}"#).unwrap();
    let err = MockProcess::try_start(&["--fixtures", file.to_str().unwrap()], &[])
        .err()
        .expect("refused");
    assert!(err.1.contains("fixtures: activities/x/0/type"), "{}", err.1);
    let _ = std::fs::remove_dir_all(&dir);
}
