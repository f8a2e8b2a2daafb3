//! Conversations and messages.

use std::time::SystemTime;

use messenger_connect::models as m;

use super::social::Person;
use super::time::opt;

/// A chat message.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Message {
    /// Message id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// Who sent it.
    pub sender: Person,
    /// Its text (1..4000 characters).
    pub text: String,
    /// The sender's id for it, which makes a send idempotent.
    pub client_message_id: Option<String>,
    /// When it was sent.
    pub sent: Option<SystemTime>,
}

impl From<m::Message> for Message {
    fn from(msg: m::Message) -> Self {
        Message {
            id: msg.id,
            conversation_id: msg.conversation_id,
            sender: msg.sender.into(),
            text: msg.text,
            client_message_id: msg.client_message_id,
            sent: opt(msg.sent),
        }
    }
}

/// A conversation with friends.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// Every member, me included.
    pub members: Vec<Person>,
    /// When it was created.
    pub created: Option<SystemTime>,
    /// Its last message.
    pub last_message: Option<Message>,
}

impl From<m::Conversation> for Conversation {
    fn from(c: m::Conversation) -> Self {
        Conversation {
            id: c.id,
            members: c.members.into_iter().map(Person::from).collect(),
            created: opt(c.created),
            last_message: c.last_message.map(Message::from),
        }
    }
}

/// A message to send. Without `client_message_id` the client makes one, so retries never
/// post it twice.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewMessage {
    /// Its text (1..4000 characters).
    pub text: String,
    /// The caller's id for it (1..100 characters), unique per conversation.
    pub client_message_id: Option<String>,
}

impl From<NewMessage> for m::NewMessage {
    fn from(n: NewMessage) -> Self {
        m::NewMessage {
            text: n.text,
            client_message_id: n.client_message_id,
        }
    }
}
