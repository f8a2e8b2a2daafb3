//! `Client`: contacts (OData pages), delta sync and the Portable Contacts form.

use messenger_connect::models as m;

use crate::errors::Result;
use crate::models::{
    Contact, ContactPage, ContactUpdate, DeltaPage, DeltaSync, NewContact, PocoPage,
};
use crate::query::{PocoQuery, Query, core_poco_query, core_query};

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The first page of contacts matching the query (`contacts.read`); follow
    /// `next_link` with `contacts_page_at`.
    pub async fn list_contacts(&self, query: Option<Query>) -> Result<ContactPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_contacts(&q).await?.into())
    }

    /// The page of contacts at a stored `next_link` (same origin as the base URL).
    pub async fn contacts_page_at(&self, link: String) -> Result<ContactPage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Contact>(&link).await?.into())
    }

    /// One contact (`contacts.read`); its `etag` is the version for `if_match`.
    pub async fn get_contact(&self, id: String) -> Result<Contact> {
        let c = self.core()?;
        Ok(c.get_contact(&id).await?.into())
    }

    /// Creates a contact (`contacts.write`); safe to retry (one `Idempotency-Key` per call).
    pub async fn create_contact(&self, contact: NewContact) -> Result<Contact> {
        let contact = contact.try_into()?;
        let c = self.core()?;
        Ok(c.create_contact(&contact).await?.into())
    }

    /// Changes a contact (merge-patch, `contacts.write`). With `if_match` (an ETag), a
    /// contact changed since is not overwritten: `PreconditionFailed`.
    pub async fn update_contact(
        &self,
        id: String,
        update: ContactUpdate,
        if_match: Option<String>,
    ) -> Result<Contact> {
        let update = update.try_into()?;
        let c = self.core()?;
        Ok(c.update_contact(&id, &update, if_match.as_deref())
            .await?
            .into())
    }

    /// Deletes a contact (`contacts.write`), only if unchanged when `if_match` is given.
    pub async fn delete_contact(&self, id: String, if_match: Option<String>) -> Result<()> {
        let c = self.core()?;
        Ok(c.delete_contact(&id, if_match.as_deref()).await?)
    }

    /// One page of a delta round: at `link` (a stored `next_link` or `delta_link`), or
    /// with `None` the first page of a first round (every contact; `page_size` 1..1000).
    /// A link too old is `ResyncRequired`.
    pub async fn contacts_delta_page(
        &self,
        link: Option<String>,
        page_size: Option<u32>,
    ) -> Result<DeltaPage> {
        let c = self.core()?;
        Ok(c.contacts_delta_page(link.as_deref(), page_size)
            .await?
            .into())
    }

    /// A whole delta round: upserts, removals and the next delta link. `None`: a first
    /// round (`page_size` applies to it). A link too old is `ResyncRequired`.
    pub async fn sync_contacts(
        &self,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> Result<DeltaSync> {
        let c = self.core()?;
        // Checks the link and page size before any request.
        c.contacts_delta(delta_link.as_deref(), page_size)?;
        Ok(c.sync_contacts_with(delta_link.as_deref(), page_size)
            .await?
            .into())
    }

    /// Contacts in the Portable Contacts query form.
    pub async fn poco_contacts(&self, query: Option<PocoQuery>) -> Result<PocoPage> {
        let q = core_poco_query(query)?;
        let c = self.core()?;
        Ok(c.poco_contacts(&q).await?.into())
    }

    /// One contact in the Portable Contacts form.
    pub async fn poco_contact(&self, id: String) -> Result<Contact> {
        let c = self.core()?;
        Ok(c.poco_contact(&id).await?.into())
    }
}
