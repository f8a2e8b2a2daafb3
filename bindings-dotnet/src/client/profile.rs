//! `Client`: profile, status, users, permissions and batch.

use crate::errors::{MessengerConnectError, Result};
use crate::models::{
    BatchItem, BatchResponse, Me, MeUpdate, Permissions, PublicProfile, Status, StatusUpdate,
};

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The signed-in user's profile (`profile`; emails with `email`).
    pub async fn me(&self) -> Result<Me> {
        let c = self.core()?;
        Ok(c.me().await?.into())
    }

    /// Changes the profile (`profile.write`) and returns it.
    pub async fn update_me(&self, update: MeUpdate) -> Result<Me> {
        let c = self.core()?;
        Ok(c.update_me(&update.into()).await?.into())
    }

    /// The signed-in user's status (`profile`).
    pub async fn status(&self) -> Result<Status> {
        let c = self.core()?;
        Ok(c.status().await?.into())
    }

    /// Changes the status message and/or presence (`status.write`); returns the new one.
    pub async fn set_status(&self, update: StatusUpdate) -> Result<Status> {
        let update = update.try_into()?;
        let c = self.core()?;
        Ok(c.set_status(&update).await?.into())
    }

    /// The public profile of a user (`profile`).
    pub async fn user(&self, id: String) -> Result<PublicProfile> {
        let c = self.core()?;
        Ok(c.user(&id).await?.into())
    }

    /// The calling app's grant from the user.
    pub async fn permissions(&self) -> Result<Permissions> {
        let c = self.core()?;
        Ok(c.permissions().await?.into())
    }

    /// Revokes the whole grant (the user disconnects the app): every token stops working.
    pub async fn revoke_permissions(&self) -> Result<()> {
        let c = self.core()?;
        Ok(c.revoke_permissions().await?)
    }

    /// Drops one scope from the grant.
    pub async fn drop_scope(&self, scope: String) -> Result<()> {
        let c = self.core()?;
        Ok(c.drop_scope(&scope).await?)
    }

    /// Sends up to 20 requests at once (`POST /v1/$batch`); one response per item, in
    /// request order. Item failures are responses, not errors. Checked before sending.
    pub async fn batch(&self, items: Vec<BatchItem>) -> Result<Vec<BatchResponse>> {
        let items = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| item.into_core(i))
            .collect::<Result<Vec<_>, MessengerConnectError>>()?;
        let c = self.core()?;
        Ok(c.batch(items)
            .await?
            .into_iter()
            .map(BatchResponse::from)
            .collect())
    }
}
