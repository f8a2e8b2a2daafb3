//! `Client`: friends and invitations.

use messenger_connect::models as m;

use crate::errors::Result;
use crate::models::{FriendPage, Invitation, InvitationPage, NewInvitation};
use crate::query::{Query, core_query};

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The first page of friends (`friends.read`); follow `next_link` with
    /// `friends_page_at`.
    pub async fn list_friends(&self, query: Option<Query>) -> Result<FriendPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_friends(&q).await?.into())
    }

    /// The page of friends at a stored `next_link`.
    pub async fn friends_page_at(&self, link: String) -> Result<FriendPage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Friend>(&link).await?.into())
    }

    /// The first page of my invitations (`friends.invite`).
    pub async fn list_invitations(&self, query: Option<Query>) -> Result<InvitationPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_invitations(&q).await?.into())
    }

    /// The page of invitations at a stored `next_link`.
    pub async fn invitations_page_at(&self, link: String) -> Result<InvitationPage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Invitation>(&link).await?.into())
    }

    /// Invites someone by email or by contact id (`friends.invite`); a friend is
    /// `Conflict` (`alreadyFriends`). Safe to retry.
    pub async fn invite(&self, invitation: NewInvitation) -> Result<Invitation> {
        let c = self.core()?;
        Ok(c.invite(&invitation.into()).await?.into())
    }

    /// Invites this email address.
    pub async fn invite_email(&self, email: String, message: Option<String>) -> Result<Invitation> {
        let c = self.core()?;
        Ok(c.invite_email(&email, message.as_deref()).await?.into())
    }

    /// Invites one of my contacts (its primary or first email).
    pub async fn invite_contact(
        &self,
        contact_id: String,
        message: Option<String>,
    ) -> Result<Invitation> {
        let c = self.core()?;
        Ok(c.invite_contact(&contact_id, message.as_deref())
            .await?
            .into())
    }

    /// Cancels a pending invitation (`friends.invite`); an accepted one is `Conflict`.
    pub async fn cancel_invitation(&self, id: String) -> Result<()> {
        let c = self.core()?;
        Ok(c.cancel_invitation(&id).await?)
    }
}
