//! Friends, status changes, invitations, feed activities and the app's permissions.

use std::time::SystemTime;

use messenger_connect::models as m;

use super::profile::Presence;
use super::time::opt;
use crate::errors::{MessengerConnectError, Result};

/// A friend's status message.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FriendStatus {
    /// The message (may be empty).
    pub message: String,
    /// When it last changed (`None` if never).
    pub updated: Option<SystemTime>,
}

/// A user connected to me (`GET /v1/me/friends`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Friend {
    /// User id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Photo URL.
    pub photo: Option<String>,
    /// Presence as others see it (never `Invisible`).
    pub presence: Presence,
    /// Status message, absent when the friend never set one.
    pub status: Option<FriendStatus>,
    /// When we became friends.
    pub since: Option<SystemTime>,
}

impl From<m::Friend> for Friend {
    fn from(f: m::Friend) -> Self {
        Friend {
            id: f.id,
            display_name: f.display_name,
            photo: f.photo,
            presence: f.presence.into(),
            status: f.status.map(|s| FriendStatus {
                message: s.message,
                updated: opt(s.updated),
            }),
            since: opt(f.since),
        }
    }
}

/// A status change (`PUT /v1/me/status`): at least one of the two fields.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StatusUpdate {
    /// The new message (≤ 280 characters; empty clears it).
    pub message: Option<String>,
    /// The new presence.
    pub presence: Option<Presence>,
}

impl TryFrom<StatusUpdate> for m::StatusUpdate {
    type Error = MessengerConnectError;

    fn try_from(u: StatusUpdate) -> Result<Self> {
        Ok(m::StatusUpdate {
            message: u.message,
            presence: u.presence.map(Presence::to_core).transpose()?,
        })
    }
}

/// State of an invitation. A value this version does not know is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InvitationStatus {
    /// Not answered yet.
    Pending,
    /// Accepted: the invited person is a friend.
    Accepted,
    /// Cancelled by the inviter.
    Cancelled,
    /// A value this version does not know.
    Unknown,
}

impl From<m::InvitationStatus> for InvitationStatus {
    fn from(s: m::InvitationStatus) -> Self {
        match s {
            m::InvitationStatus::Pending => InvitationStatus::Pending,
            m::InvitationStatus::Accepted => InvitationStatus::Accepted,
            m::InvitationStatus::Cancelled => InvitationStatus::Cancelled,
            m::InvitationStatus::Unknown(_) => InvitationStatus::Unknown,
        }
    }
}

/// An invitation to become friends.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Invitation {
    /// Invitation id.
    pub id: String,
    /// Who is invited.
    pub email: String,
    /// The contact the invitation was made from.
    pub contact_id: Option<String>,
    /// The message sent with it.
    pub message: Option<String>,
    /// Its state.
    pub status: InvitationStatus,
    /// When it was made.
    pub created: Option<SystemTime>,
    /// The user who accepted it.
    pub friend_id: Option<String>,
}

impl From<m::Invitation> for Invitation {
    fn from(i: m::Invitation) -> Self {
        Invitation {
            id: i.id,
            email: i.email,
            contact_id: i.contact_id,
            message: i.message,
            status: i.status.into(),
            created: opt(i.created),
            friend_id: i.friend_id,
        }
    }
}

/// A new invitation: by email or by contact id (exactly one), with an optional message.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewInvitation {
    /// The address to invite.
    pub email: Option<String>,
    /// The contact to invite (its primary or first email).
    pub contact_id: Option<String>,
    /// A message (≤ 500 characters).
    pub message: Option<String>,
}

impl From<NewInvitation> for m::NewInvitation {
    fn from(i: NewInvitation) -> Self {
        m::NewInvitation {
            email: i.email,
            contact_id: i.contact_id,
            message: i.message,
        }
    }
}

/// Type of an activity. A value this version does not know is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ActivityType {
    /// A note (`content`).
    Note,
    /// A shared link (`url`).
    Share,
    /// A like.
    Like,
    /// A status change.
    Status,
    /// A value this version does not know (never sent).
    Unknown,
}

impl From<m::ActivityType> for ActivityType {
    fn from(t: m::ActivityType) -> Self {
        match t {
            m::ActivityType::Note => ActivityType::Note,
            m::ActivityType::Share => ActivityType::Share,
            m::ActivityType::Like => ActivityType::Like,
            m::ActivityType::Status => ActivityType::Status,
            m::ActivityType::Unknown(_) => ActivityType::Unknown,
        }
    }
}

/// A user as named in activities, conversations and messages.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Person {
    /// User id.
    pub id: String,
    /// Display name.
    pub display_name: String,
}

impl From<m::Person> for Person {
    fn from(p: m::Person) -> Self {
        Person {
            id: p.id,
            display_name: p.display_name,
        }
    }
}

/// An image of an activity.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActivityImage {
    /// Its URL (`http`/`https`).
    pub url: String,
}

/// The app that posted an activity.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Generator {
    /// The app's client id.
    pub id: String,
    /// The app's name.
    pub name: String,
}

/// An Activity Streams 2.0 item of the feed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Activity {
    /// Activity id.
    pub id: String,
    /// Its type.
    pub kind: ActivityType,
    /// Its author.
    pub actor: Person,
    /// Text (≤ 5000 characters).
    pub content: Option<String>,
    /// Title (≤ 280 characters).
    pub name: Option<String>,
    /// Link.
    pub url: Option<String>,
    /// Image.
    pub image: Option<ActivityImage>,
    /// When it was posted.
    pub published: Option<SystemTime>,
    /// The app that posted it.
    pub generator: Option<Generator>,
}

impl From<m::Activity> for Activity {
    fn from(a: m::Activity) -> Self {
        Activity {
            id: a.id,
            kind: a.kind.into(),
            actor: a.actor.into(),
            content: a.content,
            name: a.name,
            url: a.url,
            image: a.image.map(|i| ActivityImage { url: i.url }),
            published: opt(a.published),
            generator: a.generator.map(|g| Generator {
                id: g.id,
                name: g.name,
            }),
        }
    }
}

/// A new activity (`POST /v1/me/activities`). A `Note` needs `content`, a `Share` a `url`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NewActivity {
    /// Its type (not `Unknown`).
    pub kind: ActivityType,
    /// Text (≤ 5000 characters).
    pub content: Option<String>,
    /// Title (≤ 280 characters).
    pub name: Option<String>,
    /// Link (`http`/`https`).
    pub url: Option<String>,
    /// Image (`http`/`https` URL).
    pub image: Option<ActivityImage>,
}

impl TryFrom<NewActivity> for m::NewActivity {
    type Error = MessengerConnectError;

    fn try_from(a: NewActivity) -> Result<Self> {
        let kind = match a.kind {
            ActivityType::Note => m::ActivityType::Note,
            ActivityType::Share => m::ActivityType::Share,
            ActivityType::Like => m::ActivityType::Like,
            ActivityType::Status => m::ActivityType::Status,
            ActivityType::Unknown => {
                return Err(MessengerConnectError::invalid(
                    "kind",
                    "Unknown is not an activity type that can be posted",
                ));
            }
        };
        Ok(m::NewActivity {
            kind,
            content: a.content,
            name: a.name,
            url: a.url,
            image: a.image.map(|i| m::ActivityImage::new(i.url)),
        })
    }
}

/// The calling app's grant from the user (`GET /v1/me/permissions`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Permissions {
    /// The app.
    pub client_id: String,
    /// The app's name.
    pub client_name: String,
    /// Scopes in force.
    pub scopes: Vec<String>,
    /// When the user (last) consented.
    pub granted: Option<SystemTime>,
}

impl From<m::Permissions> for Permissions {
    fn from(p: m::Permissions) -> Self {
        Permissions {
            client_id: p.client_id,
            client_name: p.client_name,
            scopes: p.scopes,
            granted: opt(p.granted),
        }
    }
}
