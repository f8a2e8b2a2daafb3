//! OAuth 2.0 / OpenID Connect payloads (snake_case, as the RFCs spell them).

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::secret::Secret;

string_enum! {
    /// An OAuth scope of the API (DESIGN §2.1). Scopes this version does not know are
    /// kept in `Unknown`.
    Scope {
        /// Sign-in with OpenID Connect (an id token).
        #[default]
        Openid = "openid",
        /// The profile: read.
        Profile = "profile",
        /// The user's email addresses.
        Email = "email",
        /// A refresh token, for access while the user is away.
        OfflineAccess = "offline_access",
        /// The profile: change.
        ProfileWrite = "profile.write",
        /// The status message and presence: change.
        StatusWrite = "status.write",
        /// Contacts: read.
        ContactsRead = "contacts.read",
        /// Contacts: change.
        ContactsWrite = "contacts.write",
        /// Friends: read.
        FriendsRead = "friends.read",
        /// Invitations.
        FriendsInvite = "friends.invite",
        /// The feed: read.
        FeedRead = "feed.read",
        /// The feed: post.
        FeedWrite = "feed.write",
        /// Conversations, messages and live chat events.
        Chat = "chat",
    }
}

/// Claims about the user (`GET /oauth/userinfo`), as the scopes allow.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UserInfo {
    /// The user's id.
    pub sub: String,
    /// Display name (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Email (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the email is verified (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Locale (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Photo URL (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Last profile change, seconds since the epoch (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Unknown claims.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What the server says about a token (`POST /oauth/introspect`, RFC 7662).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Introspection {
    /// Whether the token is valid now.
    pub active: bool,
    /// Space-separated scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The app the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The user's sign-in name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `Bearer` or `refresh_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// Issue time, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Audience: a string or an array of strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A started device authorization (RFC 8628): show `user_code` and `verification_uri`
/// to the user, then poll with [`crate::Client::poll_device_token`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeviceAuthorization {
    /// The code the client polls with (secret).
    pub device_code: Secret,
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// The same page with the code filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    /// Lifetime of the codes, in seconds.
    pub expires_in: u64,
    /// Minimum seconds between two polls.
    #[serde(default = "default_interval")]
    pub interval: u64,
}

fn default_interval() -> u64 {
    5
}

/// The claims of a validated OpenID Connect id token.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IdTokenClaims {
    /// Issuer.
    pub iss: String,
    /// The user's id.
    pub sub: String,
    /// Audience (the client id): a string or an array.
    pub aud: serde_json::Value,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issue time, seconds since the epoch.
    #[serde(default)]
    pub iat: i64,
    /// When the user authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    /// The nonce of the authorization request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Display name (`profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email (`email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Other claims.
    #[serde(flatten)]
    pub extra: Extra,
}
