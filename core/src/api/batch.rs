//! `POST /v1/$batch`.

use std::collections::HashSet;

use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{BatchItem, BatchResponse};
use crate::transport::Call;

/// Most requests in one batch.
pub const MAX_BATCH_ITEMS: usize = 20;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

fn check_items(items: &[BatchItem]) -> Result<()> {
    if items.is_empty() {
        return Err(Error::invalid(
            "items",
            "a batch needs at least one request",
        ));
    }
    if items.len() > MAX_BATCH_ITEMS {
        return Err(Error::invalid(
            "items",
            format!("a batch holds at most {MAX_BATCH_ITEMS} requests"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = |field: &str| format!("items[{i}].{field}");
        crate::limits::BATCH_ITEM_ID.check_chars(&at("id"), &item.id)?;
        if !METHODS.contains(&item.method.as_str()) {
            return Err(Error::invalid(
                &at("method"),
                "must be GET, POST, PUT, PATCH or DELETE",
            ));
        }
        if !item.url.starts_with('/')
            || item.url.starts_with("//")
            || item.url.chars().count() > crate::limits::BATCH_URL_CHARS
        {
            return Err(Error::invalid(
                &at("url"),
                "must be a path relative to /v1, e.g. /me/contacts?$top=5",
            ));
        }
        if item
            .headers
            .iter()
            .any(|(k, v)| k.is_empty() || k.chars().chain(v.chars()).any(char::is_control))
        {
            return Err(Error::invalid(&at("headers"), "invalid header"));
        }
        for dep in &item.depends_on {
            if !seen.contains(dep.as_str()) {
                return Err(Error::invalid(
                    &at("depends_on"),
                    format!("`{dep}` is not the id of an earlier request"),
                ));
            }
        }
        if !seen.insert(item.id.as_str()) {
            return Err(Error::invalid(
                &at("id"),
                format!("`{}` is used twice", item.id),
            ));
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Responses {
    responses: Vec<BatchResponse>,
}

impl Client {
    /// Sends up to 20 requests at once (`POST /v1/$batch`); returns one response per item,
    /// in request order. Items run one after the other; an item whose `depends_on` did not
    /// succeed is 424 `failedDependency`, a throttled one 429 with its own `retry-after`.
    /// Item failures are responses, not errors. Checked before sending: 1 to 20 items,
    /// unique ids, known methods, relative URLs, dependencies on earlier ids only.
    pub async fn batch(&self, items: Vec<BatchItem>) -> Result<Vec<BatchResponse>> {
        check_items(&items)?;
        let body = serde_json::json!({ "requests": items });
        let call = Call::api(Method::POST, self.endpoint(&["v1", "$batch"])).json(&body)?;
        let responses: Responses = self.send_json(call).await?;
        Ok(responses.responses)
    }
}
