//! Pages of OData collections, and streams of pages and items that fetch the next page
//! while the caller consumes the current one.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
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

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>>> + Send>>;

/// Aborts a spawned prefetch when the stream is dropped.
struct Prefetch<T>(tokio::task::JoinHandle<Result<Page<T>>>);

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for Prefetch<T> {
    type Output = Result<Page<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| {
                Err(Error::Network {
                    message: format!("page prefetch task failed: {e}"),
                    timeout: false,
                })
            })
        })
    }
}

/// A stream of pages, following `@odata.nextLink`. With prefetch on (the default, see
/// [`crate::ClientBuilder::page_prefetch`]) the next page is requested as soon as a page
/// is handed out. Dropping the stream cancels a pending fetch.
pub struct PageStream<T> {
    client: Client,
    pending: Option<PageFuture<T>>,
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
        let mut s = PageStream {
            client,
            pending: None,
            next_link: Some(first.to_string()),
            delta_link: None,
        };
        s.pending = Some(s.fetch(first, false));
        s
    }

    fn fetch(&self, url: url::Url, prefetch: bool) -> PageFuture<T> {
        let client = self.client.clone();
        let work = async move {
            client
                .send_json::<Page<T>>(crate::transport::Call::api(reqwest::Method::GET, url))
                .await
        };
        if prefetch && self.client.shared.prefetch {
            Box::pin(Prefetch(tokio::spawn(work)))
        } else {
            Box::pin(work)
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
}

impl<T: DeserializeOwned + Send + 'static> Stream for PageStream<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        self.pending = None;
        let page = match result {
            Ok(page) => page,
            // The failed link stays in `next_link`, to retry or resume from.
            Err(e) => return Poll::Ready(Some(Err(e))),
        };
        self.next_link = page.next_link.clone();
        if page.delta_link.is_some() {
            self.delta_link = page.delta_link.clone();
        }
        if let Some(link) = &page.next_link {
            match self.client.resolve_link(link) {
                Ok(url) => self.pending = Some(self.fetch(url, true)),
                Err(e) => {
                    let failed: PageFuture<T> = Box::pin(async move { Err(e) });
                    self.pending = Some(failed);
                }
            }
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
