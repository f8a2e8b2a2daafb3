//! Friends, status changes, invitations and feed activities (DESIGN §2.8).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Extra, Presence};

/// A friend's status message (`Friend::status`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct FriendStatus {
    /// The message (may be empty).
    #[serde(default)]
    pub message: String,
    /// When it last changed (`null` if never).
    #[serde(default, deserialize_with = "super::time::opt_utc")]
    pub updated: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user connected to me (`GET /v1/me/friends`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Friend {
    /// User id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Photo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// Presence as others see it (never `invisible`).
    #[serde(default)]
    pub presence: Presence,
    /// Status message, absent when the friend never set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<FriendStatus>,
    /// When we became friends.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub since: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A status change (`PUT /v1/me/status`): at least one of the two fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct StatusUpdate {
    /// The new message (≤ 280 characters; empty clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The new presence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<Presence>,
}

impl StatusUpdate {
    /// A new status message.
    pub fn message(message: impl Into<String>) -> StatusUpdate {
        StatusUpdate {
            message: Some(message.into()),
            presence: None,
        }
    }

    /// A new presence.
    pub fn presence(presence: Presence) -> StatusUpdate {
        StatusUpdate {
            message: None,
            presence: Some(presence),
        }
    }
}

string_enum! {
    /// State of an invitation. Values this version does not know are kept in `Unknown`.
    InvitationStatus {
        /// Not answered yet.
        #[default]
        Pending = "pending",
        /// Accepted: the invited person is a friend.
        Accepted = "accepted",
        /// Cancelled by the inviter.
        Cancelled = "cancelled",
    }
}

/// An invitation to become friends.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// Invitation id.
    pub id: String,
    /// Who is invited.
    #[serde(default)]
    pub email: String,
    /// The contact the invitation was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The message sent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Its state.
    #[serde(default)]
    pub status: InvitationStatus,
    /// When it was made.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub created: Option<DateTime<Utc>>,
    /// The user who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friend_id: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A new invitation: by email or by contact id (exactly one), with an optional message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct NewInvitation {
    /// The address to invite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The contact to invite (its primary or first email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// A message (≤ 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl NewInvitation {
    /// An invitation to this email address.
    pub fn email(email: impl Into<String>) -> NewInvitation {
        NewInvitation {
            email: Some(email.into()),
            ..NewInvitation::default()
        }
    }

    /// An invitation to one of my contacts.
    pub fn contact(contact_id: impl Into<String>) -> NewInvitation {
        NewInvitation {
            contact_id: Some(contact_id.into()),
            ..NewInvitation::default()
        }
    }

    /// With this message.
    pub fn with_message(mut self, message: impl Into<String>) -> NewInvitation {
        self.message = Some(message.into());
        self
    }
}

string_enum! {
    /// Type of an activity. Values this version does not know are kept in `Unknown`.
    ActivityType {
        /// A note (`content`).
        #[default]
        Note = "Note",
        /// A shared link (`url`).
        Share = "Share",
        /// A like.
        Like = "Like",
        /// A status change.
        Status = "Status",
    }
}

/// A user as named in activities, conversations and messages.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// User id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An image of an activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct ActivityImage {
    /// Its URL (`http`/`https`).
    pub url: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ActivityImage {
    /// An image at this URL.
    pub fn new(url: impl Into<String>) -> ActivityImage {
        ActivityImage {
            url: url.into(),
            extra: Extra::new(),
        }
    }
}

/// The app that posted an activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Generator {
    /// The app's client id.
    pub id: String,
    /// The app's name.
    #[serde(default)]
    pub name: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An Activity Streams 2.0 item of the feed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    /// Activity id.
    pub id: String,
    /// Its type.
    #[serde(rename = "type", default)]
    pub kind: ActivityType,
    /// Its author.
    #[serde(default)]
    pub actor: Person,
    /// Text (≤ 5000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Title (≤ 280 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ActivityImage>,
    /// When it was posted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub published: Option<DateTime<Utc>>,
    /// The app that posted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A new activity (`POST /v1/me/activities`). A `Note` needs `content`, a `Share` a `url`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct NewActivity {
    /// Its type.
    #[serde(rename = "type")]
    pub kind: ActivityType,
    /// Text (≤ 5000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Title (≤ 280 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Link (`http`/`https`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Image (`http`/`https` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ActivityImage>,
}

impl NewActivity {
    /// A note with this text.
    pub fn note(content: impl Into<String>) -> NewActivity {
        NewActivity {
            kind: ActivityType::Note,
            content: Some(content.into()),
            ..NewActivity::default()
        }
    }

    /// A shared link.
    pub fn share(url: impl Into<String>) -> NewActivity {
        NewActivity {
            kind: ActivityType::Share,
            url: Some(url.into()),
            ..NewActivity::default()
        }
    }
}
