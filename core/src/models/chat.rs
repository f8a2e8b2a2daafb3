//! Conversations and messages (DESIGN §2.8).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Extra, Person};

/// A chat message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message id.
    pub id: String,
    /// The conversation it belongs to.
    #[serde(default)]
    pub conversation_id: String,
    /// Who sent it.
    #[serde(default)]
    pub sender: Person,
    /// Its text (1..4000 characters).
    #[serde(default)]
    pub text: String,
    /// The sender's id for it, which makes a send idempotent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<String>,
    /// When it was sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub sent: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A conversation with friends.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// Every member, me included.
    #[serde(default)]
    pub members: Vec<Person>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub created: Option<DateTime<Utc>>,
    /// Its last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Message>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A message to send. Without `client_message_id` the client makes one, so retries of
/// the send (and the send itself, if replayed) never post it twice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// Its text (1..4000 characters).
    pub text: String,
    /// The caller's id for it (1..100 characters), unique per conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_message_id: Option<String>,
}

impl NewMessage {
    /// A message with this text.
    pub fn new(text: impl Into<String>) -> NewMessage {
        NewMessage {
            text: text.into(),
            client_message_id: None,
        }
    }

    /// With the caller's own id (to resend it safely later).
    pub fn with_client_message_id(mut self, id: impl Into<String>) -> NewMessage {
        self.client_message_id = Some(id.into());
        self
    }
}
