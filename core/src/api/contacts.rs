//! `/v1/me/contacts`: list (OData), streams, get, create, update, delete, delta sync.

use reqwest::Method;

use crate::client::Client;
use crate::collections::Collection;
use crate::delta::{DeltaChange, DeltaStream, DeltaSync};
use crate::error::{Error, Result, check_id};
use crate::models::{Contact, ContactUpdate, NewContact};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::Call;

fn check_etag(if_match: Option<&str>) -> Result<Option<String>> {
    match if_match {
        None => Ok(None),
        Some(tag) if tag.is_empty() || tag.chars().any(|c| c.is_control()) => {
            Err(Error::invalid("if_match", "not an ETag"))
        }
        Some(tag) => Ok(Some(tag.to_string())),
    }
}

impl Client {
    /// One page of contacts (`contacts.read`).
    pub async fn list_contacts(&self, query: &Query) -> Result<Page<Contact>> {
        self.first_page(&Collection::Contacts, query).await
    }

    /// The pages of contacts matching the query, the next one prefetched.
    pub fn contact_pages(&self, query: &Query) -> Result<PageStream<Contact>> {
        self.pages(&Collection::Contacts, query)
    }

    /// Every contact matching the query, page after page (the next page prefetched).
    pub fn contacts(&self, query: &Query) -> Result<ItemStream<Contact>> {
        Ok(ItemStream::new(self.contact_pages(query)?))
    }

    /// Every contact from a stored `next_link` on.
    pub fn contacts_from(&self, link: &str) -> Result<ItemStream<Contact>> {
        Ok(ItemStream::new(self.pages_from(link)?))
    }

    /// One contact (`contacts.read`); its `etag` is the version for `If-Match`.
    pub async fn get_contact(&self, id: &str) -> Result<Contact> {
        check_id("id", id)?;
        let url = self.endpoint(&["v1", "me", "contacts", id]);
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// Creates a contact (`contacts.write`). Safe to retry: one `Idempotency-Key` per call.
    pub async fn create_contact(&self, contact: &NewContact) -> Result<Contact> {
        contact.validate()?;
        let call =
            Call::api(Method::POST, self.endpoint(&["v1", "me", "contacts"])).json(contact)?;
        self.send_json(call).await
    }

    /// Changes a contact (merge-patch, `contacts.write`). With `if_match` (an ETag), a
    /// contact changed since is not overwritten: 412 `preconditionFailed`.
    pub async fn update_contact(
        &self,
        id: &str,
        update: &ContactUpdate,
        if_match: Option<&str>,
    ) -> Result<Contact> {
        check_id("id", id)?;
        update.validate()?;
        let mut call =
            Call::api(Method::PATCH, self.endpoint(&["v1", "me", "contacts", id])).json(update)?;
        call.if_match = check_etag(if_match)?;
        self.send_json(call).await
    }

    /// Deletes a contact (`contacts.write`), only if unchanged when `if_match` is given.
    pub async fn delete_contact(&self, id: &str, if_match: Option<&str>) -> Result<()> {
        check_id("id", id)?;
        let mut call = Call::api(Method::DELETE, self.endpoint(&["v1", "me", "contacts", id]));
        call.if_match = check_etag(if_match)?;
        self.send_empty(call).await
    }

    /// The changes of a delta round as a stream: from a stored `delta_link`, or (with
    /// `None`) a first round listing every contact. `page_size` applies to a first round.
    pub fn contacts_delta(
        &self,
        delta_link: Option<&str>,
        page_size: Option<u32>,
    ) -> Result<DeltaStream<Contact>> {
        Ok(ItemStream::new(
            self.contacts_delta_pages(delta_link, page_size)?,
        ))
    }

    /// The pages of a delta round, the next one prefetched: from a stored `delta_link`
    /// (or a round's `next_link`), or (with `None`) a first round of `page_size` contacts
    /// per page. The last page carries the `delta_link` to store. Checked before any
    /// request.
    pub fn contacts_delta_pages(
        &self,
        delta_link: Option<&str>,
        page_size: Option<u32>,
    ) -> Result<PageStream<DeltaChange<Contact>>> {
        match delta_link {
            Some(link) => self.pages_from(link),
            None => {
                let query = Query {
                    top: page_size,
                    ..Query::default()
                };
                self.pages(&Collection::ContactsDelta, &query)
            }
        }
    }

    /// A whole delta round: upserts, removals and the next delta link.
    /// [`Error::ResyncRequired`] means the link is too old: sync again with `None`.
    pub async fn sync_contacts(&self, delta_link: Option<&str>) -> Result<DeltaSync<Contact>> {
        self.sync_contacts_with(delta_link, None).await
    }

    /// [`Client::sync_contacts`] with the page size of a first round (1 to
    /// [`crate::MAX_PAGE_SIZE`]; `None`: the server's default). Later rounds follow the stored
    /// link, which carries the size it was made with.
    pub async fn sync_contacts_with(
        &self,
        delta_link: Option<&str>,
        page_size: Option<u32>,
    ) -> Result<DeltaSync<Contact>> {
        crate::delta::collect(self.contacts_delta(delta_link, page_size)?).await
    }
}
