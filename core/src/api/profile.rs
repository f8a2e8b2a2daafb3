//! `/v1/me`, `/v1/me/status`, `/v1/users/{id}`.

use reqwest::Method;

use crate::client::Client;
use crate::error::{Result, check_id};
use crate::models::{Me, MeUpdate, PublicProfile, Status};
use crate::transport::Call;

impl Client {
    /// The signed-in user's profile (`profile`; emails with `email`).
    pub async fn me(&self) -> Result<Me> {
        self.send_json(Call::api(Method::GET, self.endpoint(&["v1", "me"])))
            .await
    }

    /// Changes the profile (`profile.write`) and returns it.
    pub async fn update_me(&self, update: &MeUpdate) -> Result<Me> {
        let call = Call::api(Method::PATCH, self.endpoint(&["v1", "me"])).json(update)?;
        self.send_json(call).await
    }

    /// The signed-in user's status (`profile`).
    pub async fn status(&self) -> Result<Status> {
        self.send_json(Call::api(
            Method::GET,
            self.endpoint(&["v1", "me", "status"]),
        ))
        .await
    }

    /// The public profile of a user (`profile`).
    pub async fn user(&self, id: &str) -> Result<PublicProfile> {
        check_id("id", id)?;
        self.send_json(Call::api(Method::GET, self.endpoint(&["v1", "users", id])))
            .await
    }
}
