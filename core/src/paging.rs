//! Pages of OData collections, and streams of pages and items that fetch the next page
//! while the caller consumes the current one.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, Result};

/// One page of a collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    #[serde(rename = "value")]
    pub items: Vec<T>,
    /// Link to the next page (store it to resume later).
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// Delta sync: link to call later for the changes since (last page only).
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
    /// Number of matching items (with `$count=true`).
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
}

/// What fetching one page gave: the page, and the fetch of the page after it when it was
/// already started (its link was found in the body before the body was decoded).
struct Fetched<T> {
    page: Result<Page<T>>,
    successor: Option<InFlight<T>>,
}

type FetchFuture<T> = Pin<Box<dyn Future<Output = Fetched<T>> + Send>>;

/// How many pages a stream keeps fetched or in flight beyond the one handed out.
const MAX_AHEAD: usize = 2;

/// Counts a stream's pages in flight; dropped (consumed or cancelled), it frees the slot.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    /// Takes a slot unconditionally (the page the consumer is waiting for).
    fn take(ahead: &Arc<AtomicUsize>) -> Slot {
        ahead.fetch_add(1, Ordering::AcqRel);
        Slot(ahead.clone())
    }

    /// Takes a slot if fewer than [`MAX_AHEAD`] pages are in flight.
    fn try_take(ahead: &Arc<AtomicUsize>) -> Option<Slot> {
        ahead
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_AHEAD).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(ahead.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One page being fetched: the link it came from, and the (spawned, when prefetching)
/// fetch, aborted when dropped.
struct InFlight<T> {
    link: String,
    fetch: FetchFuture<T>,
    abort: Option<tokio::task::AbortHandle>,
    _slot: Slot,
}

impl<T> Drop for InFlight<T> {
    fn drop(&mut self) {
        if let Some(abort) = &self.abort {
            abort.abort();
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> InFlight<T> {
    /// Starts fetching `url` (as its own task with `spawn`, else when first polled). With
    /// `chain`, as soon as the body names the next link (before the body is decoded) it
    /// starts the next page too, while fewer than [`MAX_AHEAD`] pages are in flight:
    /// decoding one page and fetching the next then overlap.
    fn start(
        client: Client,
        link: String,
        url: url::Url,
        spawn: bool,
        chain: bool,
        slot: Slot,
    ) -> InFlight<T> {
        let ahead = slot.0.clone();
        let work = async move {
            let successor: Mutex<Option<InFlight<T>>> = Mutex::new(None);
            let call = crate::transport::Call::api(reqwest::Method::GET, url);
            let page = client
                .execute(call, |status, body| {
                    if chain {
                        let mut next = successor.lock().unwrap_or_else(|e| e.into_inner());
                        if next.is_none()
                            && let Some(link) = peek_next_link(body)
                            && let Ok(url) = client.resolve_link(&link)
                            && let Some(slot) = Slot::try_take(&ahead)
                        {
                            *next =
                                Some(InFlight::start(client.clone(), link, url, true, true, slot));
                        }
                    }
                    crate::transport::decode_json(status, body)
                })
                .await;
            Fetched {
                page,
                successor: successor.into_inner().unwrap_or_else(|e| e.into_inner()),
            }
        };
        if spawn {
            let handle = tokio::spawn(work);
            let abort = handle.abort_handle();
            let fetch: FetchFuture<T> = Box::pin(async move {
                handle.await.unwrap_or_else(|e| Fetched {
                    page: Err(Error::Internal(format!("page prefetch task failed: {e}"))),
                    successor: None,
                })
            });
            InFlight {
                link,
                fetch,
                abort: Some(abort),
                _slot: slot,
            }
        } else {
            InFlight {
                link,
                fetch: Box::pin(work),
                abort: None,
                _slot: slot,
            }
        }
    }
}

/// The `@odata.nextLink` of a page body, found without decoding the body: the last
/// `"@odata.nextLink"` key (inside a string value its quotes would be escaped) and the
/// JSON string after it. A wrong guess only costs a request: the decoded page's own link
/// is checked before the early fetch is used.
fn peek_next_link(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"@odata.nextLink\"";
    let at = body.windows(KEY.len()).rposition(|w| w == KEY)? + KEY.len();
    let rest = &body[at..];
    let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    if rest[colon] != b':' {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(&rest[colon + 1..]);
    String::deserialize(&mut de).ok()
}

/// A stream of pages, following `@odata.nextLink`. With prefetch on (the default, see
/// [`crate::ClientBuilder::page_prefetch`]) the next page is requested as soon as the
/// current page's body names it, so fetching and decoding overlap, with at most two pages
/// in flight beyond the one handed out. Dropping the stream cancels pending fetches.
pub struct PageStream<T> {
    client: Client,
    pending: Option<InFlight<T>>,
    ahead: Arc<AtomicUsize>,
    next_link: Option<String>,
    delta_link: Option<String>,
}

impl<T> std::fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("next_link", &self.next_link)
            .field("delta_link", &self.delta_link)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> PageStream<T> {
    /// A stream starting at this URL (absolute, same origin as the client).
    pub(crate) fn new(client: Client, first: url::Url) -> PageStream<T> {
        let ahead = Arc::new(AtomicUsize::new(0));
        let link = first.to_string();
        // The first page is fetched when the stream is first polled (nothing is sent
        // before); later ones as said above.
        let chain = client.shared.prefetch;
        let pending = InFlight::start(
            client.clone(),
            link.clone(),
            first,
            false,
            chain,
            Slot::take(&ahead),
        );
        PageStream {
            client,
            pending: Some(pending),
            ahead,
            next_link: Some(link),
            delta_link: None,
        }
    }

    /// The link of the page the stream will fetch next (`None` at the end): store it to
    /// resume with [`Client::pages_from`] after the pages already received.
    pub fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }

    /// The delta link of the last page, once the stream reached it (delta sync).
    pub fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }

    /// The fetch of the page at `link`: the one already started when it is the same link,
    /// else a new one.
    fn follow(&self, link: &str, early: Option<InFlight<T>>) -> Option<InFlight<T>> {
        if let Some(early) = early.filter(|e| e.link == link) {
            return Some(early);
        }
        let prefetch = self.client.shared.prefetch;
        Some(match self.client.resolve_link(link) {
            Ok(url) => InFlight::start(
                self.client.clone(),
                link.to_string(),
                url,
                prefetch,
                prefetch,
                Slot::take(&self.ahead),
            ),
            Err(e) => InFlight {
                link: link.to_string(),
                fetch: Box::pin(async move {
                    Fetched {
                        page: Err(e),
                        successor: None,
                    }
                }),
                abort: None,
                _slot: Slot::take(&self.ahead),
            },
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for PageStream<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let fetched = match pending.fetch.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(f) => f,
        };
        self.pending = None;
        let page = match fetched.page {
            Ok(page) => page,
            // The failed link stays in `next_link`, to retry or resume from.
            Err(e) => return Poll::Ready(Some(Err(e))),
        };
        self.next_link = page.next_link.clone();
        if page.delta_link.is_some() {
            self.delta_link = page.delta_link.clone();
        }
        if let Some(link) = &page.next_link {
            self.pending = self.follow(link, fetched.successor);
        }
        Poll::Ready(Some(Ok(page)))
    }
}

/// A stream of the items of every page (see [`PageStream`] for prefetching).
pub struct ItemStream<T> {
    pages: PageStream<T>,
    buffer: VecDeque<T>,
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    pub(crate) fn new(pages: PageStream<T>) -> ItemStream<T> {
        ItemStream {
            pages,
            buffer: VecDeque::new(),
        }
    }

    /// The link of the next page to fetch, once the items received so far are consumed
    /// (`None` at the end).
    pub fn next_link(&self) -> Option<&str> {
        self.pages.next_link()
    }

    /// The delta link of the last page, once the stream reached it (delta sync).
    pub fn delta_link(&self) -> Option<&str> {
        self.pages.delta_link()
    }

    /// Items received but not consumed yet.
    pub fn buffered_len(&self) -> usize {
        self.buffer.len()
    }
}

impl<T: DeserializeOwned + Send + Unpin + 'static> Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(page.items),
            }
        }
    }
}

impl Client {
    /// Checks a link from the server (or from storage): absolute or relative to the base
    /// URL, and of the same origin, so the bearer token never goes elsewhere.
    pub(crate) fn resolve_link(&self, link: &str) -> Result<url::Url> {
        let url = self
            .shared
            .base
            .join(link)
            .map_err(|e| Error::invalid("link", format!("not a URL: {e}")))?;
        if url.origin() != self.shared.base.origin() {
            return Err(Error::invalid(
                "link",
                "points to another origin than the client's base URL",
            ));
        }
        Ok(url)
    }

    /// A stream of pages starting at a stored link (a `next_link` or `delta_link`).
    pub fn pages_from<T: DeserializeOwned + Send + 'static>(
        &self,
        link: &str,
    ) -> Result<PageStream<T>> {
        let url = self.resolve_link(link)?;
        Ok(PageStream::new(self.clone(), url))
    }

    /// One page at a stored link.
    pub async fn page_at<T: DeserializeOwned + Send + 'static>(
        &self,
        link: &str,
    ) -> Result<Page<T>> {
        let url = self.resolve_link(link)?;
        self.send_json(crate::transport::Call::api(reqwest::Method::GET, url))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::peek_next_link;

    #[test]
    fn the_next_link_is_found_without_decoding() {
        let body = br#"{"value":[{"id":"a","note":"say \"@odata.nextLink\": \"x\""}],
            "@odata.nextLink" : "http://h/v1/me/contacts?$skiptoken=a\u0062c"}"#;
        assert_eq!(
            peek_next_link(body).as_deref(),
            Some("http://h/v1/me/contacts?$skiptoken=abc")
        );
        // Only a value's text, or no link at all, or a cut body: nothing.
        for body in [
            &br#"{"value":[{"note":"say \"@odata.nextLink\":\"x\""}]}"#[..],
            br#"{"value":[],"@odata.deltaLink":"http://h/d"}"#,
            br#"{"value":[],"@odata.nextLink":"http://h/cut"#,
            br#"{"value":[],"@odata.nextLink":null}"#,
        ] {
            assert_eq!(
                peek_next_link(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
