//! `Client`: conversations, messages and the live events subscription.

use std::sync::Arc;

use messenger_connect::models as m;

use crate::errors::Result;
use crate::events::{EventSubscription, EventsOptions};
use crate::models::{Conversation, ConversationPage, Message, MessagePage, NewMessage};
use crate::query::{Query, core_query};

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The first page of my conversations, most recently active first (`chat`).
    pub async fn list_conversations(&self, query: Option<Query>) -> Result<ConversationPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_conversations(&q).await?.into())
    }

    /// The page of conversations at a stored `next_link`.
    pub async fn conversations_page_at(&self, link: String) -> Result<ConversationPage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Conversation>(&link).await?.into())
    }

    /// A conversation with these friends (`chat`); a one-to-one conversation is unique.
    /// A member who is not a friend is `Auth` (403 `notFriends`).
    pub async fn create_conversation(&self, members: Vec<String>) -> Result<Conversation> {
        let c = self.core()?;
        let refs: Vec<&str> = members.iter().map(String::as_str).collect();
        Ok(c.create_conversation(&refs).await?.into())
    }

    /// The one-to-one conversation with a friend, created if needed.
    pub async fn conversation_with(&self, user_id: String) -> Result<Conversation> {
        let c = self.core()?;
        Ok(c.conversation_with(&user_id).await?.into())
    }

    /// The first page of a conversation's messages, oldest first (`chat`).
    pub async fn list_messages(
        &self,
        conversation_id: String,
        query: Option<Query>,
    ) -> Result<MessagePage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_messages(&conversation_id, &q).await?.into())
    }

    /// The page of messages at a stored `next_link`.
    pub async fn messages_page_at(&self, link: String) -> Result<MessagePage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Message>(&link).await?.into())
    }

    /// Sends a message (`chat`); idempotent (a `client_message_id` is made when absent),
    /// a replay returns the original message.
    pub async fn send_message(
        &self,
        conversation_id: String,
        message: NewMessage,
    ) -> Result<Message> {
        let c = self.core()?;
        Ok(c.send_message(&conversation_id, &message.into())
            .await?
            .into())
    }

    /// Sends a text message (see `send_message`).
    pub async fn send_text(&self, conversation_id: String, text: String) -> Result<Message> {
        let c = self.core()?;
        Ok(c.send_text(&conversation_id, &text).await?.into())
    }

    /// Opens the live-events socket (`chat` or `feed.read`); returns once it is open, so
    /// every event published afterwards is delivered. It reconnects and resumes by itself.
    pub async fn events(&self, options: EventsOptions) -> Result<Arc<EventSubscription>> {
        let options = options.into_core()?;
        let c = self.core()?;
        let stream = c.events(options).await?;
        Ok(EventSubscription::new(stream))
    }
}
