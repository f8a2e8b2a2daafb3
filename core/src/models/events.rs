//! Live events (DESIGN §2.5): what the events stream yields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Activity, Contact, Extra, Message, Presence};

string_enum! {
    /// The `type` of a live-events frame. Types this version does not know (e.g. test
    /// events published through the mock) are kept in `Unknown`.
    EventType {
        /// A message in one of my conversations.
        #[default]
        MessageCreated = "message.created",
        /// A friend's (or my) presence changed.
        PresenceChanged = "presence.changed",
        /// A friend's (or my) status changed.
        StatusChanged = "status.changed",
        /// A friend posted an activity.
        ActivityCreated = "activity.created",
        /// One of my contacts changed.
        ContactChanged = "contact.changed",
        /// Another member of a conversation is typing (not logged).
        Typing = "typing",
        /// Events were lost: reload the state.
        Resync = "resync",
    }
}

/// A user's presence changed (`presence.changed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PresenceChange {
    /// The user.
    pub user_id: String,
    /// The new presence (as I may see it).
    #[serde(default)]
    pub presence: Presence,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user's status changed (`status.changed`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    /// The user.
    pub user_id: String,
    /// The user's display name.
    #[serde(default)]
    pub display_name: String,
    /// The status message.
    #[serde(default)]
    pub message: String,
    /// The presence (as I may see it).
    #[serde(default)]
    pub presence: Presence,
    /// When it changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub updated: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One live event. Logged events (all but `Typing` and `Resync`) carry a sequence number,
/// see [`crate::EventStream::last_seq`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum Event {
    /// A message in one of my conversations (mine included).
    MessageCreated(Message),
    /// A friend's (or my) presence changed.
    PresenceChanged(PresenceChange),
    /// A friend's (or my) status changed.
    StatusChanged(StatusChange),
    /// A friend posted an activity.
    ActivityCreated(Activity),
    /// One of my contacts changed (e.g. became a friend).
    ContactChanged(Contact),
    /// Another member of a conversation is typing (not logged, never replayed).
    Typing {
        /// The conversation.
        conversation_id: String,
        /// Who is typing.
        user_id: String,
    },
    /// Events were lost (the server's log no longer reaches back to where the stream
    /// resumed): reload the state (messages, feed...). The stream goes on from `seq`.
    Resync {
        /// The current sequence number.
        seq: u64,
    },
    /// An event type this version does not know (or whose data it cannot decode).
    Other {
        /// The event's `type`.
        kind: String,
        /// The event's `data`.
        data: serde_json::Value,
    },
}

/// Serialized in the wire form of a frame without its `seq`: `{"type": ..., "data": ...}`
/// (`typing`: data `{conversationId, userId}`; `resync`: data `{seq}`).
impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut frame = s.serialize_struct("Event", 2)?;
        frame.serialize_field("type", self.kind())?;
        match self {
            Event::MessageCreated(m) => frame.serialize_field("data", m)?,
            Event::PresenceChanged(p) => frame.serialize_field("data", p)?,
            Event::StatusChanged(c) => frame.serialize_field("data", c)?,
            Event::ActivityCreated(a) => frame.serialize_field("data", a)?,
            Event::ContactChanged(c) => frame.serialize_field("data", c)?,
            Event::Typing {
                conversation_id,
                user_id,
            } => frame.serialize_field(
                "data",
                &serde_json::json!({"conversationId": conversation_id, "userId": user_id}),
            )?,
            Event::Resync { seq } => {
                frame.serialize_field("data", &serde_json::json!({"seq": seq}))?
            }
            Event::Other { data, .. } => frame.serialize_field("data", data)?,
        }
        frame.end()
    }
}

impl Event {
    /// The event's type (see [`Event::kind`] for its wire text).
    pub fn event_type(&self) -> EventType {
        EventType::from(self.kind())
    }

    /// The wire `type` of the event.
    pub fn kind(&self) -> &str {
        match self {
            Event::MessageCreated(_) => "message.created",
            Event::PresenceChanged(_) => "presence.changed",
            Event::StatusChanged(_) => "status.changed",
            Event::ActivityCreated(_) => "activity.created",
            Event::ContactChanged(_) => "contact.changed",
            Event::Typing { .. } => "typing",
            Event::Resync { .. } => "resync",
            Event::Other { kind, .. } => kind,
        }
    }

    /// Decodes a logged event's `type` and `data`; data a known type cannot decode gives
    /// [`Event::Other`].
    pub fn from_parts(kind: &str, data: serde_json::Value) -> Event {
        fn typed<T: serde::de::DeserializeOwned>(
            data: &serde_json::Value,
            wrap: fn(T) -> Event,
        ) -> Option<Event> {
            T::deserialize(data).ok().map(wrap)
        }
        let known = match kind {
            "message.created" => typed(&data, Event::MessageCreated),
            "presence.changed" => typed(&data, Event::PresenceChanged),
            "status.changed" => typed(&data, Event::StatusChanged),
            "activity.created" => typed(&data, Event::ActivityCreated),
            "contact.changed" => typed(&data, Event::ContactChanged),
            _ => None,
        };
        known.unwrap_or_else(|| Event::Other {
            kind: kind.to_string(),
            data,
        })
    }
}
