//! `MockServer`: the in-process mock server (crate `messenger-connect-mock`) for tests,
//! with its control plane (`/_mock`, DESIGN §2.7) wrapped as methods: reset, users, apps,
//! consents, tokens, faults, the clock, the request journal, act-as and invitations.
//! The typed methods and `call(op, args)` go through the mock's typed control plane in
//! process (`messenger_connect_mock::Control::call`, the same operations in every binding);
//! `control(method, path, body)` is raw HTTP for tests of the `/_mock` endpoints. The
//! server runs on its own runtime thread.

use std::sync::{Arc, Mutex};

use messenger_connect_mock::{MockConfig, RateLimit};
use serde_json::{Value, json};

mod records;

pub use records::{
    MockApp, MockAppOptions, MockFault, MockFaultKind, MockOptions, MockResetOptions, MockResponse,
    MockUser, all_scopes, default_mock_options,
};

use crate::auth::TokenSet;
use crate::errors::{MessengerConnectError, Result};

/// A running in-process mock server (a free loopback port, its own runtime thread).
#[derive(uniffi::Object)]
pub struct MockServer {
    server: Mutex<Option<messenger_connect_mock::MockServer>>,
    url: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

fn usize_of(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// A failed control call as an error of the API family (by status).
fn control_error(method: &str, path: &str, status: u16, body: &str) -> MessengerConnectError {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let code = error
        .and_then(|e| e.get("code").or(Some(e)))
        .and_then(Value::as_str)
        .unwrap_or("mockControlFailed")
        .to_string();
    let server_message = error
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .unwrap_or("the mock server refused the control call")
        .to_string();
    crate::errors::api_error(
        status,
        code,
        format!("mock control {method} {path} answered {status}: {server_message}"),
        server_message,
        None,
    )
}

impl MockServer {
    /// One operation of the typed control plane (in process); a refusal is the API error
    /// of its status.
    async fn op(&self, op: &str, args: Value) -> Result<Value> {
        let control = {
            let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .as_ref()
                .ok_or_else(|| MessengerConnectError::closed("mock server"))?
                .control()
        };
        control.call(op, args).await.map_err(|e| {
            crate::errors::api_error(
                e.status,
                e.code.clone(),
                format!("mock control `{op}` refused ({}): {}", e.status, e.message),
                e.message.clone(),
                e.target.clone(),
            )
        })
    }

    async fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Result<MockResponse> {
        if !path.starts_with('/') {
            return Err(MessengerConnectError::invalid(
                "path",
                "must start with `/`",
            ));
        }
        let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| MessengerConnectError::invalid("method", "not an HTTP method"))?;
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let network = |e: reqwest::Error| {
            let timeout = e.is_timeout();
            let message = format!("mock control: {}", e.without_url());
            if timeout {
                MessengerConnectError::Timeout { message }
            } else {
                MessengerConnectError::Network { message }
            }
        };
        let resp = req.send().await.map_err(network)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(network)?;
        Ok(MockResponse {
            status,
            body: (!text.is_empty()).then_some(text),
        })
    }

    fn users_from(v: &Value) -> Result<Vec<MockUser>> {
        let list = v.get("users").unwrap_or(v);
        serde_json::from_value(list.clone()).map_err(|e| {
            MessengerConnectError::internal(format!("mock control: unexpected users: {e}"))
        })
    }
}

/// The entries of a journal answer, each as JSON text.
fn journal_entries(out: &Value) -> Vec<String> {
    json_items(out, "requests")
}

/// The items of the list `out[key]` (or `out` itself), each as JSON text.
fn json_items(out: &Value, key: &str) -> Vec<String> {
    out.get(key)
        .unwrap_or(out)
        .as_array()
        .map(|items| items.iter().map(Value::to_string).collect())
        .unwrap_or_default()
}

fn field_str(v: &Value, name: &str) -> Result<String> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            MessengerConnectError::internal(format!("mock control: the answer has no `{name}`"))
        })
}

#[uniffi::export(async_runtime = "tokio")]
impl MockServer {
    /// Starts a mock server with these options (see `default_mock_options`).
    #[uniffi::constructor]
    pub fn start(options: MockOptions) -> Result<Arc<MockServer>> {
        let config = MockConfig {
            port: options.port,
            seed: options.seed,
            users: usize_of(options.users),
            contacts_per_user: usize_of(options.contacts_per_user),
            friends_per_user: usize_of(options.friends_per_user),
            activities_per_user: usize_of(options.activities_per_user),
            rate_limit: RateLimit {
                limit: options.rate_limit,
                window_seconds: options.rate_limit_window_seconds,
            },
            ..MockConfig::default()
        };
        let server = messenger_connect_mock::MockServer::start(config).map_err(|e| {
            MessengerConnectError::internal(format!("cannot start the mock server: {e}"))
        })?;
        // reqwest is built without a crypto provider: install core's (`ring`) first, as
        // core's own `ClientBuilder::build` does.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| MessengerConnectError::internal(format!("HTTP client: {e}")))?;
        Ok(Arc::new(MockServer {
            url: server.url().to_string(),
            server: Mutex::new(Some(server)),
            http,
        }))
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The users as seeded at start or by the last `reset`, with their passwords.
    pub fn users(&self) -> Result<Vec<MockUser>> {
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        let server = guard
            .as_ref()
            .ok_or_else(|| MessengerConnectError::closed("mock server"))?;
        Ok(server.users().into_iter().map(MockUser::from).collect())
    }

    /// Whether the server is still serving.
    pub fn is_running(&self) -> bool {
        self.server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Stops the server and waits for its thread (idempotent).
    pub fn stop(&self) {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            server.shutdown();
        }
    }

    /// One operation of the mock's typed control plane by name (`reset`, `createApp`,
    /// `mintToken`, `addFault`, `advanceClock`, `requests`, `actAs`, `approveDevice`...;
    /// `messenger_connect_mock::control::OPERATIONS`, each taking the JSON of its `/_mock`
    /// endpoint) in process, without HTTP: the answer as JSON text (`null` when empty). A
    /// refusal is the API error of its status (`Code`, `Target` from the control plane).
    pub async fn call(&self, op: String, args_json: Option<String>) -> Result<String> {
        let args = match args_json.as_deref().map(str::trim) {
            None | Some("") => Value::Null,
            Some(text) => serde_json::from_str(text).map_err(|e| {
                MessengerConnectError::invalid("args_json", format!("not JSON: {e}"))
            })?,
        };
        Ok(self.op(&op, args).await?.to_string())
    }

    /// A raw call to the server (e.g. `("POST", "/_mock/clock", "{...}")`): status and
    /// body, whatever the status.
    pub async fn control(
        &self,
        method: String,
        path: String,
        body_json: Option<String>,
    ) -> Result<MockResponse> {
        let body = body_json
            .map(|t| {
                serde_json::from_str::<Value>(&t).map_err(|e| {
                    MessengerConnectError::invalid("body_json", format!("not JSON: {e}"))
                })
            })
            .transpose()?;
        self.raw(&method, &path, body).await
    }

    /// Resets the data (`POST /_mock/reset`); returns the new users.
    pub async fn reset(&self, options: MockResetOptions) -> Result<Vec<MockUser>> {
        let body = json!({
            "seed": options.seed,
            "users": options.users,
            "contactsPerUser": options.contacts_per_user,
            "friendsPerUser": options.friends_per_user,
            "activitiesPerUser": options.activities_per_user,
        });
        let out = self.op("reset", body).await?;
        MockServer::users_from(&out)
    }

    /// Adds a user (`POST /_mock/users`).
    pub async fn create_user(
        &self,
        display_name: String,
        email: String,
        password: String,
    ) -> Result<MockUser> {
        let body = json!({"displayName": display_name, "email": email, "password": password});
        let out = self.op("createUser", body).await?;
        serde_json::from_value(out).map_err(|e| {
            MessengerConnectError::internal(format!("mock control: unexpected user: {e}"))
        })
    }

    /// Registers an app (`POST /_mock/clients`).
    pub async fn create_app(&self, app: MockAppOptions) -> Result<MockApp> {
        let body = json!({
            "name": app.name,
            "redirectUris": app.redirect_uris,
            "public": app.public,
            "scopes": app.scopes,
        });
        let out = self.op("createApp", body).await?;
        Ok(MockApp {
            client_id: field_str(&out, "clientId")?,
            client_secret: out
                .get("clientSecret")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// Records that a user consented to an app's scopes (`POST /_mock/consents`): then
    /// `prompt=none` with `login_hint` redirects at once with a code.
    pub async fn grant_consent(
        &self,
        user_id: String,
        client_id: String,
        scopes: Vec<String>,
    ) -> Result<()> {
        let body = json!({"userId": user_id, "clientId": client_id, "scopes": scopes});
        self.op("grantConsent", body).await?;
        Ok(())
    }

    /// Tokens for a user and an app, as `/oauth/token` would issue them
    /// (`POST /_mock/tokens`; a refresh token with `offline_access`).
    pub async fn mint_token(
        &self,
        user_id: String,
        client_id: String,
        scopes: Vec<String>,
        expires_in: Option<u64>,
    ) -> Result<TokenSet> {
        let mut body = json!({"userId": user_id, "clientId": client_id, "scopes": scopes});
        if let Some(s) = expires_in {
            body["expiresIn"] = json!(s);
        }
        let out = self.op("mintToken", body).await?;
        let response: messenger_connect::TokenResponse =
            serde_json::from_value(out).map_err(|e| {
                MessengerConnectError::internal(format!(
                    "mock control: unexpected token response: {e}"
                ))
            })?;
        Ok(messenger_connect::TokenSet::from_response(response).into())
    }

    /// Injects a fault (`POST /_mock/faults`); returns its id.
    pub async fn add_fault(&self, fault: MockFault) -> Result<String> {
        let out = self.op("addFault", fault.body()).await?;
        match out.get("id") {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Ok(other.to_string()),
            None => field_str(&out, "id"),
        }
    }

    /// Removes one fault (`DELETE /_mock/faults/{id}`).
    pub async fn remove_fault(&self, id: String) -> Result<()> {
        if id.is_empty() || id.contains('/') {
            return Err(MessengerConnectError::invalid("id", "not a fault id"));
        }
        self.op("removeFault", json!({"id": id})).await?;
        Ok(())
    }

    /// Removes every fault (`DELETE /_mock/faults`).
    pub async fn clear_faults(&self) -> Result<()> {
        self.op("clearFaults", Value::Null).await?;
        Ok(())
    }

    /// Moves the server's clock forward (`POST /_mock/clock`): token expiry, retention.
    pub async fn advance_clock(&self, seconds: u64) -> Result<()> {
        self.op("advanceClock", json!({"advanceSeconds": seconds}))
            .await?;
        Ok(())
    }

    /// The request journal (`GET /_mock/requests`, secrets redacted): one JSON object
    /// (as text) per request.
    pub async fn requests(&self) -> Result<Vec<String>> {
        let out = self.op("requests", Value::Null).await?;
        Ok(journal_entries(&out))
    }

    /// The journal entries whose path starts with `path_prefix` and whose method is
    /// `method` (each when given), e.g. `(Some("/v1/"), None)` for API requests only
    /// (the journal also records control-plane calls such as this one).
    pub async fn requests_matching(
        &self,
        path_prefix: Option<String>,
        method: Option<String>,
    ) -> Result<Vec<String>> {
        let mut filter = json!({});
        if let Some(p) = path_prefix {
            filter["path"] = json!(p);
        }
        if let Some(m) = method {
            filter["method"] = json!(m);
        }
        let out = self.op("requests", filter).await?;
        Ok(journal_entries(&out))
    }

    /// The users now, seeded and created (`GET /_mock/users`).
    pub async fn list_users(&self) -> Result<Vec<MockUser>> {
        let out = self.op("users", Value::Null).await?;
        MockServer::users_from(&out)
    }

    /// The armed faults (`GET /_mock/faults`): one JSON object (as text) per fault, with
    /// its `id` and `fired` (how often it fired).
    pub async fn faults(&self) -> Result<Vec<String>> {
        let out = self.op("faults", Value::Null).await?;
        Ok(json_items(&out, "faults"))
    }

    /// The server's time now (RFC 3339).
    pub async fn clock(&self) -> Result<String> {
        field_str(&self.op("clock", Value::Null).await?, "now")
    }

    /// Sizes of the server's bounded stores (journal, idempotency records, tokens...), as
    /// JSON text.
    pub async fn stats(&self) -> Result<String> {
        Ok(self.op("stats", Value::Null).await?.to_string())
    }

    /// The server's settings as JSON text (e.g. `refreshTokenReuseGraceSeconds`).
    pub async fn settings(&self) -> Result<String> {
        Ok(self.op("settings", Value::Null).await?.to_string())
    }

    /// Changes some settings (JSON text, as `PATCH /_mock/settings`); the settings now.
    pub async fn update_settings(&self, settings_json: String) -> Result<String> {
        let args = serde_json::from_str::<Value>(&settings_json).map_err(|e| {
            MessengerConnectError::invalid("settings_json", format!("not JSON: {e}"))
        })?;
        Ok(self.op("updateSettings", args).await?.to_string())
    }

    /// The live-event log of a user after `since`, as JSON text `{events, seq, resync}`.
    pub async fn events(&self, user_id: String, since: u64) -> Result<String> {
        let args = json!({"userId": user_id, "since": since});
        Ok(self.op("events", args).await?.to_string())
    }

    /// Logs a live event (`event_type`, `data_json` an object or `None`) for a user and
    /// pushes it to the user's sockets; its frame (with its `seq`) as JSON text.
    pub async fn publish_event(
        &self,
        user_id: String,
        event_type: String,
        data_json: Option<String>,
    ) -> Result<String> {
        let data = match data_json {
            None => json!({}),
            Some(t) => serde_json::from_str::<Value>(&t).map_err(|e| {
                MessengerConnectError::invalid("data_json", format!("not JSON: {e}"))
            })?,
        };
        let args = json!({"userId": user_id, "type": event_type, "data": data});
        Ok(self.op("publishEvent", args).await?.to_string())
    }

    /// Approves a device-flow `user_code` as the user: the device's next poll gets tokens.
    pub async fn approve_device(&self, user_code: String, user_id: String) -> Result<()> {
        let args = json!({"userCode": user_code, "userId": user_id});
        self.op("approveDevice", args).await?;
        Ok(())
    }

    /// Denies a device-flow `user_code` as the user: the next poll is `access_denied`.
    pub async fn deny_device(&self, user_code: String, user_id: String) -> Result<()> {
        let args = json!({"userCode": user_code, "userId": user_id});
        self.op("denyDevice", args).await?;
        Ok(())
    }

    /// Opens an authorization URL as the user's signed-in browser would (after
    /// `grant_consent`, with `prompt=none` and a login hint): where the server redirected
    /// it (`redirect_uri?code=...&state=...` or `?error=...`).
    pub async fn authorize(&self, url: String) -> Result<String> {
        field_str(
            &self.op("authorize", json!({"url": url})).await?,
            "location",
        )
    }

    /// Empties the request journal.
    pub async fn clear_requests(&self) -> Result<()> {
        self.op("clearRequests", Value::Null).await?;
        Ok(())
    }

    /// Calls `/v1/me/{rest}` as another user with every scope
    /// (`/_mock/act-as/{user_id}/{rest}`), e.g. `("u2", "PUT", "status", "{...}")`;
    /// returns the body as JSON text (`None` when empty).
    pub async fn act_as(
        &self,
        user_id: String,
        method: String,
        rest: String,
        body_json: Option<String>,
    ) -> Result<Option<String>> {
        if user_id.is_empty() || user_id.contains('/') {
            return Err(MessengerConnectError::invalid("user_id", "not a user id"));
        }
        let body = body_json
            .map(|t| {
                serde_json::from_str::<Value>(&t).map_err(|e| {
                    MessengerConnectError::invalid("body_json", format!("not JSON: {e}"))
                })
            })
            .transpose()?;
        let mut args = json!({
            "userId": user_id,
            "method": method.to_ascii_uppercase(),
            "path": rest.trim_start_matches('/'),
        });
        if let Some(b) = body {
            args["body"] = b;
        }
        let out = self.op("actAs", args).await?;
        let status = out.get("status").and_then(Value::as_u64).unwrap_or(0);
        let body = out.get("body").cloned().unwrap_or(Value::Null);
        if status >= 400 {
            let status = u16::try_from(status).unwrap_or(500);
            return Err(control_error(&method, &rest, status, &body.to_string()));
        }
        Ok((!body.is_null()).then(|| body.to_string()))
    }

    /// The invited person accepts an invitation (`POST /_mock/invitations/{id}/accept`);
    /// returns the answer as JSON text.
    pub async fn accept_invitation(&self, id: String) -> Result<Option<String>> {
        if id.is_empty() || id.contains('/') {
            return Err(MessengerConnectError::invalid("id", "not an invitation id"));
        }
        let out = self.op("acceptInvitation", json!({"id": id})).await?;
        Ok((!out.is_null()).then(|| out.to_string()))
    }
}
