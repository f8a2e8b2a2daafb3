//! Records and enums of the mock server's control plane: start and reset options, users,
//! apps, faults, raw responses, and their wire forms.

use messenger_connect_mock::MockConfig;
use serde_json::{Value, json};

/// Every scope of the contract.
pub(crate) const ALL_SCOPES: &[&str] = messenger_connect_mock::SCOPES;

/// Every scope of the contract (for apps and tokens of tests).
#[uniffi::export]
pub fn all_scopes() -> Vec<String> {
    ALL_SCOPES.iter().map(|s| s.to_string()).collect()
}

/// What a mock server starts with.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MockOptions {
    /// Seed of every generated id, name and secret (the same seed, the same data).
    pub seed: u64,
    /// Users created at start.
    pub users: u32,
    /// Contacts generated per user.
    pub contacts_per_user: u32,
    /// Friends per user.
    pub friends_per_user: u32,
    /// Activities per user.
    pub activities_per_user: u32,
    /// Per-token rate limit: requests per window.
    pub rate_limit: u64,
    /// Rate-limit window, in seconds.
    pub rate_limit_window_seconds: u64,
    /// Port to bind on 127.0.0.1 (0: a free one).
    pub port: u16,
}

/// The mock server's defaults: seed 1, 3 users with 50 contacts each, no friends or
/// activities, 10,000 requests per 60 s, a free port.
#[uniffi::export]
pub fn default_mock_options() -> MockOptions {
    let c = MockConfig::default();
    MockOptions {
        seed: c.seed,
        users: u32::try_from(c.users).unwrap_or(u32::MAX),
        contacts_per_user: u32::try_from(c.contacts_per_user).unwrap_or(u32::MAX),
        friends_per_user: u32::try_from(c.friends_per_user).unwrap_or(u32::MAX),
        activities_per_user: u32::try_from(c.activities_per_user).unwrap_or(u32::MAX),
        rate_limit: c.rate_limit.limit,
        rate_limit_window_seconds: c.rate_limit.window_seconds,
        port: c.port,
    }
}

/// A user of the mock server, with the password to sign in with.
#[derive(Clone, PartialEq, serde::Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct MockUser {
    /// User id.
    pub id: String,
    /// Email (sign-in name).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Password (a test secret).
    #[serde(default)]
    pub password: String,
}

impl std::fmt::Debug for MockUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

impl From<messenger_connect_mock::MockUser> for MockUser {
    fn from(u: messenger_connect_mock::MockUser) -> Self {
        MockUser {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            password: u.password,
        }
    }
}

/// Data of a `reset` (`POST /_mock/reset`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MockResetOptions {
    /// Seed.
    pub seed: u64,
    /// Users.
    pub users: u32,
    /// Contacts per user.
    pub contacts_per_user: u32,
    /// Friends per user.
    pub friends_per_user: u32,
    /// Activities per user.
    pub activities_per_user: u32,
}

/// An app to register (`POST /_mock/clients`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MockAppOptions {
    /// The app's name.
    pub name: String,
    /// Allowed redirect URIs.
    pub redirect_uris: Vec<String>,
    /// A public client (no secret, PKCE required).
    pub public: bool,
    /// Scopes the app may ask for.
    pub scopes: Vec<String>,
}

/// A registered app.
#[derive(Clone, PartialEq, uniffi::Record)]
pub struct MockApp {
    /// Its client id.
    pub client_id: String,
    /// Its client secret (confidential apps only; a test secret).
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for MockApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApp")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MockFaultKind {
    /// Answers with `status` (and `Retry-After` when `retry_after` is set).
    Status,
    /// Waits `delay_ms` before answering.
    Delay,
    /// Resets the connection.
    Reset,
    /// Answers a body that is not JSON.
    Malformed,
    /// Cuts the body short.
    Truncated,
    /// Does the work, then drops the connection before answering.
    DropAfterCommit,
    /// Closes the events socket (after `after_frames` frames).
    CloseSocket,
}

impl MockFaultKind {
    pub(crate) fn wire(self) -> &'static str {
        match self {
            MockFaultKind::Status => "status",
            MockFaultKind::Delay => "delay",
            MockFaultKind::Reset => "reset",
            MockFaultKind::Malformed => "malformed",
            MockFaultKind::Truncated => "truncated",
            MockFaultKind::DropAfterCommit => "dropAfterCommit",
            MockFaultKind::CloseSocket => "closeSocket",
        }
    }
}

/// A fault to inject (`POST /_mock/faults`) on the requests it matches.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MockFault {
    /// What it does.
    pub kind: MockFaultKind,
    /// Only this HTTP method.
    pub method: Option<String>,
    /// Only this path (e.g. `/v1/me/contacts`).
    pub path: Option<String>,
    /// Status of a `Status` fault.
    pub status: Option<u16>,
    /// `Retry-After` seconds of a `Status` fault.
    pub retry_after: Option<u64>,
    /// Delay of a `Delay` fault.
    pub delay_ms: Option<u64>,
    /// How many requests it hits (default: all).
    pub count: Option<u32>,
    /// Probability of hitting a matching request (0..1).
    pub probability: Option<f64>,
    /// Seed of the probability draws.
    pub seed: Option<u64>,
    /// Frames sent before a `CloseSocket` fault closes the socket.
    pub after_frames: Option<u32>,
}

impl MockFault {
    /// The JSON body of `POST /_mock/faults`.
    pub(crate) fn body(&self) -> Value {
        let mut b = serde_json::Map::new();
        b.insert("kind".into(), json!(self.kind.wire()));
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                b.insert(k.into(), v);
            }
        };
        put("method", self.method.as_ref().map(|v| json!(v)));
        put("path", self.path.as_ref().map(|v| json!(v)));
        put("status", self.status.map(|v| json!(v)));
        put("retryAfter", self.retry_after.map(|v| json!(v)));
        put("delayMs", self.delay_ms.map(|v| json!(v)));
        put("count", self.count.map(|v| json!(v)));
        put("probability", self.probability.map(|v| json!(v)));
        put("seed", self.seed.map(|v| json!(v)));
        put("afterFrames", self.after_frames.map(|v| json!(v)));
        Value::Object(b)
    }
}

/// The answer of a raw control-plane call.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MockResponse {
    /// HTTP status.
    pub status: u16,
    /// The body as text (JSON for the control plane), absent when empty.
    pub body: Option<String>,
}
