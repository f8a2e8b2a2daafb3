//! The API's resources on `NativeClient`: profile, contacts (OData, delta, Portable
//! Contacts), social, feed, chat, permissions, `$batch`, live events. Arguments and
//! results cross as JSON text; collections as page cursors.

use messenger_connect::models::{
    BatchItem, ContactUpdate, MeUpdate, NewActivity, NewContact, NewInvitation, NewMessage,
    StatusUpdate,
};
use messenger_connect::{EventsOptions, PocoQuery};
use napi_derive::napi;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::client::NativeClient;
use crate::cursor::Cursor;
use crate::error::{arg, id, invalid, out, reply, to_js};
use crate::events::Events;
use crate::query::query;

/// `{filterBy, filterOp, filterValue, sortBy, sortOrder, startIndex, count, updatedSince,
/// fields}` (JSON text; core's JSON form of a Portable Contacts query) → [`PocoQuery`],
/// checked by core.
fn poco_query(json: Option<&str>) -> napi::Result<PocoQuery> {
    match json {
        None => Ok(PocoQuery::new()),
        Some(t) => PocoQuery::from_value(&arg::<Value>("options", t)?).map_err(to_js),
    }
}

#[napi]
impl NativeClient {
    // -- profile

    /// `GET /v1/me`.
    #[napi]
    pub async fn me(&self) -> napi::Result<String> {
        reply(self.client()?.me().await)
    }

    /// `PATCH /v1/me`.
    #[napi]
    pub async fn update_me(&self, update: String) -> napi::Result<String> {
        let c = self.client()?;
        let update: MeUpdate = arg("update", &update)?;
        reply(c.update_me(&update).await)
    }

    /// `GET /v1/users/{id}`.
    #[napi]
    pub async fn user(&self, user_id: String) -> napi::Result<String> {
        reply(self.client()?.user(&user_id).await)
    }

    /// `GET /v1/me/status`.
    #[napi]
    pub async fn status(&self) -> napi::Result<String> {
        reply(self.client()?.status().await)
    }

    /// `PUT /v1/me/status`.
    #[napi]
    pub async fn set_status(&self, update: String) -> napi::Result<String> {
        let c = self.client()?;
        let update: StatusUpdate = arg("update", &update)?;
        reply(c.set_status(&update).await)
    }

    // -- contacts

    /// One page of contacts.
    #[napi]
    pub async fn list_contacts(&self, query_options: Option<String>) -> napi::Result<String> {
        let c = self.client()?;
        let q = query(query_options.as_deref())?;
        let first = c.contact_pages(&q).map_err(to_js)?;
        let link = first.next_link().unwrap_or_default().to_string();
        drop(first);
        let page = c.page_at::<Box<RawValue>>(&link).await.map_err(to_js)?;
        Ok(crate::cursor::page_json(&page))
    }

    /// Pages of contacts.
    #[napi]
    pub fn contact_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.contact_pages(&query(query_options.as_deref())?))
    }

    /// Pages starting at a stored `nextLink` or `deltaLink`.
    #[napi]
    pub fn pages_from(&self, link: String) -> napi::Result<Cursor> {
        Cursor::open(&self.client()?, Some(&link))
    }

    /// `GET /v1/me/contacts/{id}`.
    #[napi]
    pub async fn get_contact(&self, contact_id: String) -> napi::Result<String> {
        reply(self.client()?.get_contact(&contact_id).await)
    }

    /// `POST /v1/me/contacts`.
    #[napi]
    pub async fn create_contact(&self, contact: String) -> napi::Result<String> {
        let c = self.client()?;
        let contact: NewContact = arg("contact", &contact)?;
        reply(c.create_contact(&contact).await)
    }

    /// `PATCH /v1/me/contacts/{id}` (with `If-Match` when given).
    #[napi]
    pub async fn update_contact(
        &self,
        contact_id: String,
        update: String,
        if_match: Option<String>,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let update: ContactUpdate = arg("update", &update)?;
        reply(
            c.update_contact(&contact_id, &update, if_match.as_deref())
                .await,
        )
    }

    /// `DELETE /v1/me/contacts/{id}` (with `If-Match` when given).
    #[napi]
    pub async fn delete_contact(
        &self,
        contact_id: String,
        if_match: Option<String>,
    ) -> napi::Result<()> {
        let c = self.client()?;
        c.delete_contact(&contact_id, if_match.as_deref())
            .await
            .map_err(to_js)
    }

    /// One delta round: `{upserts, removed, deltaLink}`.
    #[napi]
    pub async fn sync_contacts(
        &self,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let round = c
            .sync_contacts_with(delta_link.as_deref(), page_size)
            .await
            .map_err(to_js)?;
        out(&json!({
            "upserts": round.upserts,
            "removed": round.removed,
            "deltaLink": round.delta_link,
        }))
    }

    /// The changes of a delta round as pages; items are contacts or `{id, "@removed"}`.
    #[napi]
    pub fn delta_pages(
        &self,
        delta_link: Option<String>,
        page_size: Option<u32>,
    ) -> napi::Result<Cursor> {
        let c = self.client()?;
        let typed = c
            .contacts_delta(delta_link.as_deref(), page_size)
            .map_err(to_js)?;
        Cursor::open(&c, typed.next_link())
    }

    /// Portable Contacts: `GET /portablecontacts/@me/@all` → `{startIndex, itemsPerPage,
    /// totalResults, entry}`.
    #[napi]
    pub async fn poco_contacts(&self, query_options: Option<String>) -> napi::Result<String> {
        let c = self.client()?;
        let q = poco_query(query_options.as_deref())?;
        reply(c.poco_contacts(&q).await)
    }

    /// Portable Contacts: `GET /portablecontacts/@me/@all/{id}`.
    #[napi]
    pub async fn poco_contact(&self, contact_id: String) -> napi::Result<String> {
        reply(self.client()?.poco_contact(&contact_id).await)
    }

    // -- social

    /// Pages of friends.
    #[napi]
    pub fn friend_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.friend_pages(&query(query_options.as_deref())?))
    }

    /// Pages of invitations.
    #[napi]
    pub fn invitation_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.invitation_pages(&query(query_options.as_deref())?))
    }

    /// `POST /v1/me/invitations` (`{email} | {contactId}`, `message?`).
    #[napi]
    pub async fn invite(&self, invitation: String) -> napi::Result<String> {
        let c = self.client()?;
        let invitation: NewInvitation = arg("invitation", &invitation)?;
        reply(c.invite(&invitation).await)
    }

    /// `DELETE /v1/me/invitations/{id}`.
    #[napi]
    pub async fn cancel_invitation(&self, invitation_id: String) -> napi::Result<()> {
        let c = self.client()?;
        c.cancel_invitation(&invitation_id).await.map_err(to_js)
    }

    // -- feed and activities

    /// Pages of my feed (mine and my friends' activities, newest first).
    #[napi]
    pub fn feed_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.feed_pages(&query(query_options.as_deref())?))
    }

    /// Pages of my own activities.
    #[napi]
    pub fn activity_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.activity_pages(&query(query_options.as_deref())?))
    }

    /// `GET /v1/me/activities/{id}`.
    #[napi]
    pub async fn get_activity(&self, activity_id: String) -> napi::Result<String> {
        reply(self.client()?.get_activity(&activity_id).await)
    }

    /// Posts an activity under the caller's `idempotencyKey` (1 to 255 visible ASCII
    /// characters, checked by core before any request: a job run again with the same key
    /// never posts twice), or else under a key core makes; retries reuse the key.
    #[napi]
    pub async fn create_activity(
        &self,
        activity: String,
        idempotency_key: Option<String>,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let activity: NewActivity = arg("activity", &activity)?;
        let Some(key) = idempotency_key else {
            return reply(c.create_activity(&activity).await);
        };
        match c.create_activity_with_key(&activity, &key).await {
            // Core names the argument in Rust's style; JS callers know it as `idempotencyKey`.
            Err(messenger_connect::Error::InvalidArgument { name, message })
                if name == "idempotency_key" =>
            {
                Err(invalid("idempotencyKey", message))
            }
            result => reply(result),
        }
    }

    /// `DELETE /v1/me/activities/{id}`.
    #[napi]
    pub async fn delete_activity(&self, activity_id: String) -> napi::Result<()> {
        let c = self.client()?;
        c.delete_activity(&activity_id).await.map_err(to_js)
    }

    // -- chat

    /// Pages of conversations.
    #[napi]
    pub fn conversation_pages(&self, query_options: Option<String>) -> napi::Result<Cursor> {
        let c = self.client()?;
        Cursor::from_pages(&c, c.conversation_pages(&query(query_options.as_deref())?))
    }

    /// `POST /v1/me/conversations`.
    #[napi]
    pub async fn create_conversation(&self, members: Vec<String>) -> napi::Result<String> {
        let c = self.client()?;
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        reply(c.create_conversation(&members).await)
    }

    /// Pages of a conversation's messages (oldest first).
    #[napi]
    pub fn message_pages(
        &self,
        conversation_id: String,
        query_options: Option<String>,
    ) -> napi::Result<Cursor> {
        let c = self.client()?;
        id("conversationId", &conversation_id)?;
        let q = query(query_options.as_deref())?;
        Cursor::from_pages(&c, c.message_pages(&conversation_id, &q))
    }

    /// Sends a message; core makes a `clientMessageId` when none is given (idempotent).
    #[napi]
    pub async fn send_message(
        &self,
        conversation_id: String,
        message: String,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let message: NewMessage = arg("message", &message)?;
        reply(c.send_message(&conversation_id, &message).await)
    }

    // -- permissions and batch

    /// `GET /v1/me/permissions`.
    #[napi]
    pub async fn permissions(&self) -> napi::Result<String> {
        reply(self.client()?.permissions().await)
    }

    /// `DELETE /v1/me/permissions`: the user disconnects the app (every token revoked).
    #[napi]
    pub async fn revoke_permissions(&self) -> napi::Result<()> {
        self.client()?.revoke_permissions().await.map_err(to_js)
    }

    /// `DELETE /v1/me/permissions/{scope}`.
    #[napi]
    pub async fn drop_scope(&self, scope: String) -> napi::Result<()> {
        let c = self.client()?;
        id("scope", &scope)?;
        c.drop_scope(&scope).await.map_err(to_js)
    }

    /// `POST /v1/$batch`: `[{id, method, url, headers?, body?, dependsOn?}]` → responses.
    #[napi]
    pub async fn batch(&self, items: String) -> napi::Result<String> {
        let c = self.client()?;
        let items: Vec<BatchItem> = arg("items", &items)?;
        reply(c.batch(items).await)
    }

    // -- events

    /// Opens the live-events socket (`since`: resume after this seq).
    #[napi]
    pub async fn events(&self, since: Option<i64>) -> napi::Result<Events> {
        let c = self.client()?;
        let mut options = EventsOptions::default();
        if let Some(s) = since {
            if s < 0 {
                return Err(invalid("since", "must not be negative"));
            }
            options.since = Some(s as u64);
        }
        let stream = c.events(options).await.map_err(to_js)?;
        Ok(Events::new(stream))
    }
}
