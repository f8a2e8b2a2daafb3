//! Every paged collection of the API by name, and the entry points bindings page them
//! with: a first page (typed, or raw JSON for bindings that pass JSON through), a page at
//! a stored link, and streams of either, all on the paging code of [`crate::paging`].
//! Core builds every URL; no binding writes a path, a query option or an `@odata` key.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::client::Client;
use crate::delta::DeltaChange;
use crate::error::{Error, Result, check_id};
use crate::models::Contact;
use crate::odata::{MAX_PAGE_SIZE, Query};
use crate::paging::{Page, PageStream};
use crate::transport::Call;

/// An item of a page as the server's JSON text, not decoded.
pub type RawItem = Box<RawValue>;

/// A page whose items are the server's JSON texts ([`Page::to_json`] writes them as-is).
pub type RawPage = Page<RawItem>;

/// A paged collection of the API.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Collection {
    /// `/v1/me/contacts` (`contacts.read`).
    Contacts,
    /// `/v1/me/contacts/delta`: a first delta round (only `top` applies).
    ContactsDelta,
    /// `/v1/me/friends` (`friends.read`).
    Friends,
    /// `/v1/me/invitations` (`friends.invite`).
    Invitations,
    /// `/v1/me/feed`: my own and my friends' activities, newest first (`feed.read`).
    Feed,
    /// `/v1/me/activities`: my own activities (`feed.read`).
    Activities,
    /// `/v1/me/conversations` (`chat`).
    Conversations,
    /// `/v1/me/conversations/{id}/messages`, oldest first (`chat`).
    Messages {
        /// The conversation.
        conversation_id: String,
    },
}

impl Collection {
    /// The name of every collection, as [`Collection::name`] gives it.
    pub const NAMES: &'static [&'static str] = &[
        "contacts",
        "contactsDelta",
        "friends",
        "invitations",
        "feed",
        "activities",
        "conversations",
        "messages",
    ];

    /// The collection's name (camelCase, e.g. `contactsDelta`).
    pub fn name(&self) -> &'static str {
        match self {
            Collection::Contacts => "contacts",
            Collection::ContactsDelta => "contactsDelta",
            Collection::Friends => "friends",
            Collection::Invitations => "invitations",
            Collection::Feed => "feed",
            Collection::Activities => "activities",
            Collection::Conversations => "conversations",
            Collection::Messages { .. } => "messages",
        }
    }

    /// The collection named `name`; `messages` needs the conversation's id as `parent_id`
    /// (the others take none).
    pub fn from_name(name: &str, parent_id: Option<&str>) -> Result<Collection> {
        let plain = match name {
            "contacts" => Collection::Contacts,
            "contactsDelta" => Collection::ContactsDelta,
            "friends" => Collection::Friends,
            "invitations" => Collection::Invitations,
            "feed" => Collection::Feed,
            "activities" => Collection::Activities,
            "conversations" => Collection::Conversations,
            "messages" => {
                let id = parent_id.ok_or_else(|| {
                    Error::invalid("conversation_id", "the messages of which conversation?")
                })?;
                check_id("conversation_id", id)?;
                return Ok(Collection::Messages {
                    conversation_id: id.to_string(),
                });
            }
            other => {
                return Err(Error::invalid(
                    "collection",
                    format!(
                        "`{other}` is not a collection ({})",
                        Collection::NAMES.join(", ")
                    ),
                ));
            }
        };
        match parent_id {
            Some(_) => Err(Error::invalid(
                "parent_id",
                format!("`{name}` is not a collection of a conversation"),
            )),
            None => Ok(plain),
        }
    }
}

impl std::fmt::Display for Collection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The binding form of a page (see [`Page::to_json`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PageJson<'a, T> {
    items: &'a [T],
    next_link: &'a Option<String>,
    delta_link: &'a Option<String>,
    count: Option<u64>,
}

impl<T: Serialize> Page<T> {
    /// The page as JSON text in the form bindings hand to their language:
    /// `{"items": [...], "nextLink", "deltaLink", "count"}` (links and count `null` when
    /// absent). [`RawItem`]s are written as the server sent them, with no decoding. (Its
    /// serde form is the wire form, `value` and `@odata.*`.) Only an item whose
    /// `Serialize` fails makes it fail ([`Error::Internal`]); core's models never do.
    pub fn to_json(&self) -> Result<String> {
        let out = PageJson {
            items: &self.items,
            next_link: &self.next_link,
            delta_link: &self.delta_link,
            count: self.count,
        };
        serde_json::to_string(&out)
            .map_err(|e| Error::Internal(format!("cannot write the page as JSON: {e}")))
    }
}

impl Client {
    /// The URL of a collection's first page with these options (checked). A delta round
    /// takes only `top`.
    pub(crate) fn collection_url(
        &self,
        collection: &Collection,
        query: &Query,
    ) -> Result<url::Url> {
        let pairs = match collection {
            Collection::ContactsDelta => delta_pairs(query)?,
            _ => query.to_pairs()?,
        };
        let segments: &[&str] = match collection {
            Collection::Contacts => &["v1", "me", "contacts"],
            Collection::ContactsDelta => &["v1", "me", "contacts", "delta"],
            Collection::Friends => &["v1", "me", "friends"],
            Collection::Invitations => &["v1", "me", "invitations"],
            Collection::Feed => &["v1", "me", "feed"],
            Collection::Activities => &["v1", "me", "activities"],
            Collection::Conversations => &["v1", "me", "conversations"],
            Collection::Messages { conversation_id } => {
                check_id("conversation_id", conversation_id)?;
                return Ok(self.endpoint_with(
                    &["v1", "me", "conversations", conversation_id, "messages"],
                    &pairs,
                ));
            }
        };
        Ok(self.endpoint_with(segments, &pairs))
    }

    /// The first page of a collection, decoded as `T` (e.g. [`crate::models::Friend`];
    /// [`RawItem`] for the server's JSON).
    pub async fn first_page<T: DeserializeOwned>(
        &self,
        collection: &Collection,
        query: &Query,
    ) -> Result<Page<T>> {
        let url = self.collection_url(collection, query)?;
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// The pages of a collection, decoded as `T`, the next one prefetched. Nothing is
    /// sent before the stream is first polled; [`PageStream::next_link`] is the first
    /// page's link until then.
    pub fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        collection: &Collection,
        query: &Query,
    ) -> Result<PageStream<T>> {
        Ok(PageStream::new(
            self.clone(),
            self.collection_url(collection, query)?,
        ))
    }

    /// The first page of a collection with its items as the server's JSON.
    pub async fn raw_page(&self, collection: &Collection, query: &Query) -> Result<RawPage> {
        self.first_page(collection, query).await
    }

    /// The page at a stored link (a `next_link` or `delta_link`), items as the server's JSON.
    pub async fn raw_page_at(&self, link: &str) -> Result<RawPage> {
        self.page_at(link).await
    }

    /// The pages of a collection with their items as the server's JSON.
    pub fn raw_pages(&self, collection: &Collection, query: &Query) -> Result<PageStream<RawItem>> {
        self.pages(collection, query)
    }

    /// One page of a delta round: from a stored `delta_link` (or a `next_link` of a
    /// round), or, with `None`, the first page of a first round of `page_size` contacts
    /// (1 to [`MAX_PAGE_SIZE`]; `None`: the server's default). Follow its `next_link`
    /// with [`Client::page_at`]; the last page has the `delta_link` to store. A link too
    /// old is [`Error::ResyncRequired`].
    pub async fn contacts_delta_page(
        &self,
        link: Option<&str>,
        page_size: Option<u32>,
    ) -> Result<Page<DeltaChange<Contact>>> {
        match link {
            Some(link) => self.page_at(link).await,
            None => {
                let query = Query {
                    top: page_size,
                    ..Query::default()
                };
                self.first_page(&Collection::ContactsDelta, &query).await
            }
        }
    }
}

/// The options of a first delta round: only the page size.
fn delta_pairs(query: &Query) -> Result<Vec<(String, String)>> {
    let only_top = Query {
        top: query.top,
        ..Query::default()
    };
    if *query != only_top {
        return Err(Error::invalid(
            "query",
            "a delta round takes only a page size (top)",
        ));
    }
    match query.top {
        Some(n) if !(1..=MAX_PAGE_SIZE).contains(&n) => Err(Error::invalid(
            "page_size",
            format!("must be 1 to {MAX_PAGE_SIZE}"),
        )),
        Some(n) => Ok(vec![("$top".to_string(), n.to_string())]),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in Collection::NAMES {
            let parent = (*name == "messages").then_some("c1");
            let c = Collection::from_name(name, parent).expect(name);
            assert_eq!(c.name(), *name);
        }
        assert!(Collection::from_name("messages", None).is_err());
        assert!(Collection::from_name("friends", Some("c1")).is_err());
        assert!(Collection::from_name("nope", None).is_err());
    }

    #[test]
    fn pages_in_the_binding_form() {
        let page: RawPage = serde_json::from_str(
            r#"{"value":[{"id":"a","x":[1, 2]},{"id":"b"}],"@odata.nextLink":"http://h/n","@odata.count":2}"#,
        )
        .unwrap();
        assert_eq!(
            page.to_json().unwrap(),
            r#"{"items":[{"id":"a","x":[1, 2]},{"id":"b"}],"nextLink":"http://h/n","deltaLink":null,"count":2}"#
        );
    }
}
