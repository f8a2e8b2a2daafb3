//! `/portablecontacts/@me/@all[/{id}]`: the Portable Contacts 1.0 query form.

use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result, check_id};
use crate::models::{Contact, PocoPage};
use crate::odata::PocoQuery;
use crate::transport::Call;

impl Client {
    /// Contacts in the Portable Contacts query form.
    pub async fn poco_contacts(&self, query: &PocoQuery) -> Result<PocoPage> {
        let url = self.endpoint_with(&["portablecontacts", "@me", "@all"], &query.to_pairs()?);
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// One contact in the Portable Contacts form.
    pub async fn poco_contact(&self, id: &str) -> Result<Contact> {
        check_id("id", id)?;
        let url = self.endpoint(&["portablecontacts", "@me", "@all", id]);
        let page: PocoPage = self.send_json(Call::api(Method::GET, url)).await?;
        page.entry.into_iter().next().ok_or_else(|| Error::Decode {
            status: 200,
            message: "the Portable Contacts envelope has no entry".into(),
            request_id: None,
        })
    }
}
