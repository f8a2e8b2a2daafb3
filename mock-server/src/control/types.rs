//! The control plane's requests and answers, as typed values. Their serde form is the JSON
//! of the `/_mock` endpoints (the spec's `Mock*` schemas), so the same values work
//! in-process ([`super::Control`]) and over HTTP.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::config::RateLimit;
pub use crate::faults::{FaultKind, FaultSpec};
pub use crate::journal::Entry as JournalEntry;

/// Seeding options of [`super::Control::reset`] (`POST /_mock/reset`); every field is
/// optional, and one left out keeps the server's start-up setting (the defaults below
/// unless the command line, environment or `MockConfig` said otherwise). The same
/// options and seed give the same data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetOptions {
    /// Seed of the data generator (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Users (default 3, at most 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<usize>,
    /// Contacts per user (default 50, at most 1,000,000; users × contacts ≤ 2,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contacts_per_user: Option<usize>,
    /// Ring-style friends per user (default 0, at most 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friends_per_user: Option<usize>,
    /// Notes posted per user (default 0, at most 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activities_per_user: Option<usize>,
    /// Per-token rate limit (default: 10,000 requests per 60 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// A user as the control plane shows it: with the password, so tests can sign in.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MockUser {
    /// User id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Sign-in password (a test secret: not shown by `Debug`).
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

/// The users answer of `reset` and `users` (`{"users": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    /// Every user, in id order.
    pub users: Vec<MockUser>,
}

/// A user to add ([`super::Control::create_user`], `POST /_mock/users`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// Display name (1 to 100 characters; "Given Family" sets both names).
    pub display_name: String,
    /// Sign-in email (unique, any case).
    pub email: String,
    /// Sign-in password.
    pub password: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("display_name", &self.display_name)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// An app to register ([`super::Control::create_app`], `POST /_mock/clients`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApp {
    /// The app's name (shown on consent pages and as an activity's generator).
    pub name: String,
    /// Exact redirect URIs (absolute, no fragment; default none).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Origins (`scheme://host[:port]`, at most 20) whose web pages may call the API and
    /// the token endpoint from a browser (CORS; default none).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// A public client: no secret, PKCE required (default false).
    #[serde(default)]
    pub public: bool,
    /// Scopes the app may ask for (default: every scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

impl NewApp {
    /// A confidential app with every scope and no redirect URI.
    pub fn new(name: impl Into<String>) -> NewApp {
        NewApp {
            name: name.into(),
            redirect_uris: Vec::new(),
            web_origins: Vec::new(),
            public: false,
            scopes: None,
        }
    }
}

/// A registered app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockApp {
    /// Client id.
    pub client_id: String,
    /// Client secret of a confidential app (a test secret: not shown by `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Name.
    pub name: String,
    /// Redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Web origins allowed to call the API from a browser (CORS).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// Public client.
    pub public: bool,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for MockApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApp")
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .field("public", &self.public)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// A consent to record ([`super::Control::grant_consent`], `POST /_mock/consents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentGrant {
    /// The user.
    pub user_id: String,
    /// The app.
    pub client_id: String,
    /// Scopes consented to (each allowed to the app).
    pub scopes: Vec<String>,
}

/// Tokens to mint ([`super::Control::mint_token`], `POST /_mock/tokens`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    /// The user.
    pub user_id: String,
    /// The app.
    pub client_id: String,
    /// Scopes (a refresh token with `offline_access`, an id_token with `openid`).
    pub scopes: Vec<String>,
    /// Access-token lifetime in seconds (default 3,600; 1 to 31,536,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
}

/// A token response, as `/oauth/token` issues it (RFC 6749 field names).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MintedTokens {
    /// Opaque bearer token (not shown by `Debug`).
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
    /// Space-separated scopes granted.
    pub scope: String,
    /// Refresh token, with `offline_access` (not shown by `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Refresh-token lifetime in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<i64>,
    /// Signed id_token, with `openid` (not shown by `Debug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl std::fmt::Debug for MintedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedTokens")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("id_token", &self.id_token.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

/// The id of an armed fault (`{"id"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultId {
    /// Id, for [`super::Control::remove_fault`].
    pub id: String,
}

/// An armed fault as listed: what was asked for and how often it fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmedFault {
    /// Id.
    pub id: String,
    /// What was asked for.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Times it fired.
    pub fired: u64,
}

/// The faults answer (`{"faults": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultList {
    /// Armed faults, in the order they are checked.
    pub faults: Vec<ArmedFault>,
}

/// A clock move (`{"advanceSeconds"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockAdvance {
    /// Seconds forward (0 to 315,360,000).
    pub advance_seconds: i64,
}

/// The server's clock (`{"now"}`, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockNow {
    /// The server's current time, e.g. `2026-11-25T10:00:00Z`.
    pub now: String,
}

/// Which journal entries to list. Every field is optional; the same names are the query
/// parameters of `GET /_mock/requests`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalFilter {
    /// HTTP method (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path prefix, e.g. `/v1/me/contacts` (matches `/v1/me/contacts/delta` too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only entries with a greater `seq` (e.g. the `seq` of the last entry seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<u64>,
    /// The user of the bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The app (bearer token or client authentication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The status answered (0: no answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `grant_type` of a token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    /// The `Idempotency-Key` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

impl JournalFilter {
    /// Entries whose path starts with `prefix`.
    pub fn path(prefix: impl Into<String>) -> JournalFilter {
        JournalFilter {
            path: Some(prefix.into()),
            ..JournalFilter::default()
        }
    }

    /// Also: only this method.
    pub fn method(mut self, method: impl Into<String>) -> JournalFilter {
        self.method = Some(method.into());
        self
    }

    /// Also: only entries after `seq`.
    pub fn since(mut self, seq: u64) -> JournalFilter {
        self.since = Some(seq);
        self
    }

    /// Whether an entry passes the filter.
    pub fn matches(&self, e: &JournalEntry) -> bool {
        let same = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| have.as_ref() == Some(w))
        };
        self.method
            .as_deref()
            .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            && self.path.as_deref().is_none_or(|p| e.path.starts_with(p))
            && self.since.is_none_or(|s| e.seq > s)
            && self.status.is_none_or(|s| e.status == s)
            && same(&self.user_id, &e.user_id)
            && same(&self.client_id, &e.client_id)
            && same(&self.grant_type, &e.grant_type)
            && same(&self.idempotency_key, &e.idempotency_key)
    }
}

/// The journal answer (`{"requests": [...]}`), oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestList {
    /// Matching entries.
    pub requests: Vec<JournalEntry>,
}

/// What the server holds in its bounded stores ([`super::Control::stats`],
/// `GET /_mock/stats`), to watch a long run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockStats {
    /// The request journal.
    pub journal: JournalStats,
    /// Stored `Idempotency-Key` answers.
    pub idempotency: IdempotencyStats,
    /// Live access tokens.
    pub access_tokens: usize,
    /// Live refresh tokens.
    pub refresh_tokens: usize,
    /// Unredeemed authorization codes.
    pub authorization_codes: usize,
    /// Pending device authorizations.
    pub device_grants: usize,
    /// Live-event sockets receiving frames.
    pub event_sockets: usize,
    /// Users.
    pub users: usize,
    /// Contacts, over every user.
    pub contacts: usize,
    /// Requests being handled right now.
    pub requests_in_progress: usize,
}

/// The server's behaviour switches ([`super::Control::settings`], `GET|PUT /_mock/settings`);
/// `reset` turns them all off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MockSettings {
    /// A rotated refresh token presented again within this many seconds of its exchange
    /// gets the tokens that exchange issued instead of revoking the grant (0 = off, the
    /// default; at most 86,400).
    pub refresh_token_reuse_grace_seconds: i64,
}

/// A change of the switches ([`super::Control::update_settings`], `PUT /_mock/settings`):
/// absent fields keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsUpdate {
    /// See [`MockSettings::refresh_token_reuse_grace_seconds`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_reuse_grace_seconds: Option<i64>,
}

/// The journal's size in [`MockStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalStats {
    /// Kept entries.
    pub entries: usize,
    /// Estimated memory of the kept entries.
    pub bytes: usize,
    /// The journal's byte budget (`--journal-max-bytes`).
    pub max_bytes: usize,
}

/// The idempotency store's size in [`MockStats`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyStats {
    /// Stored answers.
    pub records: usize,
    /// Their bytes.
    pub bytes: usize,
}

/// A call made as another user ([`super::Control::act_as`]): behaves as
/// `{method} /v1/me/{path}` called by that user with every scope
/// (`/_mock/act-as/{userId}/{path}` over HTTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActAs {
    /// The user to act as.
    pub user_id: String,
    /// HTTP method (default GET).
    #[serde(default = "get")]
    pub method: String,
    /// The path below `/v1/me`, query string included (e.g. `status`,
    /// `contacts?$top=5`; empty for `/v1/me` itself).
    #[serde(default)]
    pub path: String,
    /// JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// `Idempotency-Key` of a POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

fn get() -> String {
    "GET".to_string()
}

impl ActAs {
    /// `method /v1/me/{path}` as `user_id`, without a body.
    pub fn new(user_id: impl Into<String>, method: &str, path: impl Into<String>) -> ActAs {
        ActAs {
            user_id: user_id.into(),
            method: method.to_string(),
            path: path.into(),
            body: None,
            idempotency_key: None,
        }
    }

    /// With a JSON body.
    pub fn body(mut self, body: Value) -> ActAs {
        self.body = Some(body);
        self
    }
}

/// The answer to an [`ActAs`] call that succeeded (status below 400).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActAsResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (names in lower case; the last value of a repeated one).
    pub headers: BTreeMap<String, String>,
    /// The JSON body (`null` when empty).
    pub body: Value,
}

/// A user's live-event log (`GET /_mock/events/{userId}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventLog {
    /// Logged frames after `since`, oldest first (every kept one when `resync`).
    pub events: Vec<Value>,
    /// The user's last sequence number (0 before any event).
    pub seq: u64,
    /// Events after `since` were pruned from the log.
    pub resync: bool,
}

/// A test event to publish ([`super::Control::publish_event`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// Event type (any except the frame types `resync`, `typing`, `pong`, `error`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The event's data (default `{}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// What the user answers on the device page ([`super::Control::decide_device`],
/// `POST /_mock/device/{userCode}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviceDecision {
    /// Grant the device access (the consent is recorded).
    Allow,
    /// Refuse it (the device's next poll gets `access_denied`).
    Deny,
}

/// A user's answer to a pending device authorization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAnswer {
    /// The user who signs in on the device page.
    pub user_id: String,
    /// Allow or deny.
    pub decision: DeviceDecision,
}

/// A device authorization after the user's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceGrantInfo {
    /// The user code (normalised, `ABCD-EFGH`).
    pub user_code: String,
    /// The app that asked.
    pub client_id: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// The user who answered.
    pub user_id: String,
    /// The answer.
    pub decision: DeviceDecision,
}

/// Where the authorization endpoint sent the browser ([`super::Control::authorize`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The `Location`: `redirect_uri?code=...&state=...` or `?error=...`.
    pub location: String,
}
