//! Shared helpers of the client's integration tests: each test starts an in-process mock
//! server and drives its control plane (`/_mock`) over plain HTTP.
#![allow(dead_code)]

pub mod browser;
pub mod schema;

use messenger_connect::{Client, ClientBuilder, RetryPolicy, TokenResponse, TokenSet};
use messenger_connect_mock::{MockConfig, MockServer, MockUser};
use serde_json::{Value, json};

/// Every scope of the contract.
pub const ALL_SCOPES: &[&str] = messenger_connect_mock::SCOPES;

/// The redirect URI every test app registers.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// A running mock, a raw HTTP client for its control plane, and its seeded users.
pub struct Env {
    pub server: MockServer,
    pub http: reqwest::Client,
    pub base: String,
    pub users: Vec<MockUser>,
}

/// A registered app.
#[derive(Debug, Clone)]
pub struct App {
    pub id: String,
    pub secret: Option<String>,
}

impl Env {
    /// A server with the default seed (3 users, 50 contacts each).
    pub fn start() -> Env {
        Env::with(MockConfig::default())
    }

    /// A server with this configuration.
    pub fn with(config: MockConfig) -> Env {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let server = MockServer::start(config).expect("mock server starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let base = server.url().to_string();
        let users = server.users();
        Env {
            server,
            http,
            base,
            users,
        }
    }

    /// A control-plane call; returns status and JSON body.
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("control request");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Registers an app allowed every scope (confidential unless `public`).
    pub async fn app(&self, public: bool) -> App {
        let (status, body) = self
            .control(
                reqwest::Method::POST,
                "/_mock/clients",
                Some(json!({"name": "Client Test", "redirectUris": [REDIRECT_URI], "public": public, "scopes": ALL_SCOPES})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        App {
            id: body["clientId"].as_str().expect("clientId").to_string(),
            secret: body["clientSecret"].as_str().map(str::to_string),
        }
    }

    /// A token response for seed user `user`, minted by `/_mock/tokens`.
    pub async fn mint(
        &self,
        user: usize,
        app: &App,
        scopes: &[&str],
        expires_in: Option<i64>,
    ) -> TokenSet {
        let mut body = json!({"userId": self.users[user].id, "clientId": app.id, "scopes": scopes});
        if let Some(e) = expires_in {
            body["expiresIn"] = json!(e);
        }
        let (status, body) = self
            .control(reqwest::Method::POST, "/_mock/tokens", Some(body))
            .await;
        assert_eq!(status, 200, "{body}");
        let response: TokenResponse = serde_json::from_value(body).expect("token response");
        TokenSet::from_response(response)
    }

    /// A client builder for this server and app (fast retries).
    pub fn builder(&self, app: &App) -> ClientBuilder {
        let mut b = Client::builder(&self.base)
            .client_id(&app.id)
            .redirect_uri(REDIRECT_URI)
            .no_proxy()
            .retry_policy(RetryPolicy {
                initial_backoff: std::time::Duration::from_millis(10),
                max_backoff: std::time::Duration::from_millis(100),
                ..RetryPolicy::default()
            });
        if let Some(s) = &app.secret {
            b = b.client_secret(s);
        }
        b
    }

    /// A client of a new confidential app, signed in as seed user `user` with `scopes`.
    pub async fn client(&self, user: usize, scopes: &[&str]) -> (Client, App) {
        let app = self.app(false).await;
        let tokens = self.mint(user, &app, scopes, None).await;
        let client = self.builder(&app).tokens(tokens).build().expect("client");
        (client, app)
    }

    /// Journal entries whose path starts with `path`.
    pub async fn journal(&self, path: &str) -> Vec<Value> {
        let (status, body) = self
            .control(
                reqwest::Method::GET,
                &format!("/_mock/requests?path={path}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        body["requests"].as_array().cloned().unwrap_or_default()
    }

    /// Forgets the journal.
    pub async fn clear_journal(&self) {
        let (status, _) = self
            .control(reqwest::Method::DELETE, "/_mock/requests", None)
            .await;
        assert_eq!(status, 204);
    }

    /// Installs a fault.
    pub async fn fault(&self, spec: Value) {
        let (status, body) = self
            .control(reqwest::Method::POST, "/_mock/faults", Some(spec))
            .await;
        assert_eq!(status, 201, "{body}");
    }

    /// Moves the server clock forward.
    pub async fn advance(&self, seconds: i64) {
        let (status, body) = self
            .control(
                reqwest::Method::POST,
                "/_mock/clock",
                Some(json!({"advanceSeconds": seconds})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

/// Scopes a contacts test needs.
pub const CONTACT_SCOPES: &[&str] = &[
    "profile",
    "contacts.read",
    "contacts.write",
    "offline_access",
];

/// The same tokens, as if loaded from storage after the access token expired (by this
/// machine's clock; the server still accepts it).
pub fn expired(mut tokens: TokenSet) -> TokenSet {
    tokens.expires_at = Some(chrono::Utc::now() - chrono::Duration::seconds(5));
    tokens.obtained_at = None;
    tokens
}
