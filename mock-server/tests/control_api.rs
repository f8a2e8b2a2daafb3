//! The typed control plane (`MockServer::control()`): it answers and refuses exactly as
//! the `/_mock` endpoints do, its journal filters, device approval without the HTML
//! pages, act-as through the request pipeline, authorize, and operations by name.
mod common;

use common::{ALL_SCOPES, Env};
use messenger_connect_mock::control::{
    ActAs, FaultKind, FaultSpec, JournalFilter, NewApp, OPERATIONS, ResetOptions, TokenRequest,
};
use messenger_connect_mock::{ControlError, MockConfig, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The HTTP form of an operation: method, path, body or query.
fn http_form(op: &str, args: &Value) -> (Method, String, Option<Value>) {
    let field = |k: &str| args[k].as_str().unwrap_or_default().to_string();
    match op {
        "reset" => (Method::POST, "/_mock/reset".into(), Some(args.clone())),
        "users" => (Method::GET, "/_mock/users".into(), None),
        "createUser" => (Method::POST, "/_mock/users".into(), Some(args.clone())),
        "createApp" => (Method::POST, "/_mock/clients".into(), Some(args.clone())),
        "grantConsent" => (Method::POST, "/_mock/consents".into(), Some(args.clone())),
        "mintToken" => (Method::POST, "/_mock/tokens".into(), Some(args.clone())),
        "addFault" => (Method::POST, "/_mock/faults".into(), Some(args.clone())),
        "faults" => (Method::GET, "/_mock/faults".into(), None),
        "removeFault" => (
            Method::DELETE,
            format!("/_mock/faults/{}", field("id")),
            None,
        ),
        "advanceClock" => (Method::POST, "/_mock/clock".into(), Some(args.clone())),
        "stats" => (Method::GET, "/_mock/stats".into(), None),
        "settings" => (Method::GET, "/_mock/settings".into(), None),
        "updateSettings" => (Method::PUT, "/_mock/settings".into(), Some(args.clone())),
        "requests" => {
            let query: Vec<String> = args
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{k}={}", v.as_str().map_or(v.to_string(), str::to_string)))
                .collect();
            (
                Method::GET,
                format!("/_mock/requests?{}", query.join("&")),
                None,
            )
        }
        "acceptInvitation" => (
            Method::POST,
            format!("/_mock/invitations/{}/accept", field("id")),
            None,
        ),
        "events" => (
            Method::GET,
            format!("/_mock/events/{}", field("userId")),
            None,
        ),
        "publishEvent" => (
            Method::POST,
            format!("/_mock/events/{}", field("userId")),
            Some(json!({"type": args["type"], "data": args["data"]})),
        ),
        "approveDevice" => (
            Method::POST,
            format!("/_mock/device/{}", field("userCode")),
            Some(json!({"userId": args["userId"], "decision": "allow"})),
        ),
        other => panic!("no HTTP form for {other} in this test"),
    }
}

#[tokio::test]
async fn refusals_are_the_same_in_process_and_over_http() {
    let env = Env::start();
    let app = env.app(false).await;
    let u0 = env.users[0].id.clone();
    let cases = [
        ("reset", json!({"users": 1001}), 400, "users"),
        ("reset", json!({"seed": "abc"}), 400, "seed"),
        (
            "createUser",
            json!({"displayName": "", "email": "a@b.example", "password": "x"}),
            400,
            "displayName",
        ),
        (
            "createUser",
            json!({"displayName": "A", "password": "x"}),
            400,
            "email",
        ),
        (
            "createApp",
            json!({"name": "X", "scopes": ["profile", "root"]}),
            400,
            "scopes/1",
        ),
        (
            "createApp",
            json!({"name": "X", "redirectUris": ["not a url"]}),
            400,
            "redirectUris/0",
        ),
        (
            "createApp",
            json!({"name": "X", "webOrigins": ["http://127.0.0.1:8080/page"]}),
            400,
            "webOrigins/0",
        ),
        (
            "createApp",
            json!({"name": "X", "webOrigins": vec!["http://a.example"; 21]}),
            400,
            "webOrigins",
        ),
        (
            "mintToken",
            json!({"userId": "nobody", "clientId": app.id, "scopes": []}),
            404,
            "userId",
        ),
        (
            "mintToken",
            json!({"userId": u0, "clientId": app.id, "scopes": [], "expiresIn": 0}),
            400,
            "expiresIn",
        ),
        ("addFault", json!({"kind": "status"}), 400, "status"),
        (
            "updateSettings",
            json!({"refreshTokenReuseGraceSeconds": 86401}),
            400,
            "refreshTokenReuseGraceSeconds",
        ),
        (
            "updateSettings",
            json!({"refreshTokenReuseGraceSeconds": "10"}),
            400,
            "refreshTokenReuseGraceSeconds",
        ),
        (
            "addFault",
            json!({"kind": "delay", "delayMs": 70000}),
            400,
            "delayMs",
        ),
        ("addFault", json!({"kind": "sideways"}), 400, "kind"),
        ("removeFault", json!({"id": "f999"}), 404, ""),
        (
            "advanceClock",
            json!({"advanceSeconds": -1}),
            400,
            "advanceSeconds",
        ),
        ("acceptInvitation", json!({"id": "nope"}), 404, ""),
        (
            "publishEvent",
            json!({"userId": u0, "type": "resync"}),
            400,
            "type",
        ),
        ("events", json!({"userId": "nobody"}), 404, "userId"),
        (
            "approveDevice",
            json!({"userCode": "BCDF-GHJK", "userId": u0}),
            404,
            "userCode",
        ),
        (
            "approveDevice",
            json!({"userCode": "BCDF-GHJK", "userId": "nobody"}),
            404,
            "userId",
        ),
    ];
    for (op, args, status, target) in cases {
        let in_process = env
            .control
            .call(op, args.clone())
            .await
            .expect_err(&format!("{op} {args} is refused"));
        let (method, path, body) = http_form(op, &args);
        let r = env.control(method, &path, body).await;
        assert_eq!(in_process.status, status, "{op} {args}: {in_process}");
        assert_eq!(
            r.status.as_u16(),
            status,
            "{op} {args} over HTTP: {}",
            r.text
        );
        assert_eq!(in_process.code, r.code(), "{op} {args}");
        let http_target = r.body["error"]["target"].as_str().unwrap_or("");
        assert_eq!(
            in_process.target.as_deref().unwrap_or(""),
            target,
            "{op} {args}"
        );
        assert_eq!(http_target, target, "{op} {args} over HTTP");
        assert_eq!(
            in_process.message, r.body["error"]["message"],
            "{op} {args}"
        );
    }
    // Nothing was changed by the refused calls.
    assert_eq!(env.control.users().len(), 3);
    assert!(env.control.faults().is_empty());
}

#[tokio::test]
async fn answers_are_the_same_in_process_and_over_http() {
    let env = Env::start();
    let token = env.token(0, ALL_SCOPES).await;
    env.get("/v1/me", &token).await;
    let id = env
        .fault(
            FaultSpec::status(503)
                .on_path("/v1/me/status")
                .retry_after(2)
                .times(3),
        )
        .await;
    for (op, args) in [
        ("users", json!({})),
        ("faults", json!({})),
        ("requests", json!({"path": "/v1/me", "method": "GET"})),
        ("events", json!({"userId": env.users[0].id})),
        ("settings", json!({})),
        (
            "updateSettings",
            json!({"refreshTokenReuseGraceSeconds": 30}),
        ),
        ("settings", json!({})),
    ] {
        let in_process = env.control.call(op, args.clone()).await.expect(op);
        let (method, path, body) = http_form(op, &args);
        let r = env.control(method, &path, body).await;
        assert_eq!(r.status, StatusCode::OK, "{op}: {}", r.text);
        assert_eq!(in_process, r.body, "{op}");
    }
    // The HTTP update above is what the typed call sees.
    assert_eq!(env.control.settings().refresh_token_reuse_grace_seconds, 30);
    let listed = env.control.faults();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].spec.retry_after, Some(2));
    // Removing through one, gone for the other.
    env.control
        .call("removeFault", json!({"id": id}))
        .await
        .expect("removed");
    let r = env.control(Method::GET, "/_mock/faults", None).await;
    assert_eq!(r.body["faults"], json!([]));
    // A minted token answers like the endpoint's: a TokenResponse.
    let minted = env
        .control
        .call(
            "mintToken",
            json!({"userId": env.users[1].id, "clientId": env.app(false).await.id, "scopes": ["profile", "offline_access"]}),
        )
        .await
        .expect("minted");
    assert_eq!(minted["token_type"], "Bearer");
    assert_eq!(minted["expires_in"], 3600);
    assert!(minted["refresh_token"].is_string());
    let me = env
        .get("/v1/me", minted["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.body["id"], env.users[1].id.as_str());
    // Secrets stay out of Debug.
    let typed = env
        .control
        .mint_token(&serde_json::from_value(json!({"userId": env.users[1].id, "clientId": env.app(false).await.id, "scopes": ["offline_access"]})).unwrap())
        .expect("minted");
    let shown = format!("{typed:?}");
    assert!(!shown.contains(&typed.access_token), "{shown}");
    assert!(
        !shown.contains(typed.refresh_token.as_deref().unwrap()),
        "{shown}"
    );
}

#[tokio::test]
async fn the_journal_filters_by_seq_status_user_and_key() {
    let env = Env::start();
    let alice = env.token(0, ALL_SCOPES).await;
    let bob = env.token(1, ALL_SCOPES).await;
    env.get("/v1/me", &alice).await;
    let mark = env.control.journal_position();
    assert!(mark >= 1);
    env.get("/v1/me", &bob).await;
    env.get("/v1/me/contacts/nope", &alice).await;
    rest::call(
        &env,
        Method::POST,
        "/v1/me/contacts",
        Some(&alice),
        Some(json!({"displayName": "Keyed"})),
        &[("idempotency-key", "k-1")],
    )
    .await;
    let after = env.control.requests(&JournalFilter::default().since(mark));
    assert_eq!(after.len(), 3, "{after:#?}");
    assert!(
        after.windows(2).all(|w| w[1].seq == w[0].seq + 1),
        "seq grows by one"
    );
    let of = |f: JournalFilter| env.control.requests(&f);
    let bobs = of(JournalFilter {
        user_id: Some(env.users[1].id.clone()),
        ..JournalFilter::default()
    });
    assert_eq!(bobs.len(), 1);
    let of_bobs_app = of(JournalFilter {
        client_id: bobs[0].client_id.clone(),
        ..JournalFilter::default()
    });
    assert_eq!(of_bobs_app, bobs, "each token of its own app");
    let missing = of(JournalFilter {
        status: Some(404),
        ..JournalFilter::default()
    });
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].path, "/v1/me/contacts/nope");
    let keyed = of(JournalFilter {
        idempotency_key: Some("k-1".into()),
        ..JournalFilter::default()
    });
    assert_eq!(keyed.len(), 1);
    assert_eq!(keyed[0].status, 201);
    // The same filters as query parameters.
    let r = env
        .control(
            Method::GET,
            &format!(
                "/_mock/requests?since={mark}&status=404&userId={}",
                env.users[0].id
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["requests"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["requests"][0]["seq"], missing[0].seq);
    let r = env
        .control(Method::GET, "/_mock/requests?since=-1", None)
        .await;
    rest::assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("since"),
    );
    // Each filter parameter at most once.
    for dup in [
        "since=1&since=2",
        "path=/v1&path=/oauth",
        "userId=a&userId=b",
    ] {
        let r = env
            .control(Method::GET, &format!("/_mock/requests?{dup}"), None)
            .await;
        let name = dup.split('=').next().unwrap();
        rest::assert_error(&r, StatusCode::BAD_REQUEST, "validationFailed", Some(name));
    }
    // A clear keeps the numbering going.
    env.control.clear_requests();
    env.get("/v1/me", &alice).await;
    let next = env.control.requests(&JournalFilter::path("/v1/me"));
    assert_eq!(next.len(), 1);
    assert!(next[0].seq > keyed[0].seq);
}

#[path = "support/rest.rs"]
mod rest;

/// Starts a device authorization for `app` (client_secret_basic); its device and user code.
async fn start_device(env: &Env, app: &common::App) -> (String, String) {
    let mut req = env.http.post(env.url("/oauth/device_authorization"));
    req = req.basic_auth(&app.id, app.secret.as_deref());
    let r = common::read(
        req.form(&[("scope", "profile")])
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (
        r.body["device_code"].as_str().unwrap().to_string(),
        r.body["user_code"].as_str().unwrap().to_string(),
    )
}

async fn poll(env: &Env, app: &common::App, device_code: &str) -> common::Reply {
    env.token_request(
        app,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
        ],
    )
    .await
}

#[tokio::test]
async fn device_codes_are_answered_without_the_pages() {
    let env = Env::start();
    let app = env.app(false).await;
    let (device, code) = start_device(&env, &app).await;
    assert_eq!(
        poll(&env, &app, &device).await.code(),
        "authorization_pending"
    );
    // Any case, with or without the dash.
    let typed = code.replace('-', "").to_lowercase();
    let answer = env
        .control
        .approve_device(&typed, &env.users[2].id)
        .expect("approved");
    assert_eq!(answer.user_code, code);
    assert_eq!(answer.client_id, app.id);
    assert_eq!(answer.scopes, ["profile"]);
    env.advance(6).await; // past the polling interval
    let r = poll(&env, &app, &device).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let me = env
        .get("/v1/me", r.body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.body["id"], env.users[2].id.as_str());
    // An answered code cannot be answered again.
    let again = env
        .control
        .deny_device(&code, &env.users[2].id)
        .unwrap_err();
    assert_eq!(
        (again.status, again.target.as_deref()),
        (404, Some("userCode"))
    );

    // Over HTTP: a denial.
    let (device, code) = start_device(&env, &app).await;
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/device/{code}"),
            Some(json!({"userId": env.users[0].id, "decision": "deny"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["decision"], "deny");
    env.advance(6).await;
    assert_eq!(poll(&env, &app, &device).await.code(), "access_denied");
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/device/{code}"),
            Some(json!({"userId": env.users[0].id, "decision": "maybe"})),
        )
        .await;
    rest::assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "validationFailed",
        Some("decision"),
    );
}

#[tokio::test]
async fn act_as_runs_through_the_request_pipeline() {
    let env = Env::start();
    let user = env.users[1].id.clone();
    let mut create =
        ActAs::new(&user, "POST", "contacts").body(json!({"displayName": "Via Control"}));
    create.idempotency_key = Some("act-1".into());
    let first = env.control.act_as(&create).await.expect("created");
    assert_eq!(first.status, 201);
    assert_eq!(first.body["displayName"], "Via Control");
    let again = env.control.act_as(&create).await.expect("replayed");
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        again.headers.get("idempotent-replayed").map(String::as_str),
        Some("true")
    );
    let journaled = env.control.requests(&JournalFilter::path(format!(
        "/_mock/act-as/{user}/contacts"
    )));
    assert_eq!(journaled.len(), 2);
    assert!(
        journaled
            .iter()
            .all(|e| e.idempotency_key.as_deref() == Some("act-1"))
    );

    // A refusal of the resource is an error carrying its status, code and target.
    let bad = ActAs::new(&user, "POST", "contacts").body(json!({"displayName": ""}));
    let err: ControlError = env.control.act_as(&bad).await.unwrap_err();
    assert_eq!((err.status, err.code.as_str()), (400, "validationFailed"));
    assert_eq!(err.target.as_deref(), Some("displayName"));
    let err = env
        .control
        .act_as(&ActAs::new("nobody", "GET", ""))
        .await
        .unwrap_err();
    assert_eq!(err.status, 404);
    let err = env
        .control
        .act_as(&ActAs::new(&user, "NOT A METHOD", "status"))
        .await
        .unwrap_err();
    assert_eq!(err.target.as_deref(), Some("method"));

    // From synchronous code too.
    let control = env.control.clone();
    let status = std::thread::spawn(move || {
        control
            .act_as_blocking(&ActAs::new(&user, "GET", "status"))
            .expect("status")
    })
    .join()
    .expect("thread");
    assert_eq!(status.status, 200);
    assert!(status.body["presence"].is_string());
}

#[tokio::test]
async fn authorize_lands_where_a_browser_with_consent_would() {
    let env = Env::start();
    let app = env.app(false).await;
    let user = &env.users[0];
    env.control
        .call(
            "grantConsent",
            json!({"userId": user.id, "clientId": app.id, "scopes": ["profile"]}),
        )
        .await
        .expect("consent");
    let query = format!(
        "response_type=code&client_id={}&redirect_uri={}&scope=profile&state=s1&prompt=none&login_hint={}",
        app.id,
        rest::enc(&app.redirect_uri),
        rest::enc(&user.email)
    );
    let location = env
        .control
        .authorize(&format!("{}/oauth/authorize?{query}", env.base))
        .await
        .expect("redirected");
    assert!(location.starts_with(&app.redirect_uri), "{location}");
    assert!(
        common::query_value(&location, "code").is_some(),
        "{location}"
    );
    assert_eq!(
        common::query_value(&location, "state").as_deref(),
        Some("s1")
    );
    // A relative URL is this server's; another server's is refused.
    let again = env
        .control
        .call(
            "authorize",
            json!({"url": format!("/oauth/authorize?{query}")}),
        )
        .await
        .expect("redirected");
    assert!(
        again["location"]
            .as_str()
            .unwrap()
            .starts_with(&app.redirect_uri)
    );
    let err = env
        .control
        .authorize("http://elsewhere.example/oauth/authorize")
        .await
        .unwrap_err();
    assert_eq!(err.target.as_deref(), Some("url"));
}

#[tokio::test]
async fn operations_are_called_by_name_in_any_case() {
    let env = Env::start();
    for op in OPERATIONS {
        // Every name is known: bad arguments are refused as such, never as an unknown op.
        let r = env.control.call(op, json!({"id": 5, "userId": 5})).await;
        if let Err(e) = r {
            assert_ne!(e.target.as_deref(), Some("op"), "{op}: {e}");
        }
    }
    let id = env
        .control
        .call("add_fault", json!({"kind": "reset", "path": "/v1/me"}))
        .await
        .expect("snake_case");
    assert_eq!(env.control.faults()[0].id, id["id"]);
    assert_eq!(env.control.faults()[0].spec.kind, FaultKind::Reset);
    env.control
        .call("ClearFaults", Value::Null)
        .await
        .expect("any case");
    assert!(env.control.faults().is_empty());
    let err = env.control.call("dropTables", json!({})).await.unwrap_err();
    assert_eq!((err.status, err.target.as_deref()), (400, Some("op")));
    // Blocking calls from a plain thread.
    let control = env.control.clone();
    let users = std::thread::spawn(move || control.call_blocking("users", Value::Null))
        .join()
        .expect("thread")
        .expect("users");
    assert_eq!(users["users"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_stopped_server_refuses_requests_it_would_run() {
    let server = MockServer::start(MockConfig::default()).expect("starts");
    let control = server.control();
    let user = control.users()[0].id.clone();
    let created = control.create_app(&NewApp::new("before")).expect("app");
    assert!(created.client_secret.is_some());
    assert!(!format!("{created:?}").contains(created.client_secret.as_deref().unwrap()));
    server.shutdown();
    let err = control
        .act_as_blocking(&ActAs::new(&user, "GET", "status"))
        .unwrap_err();
    assert_eq!((err.status, err.code.as_str()), (503, "serverStopped"));
}

#[tokio::test]
async fn stats_answer_alike_and_count_what_the_server_holds() {
    let env = Env::start();
    let before = env.control.stats();
    assert_eq!(before.users, 3);
    assert_eq!(before.contacts, 150);
    env.token(0, ALL_SCOPES).await;
    let typed = env.control.stats();
    assert_eq!(typed.access_tokens, before.access_tokens + 1);
    let by_name = env.control.call("stats", Value::Null).await.expect("stats");
    assert_eq!(by_name, serde_json::to_value(&typed).unwrap());
    let r = env.control(Method::GET, "/_mock/stats", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Over HTTP the journal has this request's neighbours and one request is in progress;
    // every other store is the same.
    let mut http = r.body.clone();
    let mut here = by_name.clone();
    for v in [&mut http, &mut here] {
        let m = v.as_object_mut().unwrap();
        m.remove("journal");
        m.remove("requestsInProgress");
    }
    assert_eq!(here, http);
    assert_eq!(r.body["requestsInProgress"], 1);
    assert_eq!(
        r.body["journal"]["maxBytes"],
        json!(typed.journal.max_bytes)
    );
}

#[tokio::test]
async fn reset_keeps_the_start_up_settings_and_fixtures_in_process_and_over_http() {
    let env = Env::with(MockConfig {
        users: 2,
        contacts_per_user: 4,
        fixtures: Some(json!({
            "users": [{"id": "u-fix", "email": "fix@fixtures.test", "password": "fix-pw", "displayName": "Fix Ture"}],
            "apps": [{"clientId": "app-fix", "clientSecret": "fixture-secret", "name": "Fixture app", "webOrigins": ["http://127.0.0.1:5173"]}]
        })),
        ..MockConfig::default()
    });
    let ids = |users: &[messenger_connect_mock::MockUser]| {
        users.iter().map(|u| u.id.clone()).collect::<Vec<_>>()
    };
    let at_start = ids(&env.control.users());
    assert_eq!(at_start.len(), 3, "{at_start:?}");
    assert!(at_start.contains(&"u-fix".to_string()));
    env.control
        .create_user(
            &serde_json::from_value(
                json!({"displayName": "Extra", "email": "extra@x.test", "password": "pw"}),
            )
            .unwrap(),
        )
        .expect("created");
    let reset = env
        .control
        .reset(&ResetOptions::default())
        .expect("reset in process");
    assert_eq!(ids(&reset), at_start);
    assert_eq!(env.control.stats().contacts, 2 * 4);
    // The fixture app is back, with its fixed id and web origin.
    let minted = env.control.mint_token(&TokenRequest {
        user_id: "u-fix".into(),
        client_id: "app-fix".into(),
        scopes: vec!["profile".into()],
        expires_in: None,
    });
    assert!(minted.is_ok(), "{minted:?}");
    let r = env.control(Method::POST, "/_mock/reset", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"users": serde_json::to_value(env.control.users()).unwrap()})
    );
    assert_eq!(r.body["users"].as_array().map(Vec::len), Some(3));
    // A field given still wins.
    let more = env
        .control
        .reset(&ResetOptions {
            users: Some(4),
            ..ResetOptions::default()
        })
        .expect("reset with users");
    assert_eq!(more.len(), 5);
}

#[tokio::test]
async fn the_control_token_guards_http_but_not_the_in_process_handle() {
    let env = Env::with(MockConfig {
        control_token: Some("control-token-for-tests".into()),
        ..MockConfig::default()
    });
    let r = env.control(Method::GET, "/_mock/users", None).await;
    rest::assert_error(&r, StatusCode::UNAUTHORIZED, "controlTokenRequired", None);
    assert_eq!(env.control.users().len(), 3);
    // act_as runs a real `/_mock/act-as` request through the pipeline: it passes the check.
    let status = env
        .control
        .act_as(&ActAs::new(&env.users[0].id, "GET", "status"))
        .await
        .expect("act-as in process");
    assert_eq!(status.status, 200);
    assert!(status.body["presence"].is_string(), "{:?}", status.body);
}
