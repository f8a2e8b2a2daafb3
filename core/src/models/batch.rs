//! `POST /v1/$batch`: requests and their responses (DESIGN §2.8).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchItem {
    /// Unique in the batch (1..64 characters); names the response and `depends_on` targets.
    pub id: String,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path and query relative to `/v1`, e.g. `/me/contacts?$top=5`.
    pub url: String,
    /// Request headers (e.g. `If-Match`, `Idempotency-Key`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Ids of earlier items that must succeed first (else this one is 424).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl BatchItem {
    /// A request without body.
    pub fn new(id: impl Into<String>, method: &str, url: impl Into<String>) -> BatchItem {
        BatchItem {
            id: id.into(),
            method: method.to_ascii_uppercase(),
            url: url.into(),
            ..BatchItem::default()
        }
    }

    /// With a JSON body.
    pub fn with_body(mut self, body: serde_json::Value) -> BatchItem {
        self.body = Some(body);
        self
    }

    /// With a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> BatchItem {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Runs only if these earlier items succeed.
    pub fn depends_on<I, S>(mut self, ids: I) -> BatchItem
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.depends_on.extend(ids.into_iter().map(Into::into));
        self
    }
}

/// The response to one item of a batch.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    /// The item's id.
    pub id: String,
    /// HTTP status (424 when a dependency failed, 429 when throttled).
    pub status: u16,
    /// Response headers, names in lower case.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body (a string for any other body), absent when empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

impl BatchResponse {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The error code of a failed item (`failedDependency`, `notFound`...).
    pub fn error_code(&self) -> Option<&str> {
        self.body.as_ref()?.get("error")?.get("code")?.as_str()
    }

    /// `Retry-After` of a throttled item, in seconds.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        let v = self.headers.get("retry-after")?;
        v.trim()
            .parse::<u64>()
            .ok()
            .map(std::time::Duration::from_secs)
    }

    /// Decodes the body (e.g. as a [`crate::models::Contact`]).
    pub fn json<T: DeserializeOwned>(&self) -> crate::Result<T> {
        let body = self.body.clone().unwrap_or(serde_json::Value::Null);
        serde_json::from_value(body).map_err(|e| crate::Error::decode(&e, self.status, None))
    }
}
