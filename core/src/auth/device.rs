//! The device authorization grant (RFC 8628), with polling that honours `interval` and
//! `slow_down`.

use std::time::Duration;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::DeviceAuthorization;
use crate::session::Renewal;
use crate::tokens::TokenSet;

/// The result of one poll of the token endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum DevicePoll {
    /// The user has not finished yet: poll again after the interval.
    Pending,
    /// Polling too fast: poll again after this new interval (seconds).
    SlowDown(u64),
    /// The user allowed access; the tokens are installed.
    Complete(TokenSet),
}

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

impl Client {
    /// Starts a device authorization for these scopes.
    pub async fn start_device_authorization<S: AsRef<str>>(
        &self,
        scopes: &[S],
    ) -> Result<DeviceAuthorization> {
        if scopes.is_empty() {
            return Err(Error::invalid("scopes", "ask for at least one scope"));
        }
        let scope = scopes
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(" ");
        let call = self.oauth_call(
            &["oauth", "device_authorization"],
            vec![("scope".to_string(), scope)],
        )?;
        self.send_json(call).await
    }

    /// Polls the token endpoint once.
    pub async fn poll_device_token_once(&self, device: &DeviceAuthorization) -> Result<DevicePoll> {
        let form = vec![
            ("grant_type".to_string(), DEVICE_GRANT.to_string()),
            (
                "device_code".to_string(),
                device.device_code.expose().to_string(),
            ),
        ];
        match self.token_request(form).await {
            Ok(response) => {
                let tokens = TokenSet::from_response(response);
                self.session.set_renewal(Renewal::RefreshToken);
                self.install_tokens(&tokens).await?;
                Ok(DevicePoll::Complete(tokens))
            }
            Err(Error::OAuth { error, .. }) if error == "authorization_pending" => {
                Ok(DevicePoll::Pending)
            }
            Err(Error::OAuth { error, .. }) if error == "slow_down" => {
                Ok(DevicePoll::SlowDown(device.interval + 5))
            }
            Err(e) => Err(e),
        }
    }

    /// Polls until the user allows or denies access, or the code expires: waits
    /// `interval` seconds between polls, 5 more after each `slow_down`. Denial and
    /// expiry are [`Error::OAuth`] (`access_denied`, `expired_token`).
    pub async fn poll_device_token(&self, device: &DeviceAuthorization) -> Result<TokenSet> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(device.expires_in);
        let mut device = device.clone();
        device.interval = device.interval.max(1);
        loop {
            tokio::time::sleep(Duration::from_secs(device.interval)).await;
            match self.poll_device_token_once(&device).await? {
                DevicePoll::Complete(tokens) => return Ok(tokens),
                DevicePoll::Pending => {}
                DevicePoll::SlowDown(interval) => device.interval = interval,
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::oauth(
                    "expired_token",
                    "the device code expired before the user finished",
                ));
            }
        }
    }
}
