//! `/v1/me/permissions`: the app's grant, and disconnecting it.

use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::Permissions;
use crate::transport::Call;

impl Client {
    /// The calling app's grant from the user.
    pub async fn permissions(&self) -> Result<Permissions> {
        self.send_json(Call::api(
            Method::GET,
            self.endpoint(&["v1", "me", "permissions"]),
        ))
        .await
    }

    /// Revokes the whole grant (the user disconnects the app): every token stops working.
    pub async fn revoke_permissions(&self) -> Result<()> {
        self.send_empty(Call::api(
            Method::DELETE,
            self.endpoint(&["v1", "me", "permissions"]),
        ))
        .await
    }

    /// Drops one scope from the grant.
    pub async fn drop_scope(&self, scope: &str) -> Result<()> {
        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid("scope", "must be one scope name"));
        }
        self.send_empty(Call::api(
            Method::DELETE,
            self.endpoint(&["v1", "me", "permissions", scope]),
        ))
        .await
    }
}
