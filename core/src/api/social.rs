//! `PUT /v1/me/status`, `/v1/me/friends`, `/v1/me/invitations`.

use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result, check_id};
use crate::models::{Friend, Invitation, NewInvitation, Status, StatusUpdate};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::Call;

/// Refuses a text longer than `max` characters.
pub(crate) fn check_len(name: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(
            name,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

impl Client {
    /// Changes the status message and/or presence (`status.write`) and returns the new
    /// status. The change is also posted as a `Status` activity and sent as live events.
    pub async fn set_status(&self, update: &StatusUpdate) -> Result<Status> {
        if update.message.is_none() && update.presence.is_none() {
            return Err(Error::invalid(
                "update",
                "give a message, a presence, or both",
            ));
        }
        if let Some(m) = &update.message {
            check_len("message", m, 280)?;
        }
        let call = Call::api(Method::PUT, self.endpoint(&["v1", "me", "status"])).json(update)?;
        self.send_json(call).await
    }

    fn friends_url(&self, query: &Query) -> Result<url::Url> {
        Ok(self.endpoint_with(&["v1", "me", "friends"], &query.to_pairs()?))
    }

    /// One page of friends (`friends.read`).
    pub async fn list_friends(&self, query: &Query) -> Result<Page<Friend>> {
        let url = self.friends_url(query)?;
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// The pages of friends matching the query, the next one prefetched.
    pub fn friend_pages(&self, query: &Query) -> Result<PageStream<Friend>> {
        Ok(PageStream::new(self.clone(), self.friends_url(query)?))
    }

    /// Every friend matching the query, page after page (the next page prefetched).
    pub fn friends(&self, query: &Query) -> Result<ItemStream<Friend>> {
        Ok(ItemStream::new(self.friend_pages(query)?))
    }

    fn invitations_url(&self, query: &Query) -> Result<url::Url> {
        Ok(self.endpoint_with(&["v1", "me", "invitations"], &query.to_pairs()?))
    }

    /// One page of my invitations (`friends.invite`).
    pub async fn list_invitations(&self, query: &Query) -> Result<Page<Invitation>> {
        let url = self.invitations_url(query)?;
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// The pages of my invitations, the next one prefetched.
    pub fn invitation_pages(&self, query: &Query) -> Result<PageStream<Invitation>> {
        Ok(PageStream::new(self.clone(), self.invitations_url(query)?))
    }

    /// Every invitation matching the query, page after page (the next page prefetched).
    pub fn invitations(&self, query: &Query) -> Result<ItemStream<Invitation>> {
        Ok(ItemStream::new(self.invitation_pages(query)?))
    }

    /// Invites someone by email or by contact id (`friends.invite`). Inviting a friend is
    /// 409 `alreadyFriends`. Safe to retry: one `Idempotency-Key` per call.
    pub async fn invite(&self, invitation: &NewInvitation) -> Result<Invitation> {
        match (&invitation.email, &invitation.contact_id) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "invitation",
                    "give either an email or a contact id, not both",
                ));
            }
            (None, None) => {
                return Err(Error::invalid(
                    "invitation",
                    "an email or a contact id is required",
                ));
            }
            (Some(email), None) => {
                let valid = email
                    .split_once('@')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control());
                if !valid {
                    return Err(Error::invalid("email", "not an email address"));
                }
            }
            (None, Some(id)) => check_id("contact_id", id)?,
        }
        if let Some(m) = &invitation.message {
            check_len("message", m, 500)?;
        }
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
