//! `/v1/me/conversations` and their messages.

use reqwest::Method;

use crate::client::Client;
use crate::collections::Collection;
use crate::error::{Result, check_id};
use crate::models::{Conversation, Message, NewMessage};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::Call;

impl Client {
    /// One page of my conversations, most recently active first (`chat`).
    pub async fn list_conversations(&self, query: &Query) -> Result<Page<Conversation>> {
        self.first_page(&Collection::Conversations, query).await
    }

    /// The pages of my conversations, the next one prefetched.
    pub fn conversation_pages(&self, query: &Query) -> Result<PageStream<Conversation>> {
        self.pages(&Collection::Conversations, query)
    }

    /// Every conversation matching the query (the next page prefetched).
    pub fn conversations(&self, query: &Query) -> Result<ItemStream<Conversation>> {
        Ok(ItemStream::new(self.conversation_pages(query)?))
    }

    /// A conversation with these friends (`chat`). A one-to-one conversation is unique:
    /// asking again returns the same one. A member who is not a friend is 403 `notFriends`.
    pub async fn create_conversation(&self, members: &[&str]) -> Result<Conversation> {
        crate::validate::check_members(members)?;
        let body = serde_json::json!({ "members": members });
        let call =
            Call::api(Method::POST, self.endpoint(&["v1", "me", "conversations"])).json(&body)?;
        self.send_json(call).await
    }

    /// The one-to-one conversation with a friend, created if needed.
    pub async fn conversation_with(&self, user_id: &str) -> Result<Conversation> {
        self.create_conversation(&[user_id]).await
    }

    /// One page of a conversation's messages, oldest first (`chat`).
    pub async fn list_messages(
        &self,
        conversation_id: &str,
        query: &Query,
    ) -> Result<Page<Message>> {
        self.first_page(&messages_of(conversation_id)?, query).await
    }

    /// The pages of a conversation's messages, oldest first, the next one prefetched.
    pub fn message_pages(
        &self,
        conversation_id: &str,
        query: &Query,
    ) -> Result<PageStream<Message>> {
        self.pages(&messages_of(conversation_id)?, query)
    }

    /// Every message of a conversation, oldest first (the next page prefetched).
    pub fn messages(&self, conversation_id: &str, query: &Query) -> Result<ItemStream<Message>> {
        Ok(ItemStream::new(self.message_pages(conversation_id, query)?))
    }

    /// Sends a message (`chat`); every member gets `message.created`. Idempotent: without
    /// a `client_message_id` the client makes one, and every retry of the call sends the
    /// same one (and the same `Idempotency-Key`), so the message is posted once; a replay
    /// (200, `Idempotent-Replayed`) returns the original message.
    pub async fn send_message(
        &self,
        conversation_id: &str,
        message: &NewMessage,
    ) -> Result<Message> {
        check_id("conversation_id", conversation_id)?;
        message.validate()?;
        let mut body = message.clone();
        if body.client_message_id.is_none() {
            body.client_message_id = Some(crate::retry::idempotency_key());
        }
        let url = self.endpoint(&["v1", "me", "conversations", conversation_id, "messages"]);
        self.send_json(Call::api(Method::POST, url).json(&body)?)
            .await
    }

    /// Sends a text message (see [`Client::send_message`]).
    pub async fn send_text(&self, conversation_id: &str, text: &str) -> Result<Message> {
        self.send_message(conversation_id, &NewMessage::new(text))
            .await
    }
}

/// The messages of a conversation (its id checked).
fn messages_of(conversation_id: &str) -> Result<Collection> {
    Collection::from_name("messages", Some(conversation_id))
}
