//! `POST /v1/$batch`: requests and responses, bodies as JSON text.

use std::collections::HashMap;

use messenger_connect::models as m;

use crate::errors::{MessengerConnectError, Result};

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BatchItem {
    /// Unique in the batch (1..64 characters); named by `depends_on` of later items.
    pub id: String,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path and query relative to `/v1`, e.g. `/me/contacts?$top=5`.
    pub url: String,
    /// Request headers (e.g. `If-Match`, `Idempotency-Key`).
    pub headers: HashMap<String, String>,
    /// JSON body, as JSON text.
    pub body_json: Option<String>,
    /// Ids of earlier items that must succeed first (else this one is 424).
    pub depends_on: Vec<String>,
}

impl BatchItem {
    /// Core's item; the body must be valid JSON (`index` names the item in errors).
    pub(crate) fn into_core(self, index: usize) -> Result<m::BatchItem> {
        let body = match self.body_json {
            None => None,
            Some(text) => Some(serde_json::from_str(&text).map_err(|e| {
                MessengerConnectError::invalid(
                    &format!("items[{index}].body_json"),
                    format!("not JSON: {e}"),
                )
            })?),
        };
        Ok(m::BatchItem {
            id: self.id,
            method: self.method.to_ascii_uppercase(),
            url: self.url,
            headers: self.headers.into_iter().collect(),
            body,
            depends_on: self.depends_on,
        })
    }
}

/// The response to one item of a batch.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BatchResponse {
    /// The item's id.
    pub id: String,
    /// HTTP status (424 when a dependency failed, 429 when throttled).
    pub status: u16,
    /// Response headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// JSON body as JSON text, absent when empty.
    pub body_json: Option<String>,
    /// The error code of a failed item (`failedDependency`, `notFound`...).
    pub error_code: Option<String>,
    /// `Retry-After` of a throttled item, in milliseconds.
    pub retry_after_ms: Option<u64>,
}

impl From<m::BatchResponse> for BatchResponse {
    fn from(r: m::BatchResponse) -> Self {
        let error_code = r.error_code().map(str::to_string);
        let retry_after_ms = r
            .retry_after()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        BatchResponse {
            id: r.id,
            status: r.status,
            headers: r.headers.into_iter().collect(),
            body_json: r.body.map(|b| b.to_string()),
            error_code,
            retry_after_ms,
        }
    }
}
