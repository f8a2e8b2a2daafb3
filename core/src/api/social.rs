//! `PUT /v1/me/status`, `/v1/me/friends`, `/v1/me/invitations`.

use reqwest::Method;

use crate::client::Client;
use crate::collections::Collection;
use crate::error::{Result, check_id};
use crate::models::{Friend, Invitation, NewInvitation, Status, StatusUpdate};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::Call;

impl Client {
    /// Changes the status message and/or presence (`status.write`) and returns the new
    /// status. The change is also posted as a `Status` activity and sent as live events.
    pub async fn set_status(&self, update: &StatusUpdate) -> Result<Status> {
        update.validate()?;
        let call = Call::api(Method::PUT, self.endpoint(&["v1", "me", "status"])).json(update)?;
        self.send_json(call).await
    }

    /// One page of friends (`friends.read`).
    pub async fn list_friends(&self, query: &Query) -> Result<Page<Friend>> {
        self.first_page(&Collection::Friends, query).await
    }

    /// The pages of friends matching the query, the next one prefetched.
    pub fn friend_pages(&self, query: &Query) -> Result<PageStream<Friend>> {
        self.pages(&Collection::Friends, query)
    }

    /// Every friend matching the query, page after page (the next page prefetched).
    pub fn friends(&self, query: &Query) -> Result<ItemStream<Friend>> {
        Ok(ItemStream::new(self.friend_pages(query)?))
    }

    /// One page of my invitations (`friends.invite`).
    pub async fn list_invitations(&self, query: &Query) -> Result<Page<Invitation>> {
        self.first_page(&Collection::Invitations, query).await
    }

    /// The pages of my invitations, the next one prefetched.
    pub fn invitation_pages(&self, query: &Query) -> Result<PageStream<Invitation>> {
        self.pages(&Collection::Invitations, query)
    }

    /// Every invitation matching the query, page after page (the next page prefetched).
    pub fn invitations(&self, query: &Query) -> Result<ItemStream<Invitation>> {
        Ok(ItemStream::new(self.invitation_pages(query)?))
    }

    /// Invites someone by email or by contact id (`friends.invite`). Inviting a friend is
    /// 409 `alreadyFriends`. Safe to retry: one `Idempotency-Key` per call.
    pub async fn invite(&self, invitation: &NewInvitation) -> Result<Invitation> {
        invitation.validate()?;
        let call = Call::api(Method::POST, self.endpoint(&["v1", "me", "invitations"]))
            .json(invitation)?;
        self.send_json(call).await
    }

    /// Invites this email address.
    pub async fn invite_email(&self, email: &str, message: Option<&str>) -> Result<Invitation> {
        let mut invitation = NewInvitation::email(email);
        invitation.message = message.map(str::to_string);
        self.invite(&invitation).await
    }

    /// Invites one of my contacts (its primary or first email).
    pub async fn invite_contact(
        &self,
        contact_id: &str,
        message: Option<&str>,
    ) -> Result<Invitation> {
        let mut invitation = NewInvitation::contact(contact_id);
        invitation.message = message.map(str::to_string);
        self.invite(&invitation).await
    }

    /// Cancels a pending invitation (`friends.invite`); an accepted one is 409.
    pub async fn cancel_invitation(&self, id: &str) -> Result<()> {
        check_id("id", id)?;
        self.send_empty(Call::api(
            Method::DELETE,
            self.endpoint(&["v1", "me", "invitations", id]),
        ))
        .await
    }
}
