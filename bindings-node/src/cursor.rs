//! Page cursors for `for await`: each page crosses to JS as one JSON text
//! `{"items":[...],"nextLink","deltaLink","count"}` that `index.js` parses with a single
//! `JSON.parse`. Items are kept as the server's raw JSON (`RawValue`): no typed decoding
//! and re-encoding in Rust, no per-property N-API calls.

use std::sync::Arc;

use futures_util::StreamExt;
use messenger_connect::{Client, Page, PageStream};
use napi_derive::napi;
use serde_json::value::RawValue;
use tokio::sync::Mutex;

use crate::error::to_js;

type RawStream = PageStream<Box<RawValue>>;

/// A pull cursor over pages: `next()` resolves to a page as JSON text, or `null` at the end.
#[napi]
pub struct Cursor {
    stream: Arc<Mutex<Option<RawStream>>>,
}

/// The page as the JSON text `index.js` parses.
pub(crate) fn page_json(page: &Page<Box<RawValue>>) -> String {
    let size: usize = page.items.iter().map(|i| i.get().len() + 1).sum();
    let mut s = String::with_capacity(size + 256);
    s.push_str("{\"items\":[");
    for (n, item) in page.items.iter().enumerate() {
        if n > 0 {
            s.push(',');
        }
        s.push_str(item.get());
    }
    let text = |v: &Option<String>| serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    s.push_str("],\"nextLink\":");
    s.push_str(&text(&page.next_link));
    s.push_str(",\"deltaLink\":");
    s.push_str(&text(&page.delta_link));
    s.push_str(",\"count\":");
    match page.count {
        Some(n) => s.push_str(&n.to_string()),
        None => s.push_str("null"),
    }
    s.push('}');
    s
}

impl Cursor {
    /// Pages from the link a typed core stream would fetch first. Core builds and checks
    /// the URL (query rendering, page size...); the typed stream is dropped before it sent
    /// anything (its first fetch is lazy), and a raw stream fetches the same URL.
    pub(crate) fn open(client: &Client, first_link: Option<&str>) -> napi::Result<Cursor> {
        let link = first_link.unwrap_or_default().to_string();
        let stream = client.pages_from::<Box<RawValue>>(&link).map_err(to_js)?;
        Ok(Cursor {
            stream: Arc::new(Mutex::new(Some(stream))),
        })
    }

    /// Pages of a typed core page stream, decoded raw (see [`Cursor::open`]).
    pub(crate) fn from_pages<T>(
        client: &Client,
        typed: messenger_connect::Result<PageStream<T>>,
    ) -> napi::Result<Cursor>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        let typed = typed.map_err(to_js)?;
        Cursor::open(client, typed.next_link())
    }
}

#[napi]
impl Cursor {
    /// The next page as JSON text, or `null` at the end.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<String>> {
        let mut guard = self.stream.lock().await;
        let Some(s) = guard.as_mut() else {
            return Ok(None);
        };
        match s.next().await {
            Some(Ok(page)) => Ok(Some(page_json(&page))),
            Some(Err(e)) => Err(to_js(e)),
            None => {
                *guard = None;
                Ok(None)
            }
        }
    }

    /// The link of the page the cursor fetches next (`null` at the end): store it to resume.
    #[napi]
    pub async fn next_link(&self) -> Option<String> {
        let guard = self.stream.lock().await;
        guard
            .as_ref()
            .and_then(|s| s.next_link().map(str::to_string))
    }

    /// Stops the cursor (cancels a pending prefetch).
    #[napi]
    pub fn close(&self) {
        if let Ok(mut guard) = self.stream.try_lock() {
            *guard = None;
        }
    }
}
