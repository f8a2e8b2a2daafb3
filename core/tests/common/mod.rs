//! Shared helpers of the client's integration tests: each test starts an in-process mock
//! server and drives it through its typed control plane (`MockServer::control()`).
#![allow(dead_code)]

pub mod browser;
pub mod schema;

use std::time::Duration;

use messenger_connect::{Client, ClientBuilder, RetryPolicy, TokenResponse, TokenSet};
use messenger_connect_mock::control::{
    ActAs, FaultSpec, JournalEntry, JournalFilter, NewApp, TokenRequest,
};
use messenger_connect_mock::{Control, MockConfig, MockServer, MockUser};
use serde_json::Value;

/// Every scope of the contract.
pub const ALL_SCOPES: &[&str] = messenger_connect_mock::SCOPES;

/// The redirect URI every test app registers.
pub const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";

/// The longest a test of the network and live events may run before it fails by name
/// (see [`messenger_connect_mock::deadline`]).
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A running mock, its control plane, a raw HTTP client (for pages and raw requests) and
/// its seeded users.
pub struct Env {
    pub server: MockServer,
    pub control: Control,
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

fn strings(scopes: &[&str]) -> Vec<String> {
    scopes.iter().map(|s| s.to_string()).collect()
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
            .timeout(Duration::from_secs(60))
            .build()
            .expect("http client");
        Env {
            control: server.control(),
            base: server.url().to_string(),
            users: server.users(),
            server,
            http,
        }
    }

    /// Registers an app allowed every scope (confidential unless `public`).
    pub async fn app(&self, public: bool) -> App {
        let app = self
            .control
            .create_app(&NewApp {
                redirect_uris: vec![REDIRECT_URI.to_string()],
                public,
                ..NewApp::new("Client Test")
            })
            .expect("app registered");
        App {
            id: app.client_id,
            secret: app.client_secret,
        }
    }

    /// The token response `/_mock/tokens` mints for seed user `user`.
    pub fn minted(
        &self,
        user: usize,
        app: &App,
        scopes: &[&str],
        expires_in: Option<i64>,
    ) -> TokenResponse {
        let minted = self
            .control
            .mint_token(&TokenRequest {
                user_id: self.users[user].id.clone(),
                client_id: app.id.clone(),
                scopes: strings(scopes),
                expires_in,
            })
            .expect("tokens minted");
        serde_json::to_value(minted)
            .and_then(serde_json::from_value)
            .expect("a token response")
    }

    /// Tokens for seed user `user`, minted by the control plane.
    pub async fn mint(
        &self,
        user: usize,
        app: &App,
        scopes: &[&str],
        expires_in: Option<i64>,
    ) -> TokenSet {
        TokenSet::from_response(self.minted(user, app, scopes, expires_in))
    }

    /// A client builder for this server and app (fast retries).
    pub fn builder(&self, app: &App) -> ClientBuilder {
        let mut b = Client::builder(&self.base)
            .client_id(&app.id)
            .redirect_uri(REDIRECT_URI)
            .no_proxy()
            .retry_policy(RetryPolicy {
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(100),
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
    pub async fn journal(&self, path: &str) -> Vec<JournalEntry> {
        self.control.requests(&JournalFilter::path(path))
    }

    /// Forgets the journal.
    pub async fn clear_journal(&self) {
        self.control.clear_requests();
    }

    /// Arms a fault; returns its id.
    pub async fn fault(&self, spec: FaultSpec) -> String {
        self.control.add_fault(spec).expect("fault armed")
    }

    /// Moves the server clock forward.
    pub async fn advance(&self, seconds: i64) {
        self.control.advance_clock(seconds).expect("clock moved");
    }

    /// `method /v1/me/{rest}` as seed user `user` with every scope; the JSON answer
    /// (failing the test on a status of 400 or more).
    pub async fn act_as(
        &self,
        user: usize,
        method: &str,
        rest: &str,
        body: Option<Value>,
    ) -> Value {
        let mut call = ActAs::new(&self.users[user].id, method, rest);
        call.body = body;
        match self.control.act_as(&call).await {
            Ok(r) => r.body,
            Err(e) => panic!("act-as {method} {rest}: {e}"),
        }
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
