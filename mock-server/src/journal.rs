//! The request journal (`GET /_mock/requests`): what clients sent, secrets redacted.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

/// Query and form parameters whose values are secrets and never recorded.
pub const SECRET_PARAMS: &[&str] = &[
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "device_code",
    "user_code",
    "token",
    "csrf_token",
    "assertion",
];

/// The text that replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// At most this many entries are kept (oldest dropped first).
pub const CAPACITY: usize = 100_000;

/// One request as the server saw it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The `request-id` it was answered with.
    pub id: String,
    /// When it arrived (server clock).
    pub time: String,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Query parameters, secrets redacted.
    pub query: BTreeMap<String, String>,
    /// Status answered (0 when the connection was dropped without an answer).
    pub status: u16,
    /// The app, when known (bearer token or client authentication).
    pub client_id: Option<String>,
    /// The user, when known (bearer token).
    pub user_id: Option<String>,
    /// `grant_type` of a token request.
    pub grant_type: Option<String>,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
}

/// The journal itself.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<Entry>,
}

impl Journal {
    /// Records a request.
    pub fn push(&mut self, entry: Entry) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Entries whose path starts with `path` and whose method is `method` (when given).
    pub fn find(&self, path: Option<&str>, method: Option<&str>) -> Vec<Entry> {
        self.entries
            .iter()
            .filter(|e| path.is_none_or(|p| e.path.starts_with(p)))
            .filter(|e| method.is_none_or(|m| e.method.eq_ignore_ascii_case(m)))
            .cloned()
            .collect()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// Parameters as recorded: secret values replaced by [`REDACTED`].
pub fn redact(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| {
            let secret = SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(k));
            (
                k.clone(),
                if secret {
                    REDACTED.to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}
