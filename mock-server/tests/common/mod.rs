//! Shared helpers of the mock server's integration tests: every test starts a real
//! server and talks HTTP to it; setup (apps, tokens, faults, the clock, the journal) goes
//! through the typed control plane, `/_mock` itself is tested over HTTP in `control.rs`.
#![allow(dead_code)]

pub mod browser;
pub mod ws;

use std::time::Duration;

use messenger_connect_mock::control::{FaultSpec, JournalFilter, NewApp, TokenRequest};
use messenger_connect_mock::{Control, MockConfig, MockServer, MockUser};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Every scope of the contract.
pub const ALL_SCOPES: &[&str] = messenger_connect_mock::SCOPES;

/// The longest a test that waits on the network or live events may run before it fails
/// by name (see [`messenger_connect_mock::deadline`]).
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A running server, its control plane, an HTTP client (no redirects followed) and the
/// seeded users.
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
    pub redirect_uri: String,
}

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// `error.code` of a resource error, or `error` of an OAuth error.
    pub fn code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .or_else(|| self.body["error"].as_str())
            .unwrap_or("")
    }
}

fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Env {
    /// A server with the default seed data (3 users, 50 contacts each).
    pub fn start() -> Env {
        Env::with(MockConfig::default())
    }

    /// A server with this configuration.
    pub fn with(config: MockConfig) -> Env {
        install_crypto();
        let server = MockServer::start(config).expect("server starts");
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request and reads the whole reply (JSON when it parses).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.url(path)
        };
        let mut req = self.http.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        read(req.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    /// `/_mock/act-as/{user id}/{rest}`: acts as seeded user `user` (0-based) with every scope.
    pub async fn act_as(
        &self,
        method: Method,
        user: usize,
        rest: &str,
        body: Option<Value>,
    ) -> Reply {
        let path = format!("/_mock/act-as/{}/{rest}", self.users[user].id);
        self.send(method, &path, None, body).await
    }

    /// A control-plane call (no token).
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.send(method, path, None, body).await
    }

    /// Registers an app allowed every scope.
    pub async fn app(&self, public: bool) -> App {
        let redirect_uri = "http://127.0.0.1:9/callback".to_string();
        let app = self
            .control
            .create_app(&NewApp {
                redirect_uris: vec![redirect_uri.clone()],
                public,
                ..NewApp::new("Test App")
            })
            .expect("app registered");
        App {
            id: app.client_id,
            secret: app.client_secret,
            redirect_uri,
        }
    }

    /// A token response for user `n` (0-based) of the seed, as `/_mock/tokens` mints it.
    pub async fn token_response(&self, user: usize, app: &App, scopes: &[&str]) -> Value {
        let minted = self
            .control
            .mint_token(&TokenRequest {
                user_id: self.users[user].id.clone(),
                client_id: app.id.clone(),
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                expires_in: None,
            })
            .expect("tokens minted");
        serde_json::to_value(minted).expect("JSON")
    }

    /// An access token for user `n` with these scopes (a fresh confidential app).
    pub async fn token(&self, user: usize, scopes: &[&str]) -> String {
        let app = self.app(false).await;
        self.token_response(user, &app, scopes).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// POSTs a form to the token endpoint (client_secret_basic when the app has a secret).
    pub async fn token_request(&self, app: &App, form: &[(&str, &str)]) -> Reply {
        let mut req = self.http.post(self.url("/oauth/token"));
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        match &app.secret {
            Some(s) => req = req.basic_auth(&app.id, Some(s)),
            None => fields.push(("client_id", &app.id)),
        }
        read(req.form(&fields).send().await.expect("token request")).await
    }

    /// Every item of a collection, following `@odata.nextLink`.
    pub async fn collect(&self, first: &str, token: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        while let Some(link) = next {
            let r = self.get(&link, token).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            out.extend(r.body["value"].as_array().cloned().unwrap_or_default());
            next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        }
        out
    }

    /// Moves the server clock.
    pub async fn advance(&self, seconds: i64) {
        self.control.advance_clock(seconds).expect("clock moved");
    }

    /// Arms a fault; returns its id.
    pub async fn fault(&self, spec: FaultSpec) -> String {
        self.control.add_fault(spec).expect("fault armed")
    }

    /// Journal entries whose path starts with `path`, as JSON.
    pub async fn journal(&self, path: &str) -> Vec<Value> {
        let entries = self.control.requests(&JournalFilter::path(path));
        entries
            .iter()
            .map(|e| serde_json::to_value(e).expect("JSON"))
            .collect()
    }
}

/// Reads a reply whole.
pub async fn read(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}

/// Query-string value of a URL (e.g. `code` in a redirect Location).
pub fn query_value(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = "dBjftJeZ4CVP-mJ92K9s5uJkzNbGqS7Qs8q1Wv8ZkTQ".to_string();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}
