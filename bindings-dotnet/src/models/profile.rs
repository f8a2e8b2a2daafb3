//! `/v1/me`, `/v1/me/status`, `/v1/users/{id}`: profile, presence and status.

use std::time::SystemTime;

use messenger_connect::models as m;

use super::time::opt;

/// Presence of a user. A value this version does not know is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Presence {
    /// Online.
    Online,
    /// Away.
    Away,
    /// Busy.
    Busy,
    /// Online but shown offline.
    Invisible,
    /// Offline.
    Offline,
    /// A value this version does not know (never sent).
    Unknown,
}

impl From<m::Presence> for Presence {
    fn from(p: m::Presence) -> Self {
        match p {
            m::Presence::Online => Presence::Online,
            m::Presence::Away => Presence::Away,
            m::Presence::Busy => Presence::Busy,
            m::Presence::Invisible => Presence::Invisible,
            m::Presence::Offline => Presence::Offline,
            _ => Presence::Unknown,
        }
    }
}

impl Presence {
    /// Core's presence; `Unknown` cannot be sent.
    pub(crate) fn to_core(self) -> crate::Result<m::Presence> {
        Ok(match self {
            Presence::Online => m::Presence::Online,
            Presence::Away => m::Presence::Away,
            Presence::Busy => m::Presence::Busy,
            Presence::Invisible => m::Presence::Invisible,
            Presence::Offline => m::Presence::Offline,
            Presence::Unknown => {
                return Err(crate::MessengerConnectError::invalid(
                    "presence",
                    "Unknown is not a presence that can be set",
                ));
            }
        })
    }
}

/// Given and family name of the signed-in user.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PersonName {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
}

/// An email of the signed-in user (needs the `email` scope).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MeEmail {
    /// The address.
    pub value: String,
    /// `home`, `work` or `other`.
    pub kind: String,
    /// The primary address.
    pub primary: bool,
}

/// A status message with presence.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Status {
    /// The message (≤ 280 characters).
    pub message: String,
    /// Presence.
    pub presence: Presence,
    /// When it last changed (`None` if never).
    pub updated: Option<SystemTime>,
}

impl From<m::Status> for Status {
    fn from(s: m::Status) -> Self {
        Status {
            message: s.message,
            presence: s.presence.into(),
            updated: opt(s.updated),
        }
    }
}

/// The signed-in user's profile (`GET /v1/me`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Me {
    /// User id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Name parts.
    pub name: PersonName,
    /// Emails (only with the `email` scope).
    pub emails: Option<Vec<MeEmail>>,
    /// Photo URL.
    pub photo: Option<String>,
    /// BCP 47 locale, e.g. `en-US`.
    pub locale: String,
    /// Presence.
    pub presence: Presence,
    /// Status message.
    pub status: Status,
    /// Last change of the profile.
    pub updated: Option<SystemTime>,
}

impl From<m::Me> for Me {
    fn from(me: m::Me) -> Self {
        Me {
            id: me.id,
            display_name: me.display_name,
            name: PersonName {
                given_name: me.name.given_name,
                family_name: me.name.family_name,
            },
            emails: me.emails.map(|v| {
                v.into_iter()
                    .map(|e| MeEmail {
                        value: e.value,
                        kind: e.kind,
                        primary: e.primary,
                    })
                    .collect()
            }),
            photo: me.photo,
            locale: me.locale,
            presence: me.presence.into(),
            status: me.status.into(),
            updated: opt(me.updated),
        }
    }
}

/// Name changes of a [`MeUpdate`] (`None`: unchanged).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NameUpdate {
    /// New given name.
    pub given_name: Option<String>,
    /// New family name.
    pub family_name: Option<String>,
}

/// Changes to the profile (`PATCH /v1/me`); `None` fields are unchanged.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MeUpdate {
    /// New display name (1..100 characters).
    pub display_name: Option<String>,
    /// New name parts.
    pub name: Option<NameUpdate>,
    /// New photo URL; an empty string removes the photo.
    pub photo: Option<String>,
    /// New locale (BCP 47).
    pub locale: Option<String>,
}

impl From<MeUpdate> for m::MeUpdate {
    fn from(u: MeUpdate) -> Self {
        m::MeUpdate {
            display_name: u.display_name,
            name: u.name.map(|n| m::NameUpdate {
                given_name: n.given_name,
                family_name: n.family_name,
            }),
            photo: u.photo.map(|p| (!p.is_empty()).then_some(p)),
            locale: u.locale,
        }
    }
}

/// The public profile of any user (`GET /v1/users/{id}`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PublicProfile {
    /// User id.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Photo URL.
    pub photo: Option<String>,
}

impl From<m::PublicProfile> for PublicProfile {
    fn from(p: m::PublicProfile) -> Self {
        PublicProfile {
            id: p.id,
            display_name: p.display_name,
            photo: p.photo,
        }
    }
}
