//! `/v1/me`, `/v1/me/status`, `/v1/users/{id}`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Extra;

string_enum! {
    /// Presence of a user. Values this version does not know are kept in `Unknown`.
    Presence {
        /// Online.
        Online = "online",
        /// Away.
        Away = "away",
        /// Busy.
        Busy = "busy",
        /// Online but shown offline.
        Invisible = "invisible",
        /// Offline.
        #[default]
        Offline = "offline",
    }
}

/// Given and family name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PersonName {
    /// Given name.
    #[serde(default)]
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An email of the signed-in user (needs the `email` scope).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct MeEmail {
    /// The address.
    pub value: String,
    /// `home`, `work` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The primary address.
    #[serde(default)]
    pub primary: bool,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A status message with presence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The message (≤ 280 characters).
    #[serde(default)]
    pub message: String,
    /// Presence.
    #[serde(default)]
    pub presence: Presence,
    /// When it last changed (`null` if never).
    #[serde(default, deserialize_with = "super::time::opt_utc")]
    pub updated: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The signed-in user's profile (`GET /v1/me`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// User id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Name parts.
    #[serde(default)]
    pub name: PersonName,
    /// Emails (only with the `email` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<MeEmail>>,
    /// Photo URL.
    #[serde(default)]
    pub photo: Option<String>,
    /// BCP 47 locale, e.g. `en-US`.
    #[serde(default)]
    pub locale: String,
    /// Presence.
    #[serde(default)]
    pub presence: Presence,
    /// Status message (its `presence` is not sent here).
    #[serde(default)]
    pub status: Status,
    /// Last change of the profile.
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

/// Name changes of a [`MeUpdate`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct NameUpdate {
    /// New given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// New family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
}

/// Changes to the profile (`PATCH /v1/me`); absent fields are unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct MeUpdate {
    /// New display name (1..100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// New name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<NameUpdate>,
    /// New photo URL (`Some(None)` removes the photo).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::double_option::deserialize"
    )]
    pub photo: Option<Option<String>>,
    /// New locale (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// The public profile of any user (`GET /v1/users/{id}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct PublicProfile {
    /// User id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Photo URL.
    #[serde(default)]
    pub photo: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
