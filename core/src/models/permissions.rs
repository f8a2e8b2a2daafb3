//! `/v1/me/permissions`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Extra;

/// The calling app's grant from the user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// The app.
    pub client_id: String,
    /// The app's name.
    #[serde(default)]
    pub client_name: String,
    /// Scopes in force.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When the user (last) consented.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::time::opt_utc"
    )]
    pub granted: Option<DateTime<Utc>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}
