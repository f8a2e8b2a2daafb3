//! Test setup shared by the examples: the mock's control plane (`/_mock`), which a real
//! deployment does not have. Each example starts its own mock server unless given
//! `--url URL`, registers an app and mints tokens for the seeded users.

use messenger_connect::{Client, TokenResponse, TokenSet};
use serde_json::{Value, json};

/// The examples' error type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A mock server (started here or reached by URL) with an app registered on it.
pub struct Setup {
    /// The seeded users' ids.
    pub users: Vec<String>,
    http: reqwest::Client,
    base: String,
    scopes: &'static [&'static str],
    client_id: String,
    client_secret: Option<String>,
    _server: Option<messenger_connect_mock::MockServer>,
}

impl Setup {
    /// Starts (or reaches, with `--url URL`) a mock and registers the example's app.
    pub async fn start(example: &str, scopes: &'static [&'static str]) -> Result<Setup, BoxError> {
        let http = reqwest::Client::builder().no_proxy().build()?;
        let mut args = std::env::args().skip(1);
        let (base, server) = match (args.next().as_deref(), args.next()) {
            (Some("--url"), Some(url)) => (url.trim_end_matches('/').to_string(), None),
            (None, _) => {
                let server = messenger_connect_mock::MockServer::start(
                    messenger_connect_mock::MockConfig {
                        users: 3,
                        friends_per_user: 2,
                        activities_per_user: 3,
                        ..Default::default()
                    },
                )?;
                println!("(test setup) started a mock server at {}", server.url());
                (server.url().to_string(), Some(server))
            }
            _ => return Err(format!("usage: {example} [--url URL]").into()),
        };
        let mut setup = Setup {
            http,
            base,
            users: Vec::new(),
            scopes,
            client_id: String::new(),
            client_secret: None,
            _server: server,
        };
        let users = setup.call("/_mock/users", None).await?;
        setup.users = users["users"]
            .as_array()
            .ok_or("no users")?
            .iter()
            .filter_map(|u| u["id"].as_str().map(str::to_string))
            .collect();
        let app = setup
            .call(
                "/_mock/clients",
                Some(json!({"name": format!("{example} example"), "scopes": scopes})),
            )
            .await?;
        setup.client_id = app["clientId"].as_str().ok_or("no clientId")?.to_string();
        setup.client_secret = app["clientSecret"].as_str().map(str::to_string);
        Ok(setup)
    }

    /// Calls the control plane (POST with a body, GET without).
    pub async fn call(&self, path: &str, body: Option<Value>) -> Result<Value, BoxError> {
        let url = format!("{}{path}", self.base);
        let req = match body {
            Some(b) => self.http.post(url).json(&b),
            None => self.http.get(url),
        };
        let resp = req.send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A client signed in as this user (tokens minted by the control plane).
    pub async fn client(&self, user: &str) -> Result<Client, BoxError> {
        let minted = self
            .call(
                "/_mock/tokens",
                Some(json!({"userId": user, "clientId": self.client_id, "scopes": self.scopes})),
            )
            .await?;
        let tokens = TokenSet::from_response(serde_json::from_value::<TokenResponse>(minted)?);
        let mut builder = Client::builder(&self.base)
            .client_id(&self.client_id)
            .tokens(tokens);
        if let Some(secret) = &self.client_secret {
            builder = builder.client_secret(secret);
        }
        Ok(builder.build()?)
    }
}
