//! `Client`: the OAuth 2.0 / OpenID Connect flows.

use crate::auth::{
    AuthorizationParams, AuthorizationRequest, DeviceAuthorization, DevicePoll, IdTokenClaims,
    Introspection, TokenSet, TokenTypeHint, UserInfo,
};
use crate::errors::Result;

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Starts the authorization-code flow: the URL to send the user to, with a fresh
    /// PKCE verifier (S256), state and nonce. No request is sent.
    pub fn authorization_url(&self, params: AuthorizationParams) -> Result<AuthorizationRequest> {
        Ok(self.core()?.authorization_url(&params.into())?.into())
    }

    /// Completes the code flow from the URL the user was redirected to: checks `state`,
    /// exchanges the code, validates the id token, installs and returns the tokens.
    pub async fn exchange_code(
        &self,
        request: AuthorizationRequest,
        redirect_url: String,
    ) -> Result<TokenSet> {
        let c = self.core()?;
        Ok(c.exchange_code(&request.into(), &redirect_url)
            .await?
            .into())
    }

    /// Starts a device authorization for these scopes.
    pub async fn start_device_authorization(
        &self,
        scopes: Vec<String>,
    ) -> Result<DeviceAuthorization> {
        let c = self.core()?;
        Ok(c.start_device_authorization(&scopes).await?.into())
    }

    /// Polls the token endpoint once for a device authorization.
    pub async fn poll_device_token_once(&self, device: DeviceAuthorization) -> Result<DevicePoll> {
        let c = self.core()?;
        Ok(c.poll_device_token_once(&device.into()).await?.into())
    }

    /// Polls (honouring `interval` and `slow_down`) until the user allows or denies
    /// access or the code expires; installs and returns the tokens.
    pub async fn poll_device_token(&self, device: DeviceAuthorization) -> Result<TokenSet> {
        let c = self.core()?;
        Ok(c.poll_device_token(&device.into()).await?.into())
    }

    /// App-only tokens with the client credentials (confidential clients), installed
    /// and renewed the same way when they expire.
    pub async fn client_credentials(&self, scopes: Vec<String>) -> Result<TokenSet> {
        let c = self.core()?;
        Ok(c.client_credentials(&scopes).await?.into())
    }

    /// Renews the tokens now (single-flight with automatic renewals) and returns them.
    pub async fn refresh_tokens(&self) -> Result<TokenSet> {
        let c = self.core()?;
        Ok(c.refresh_tokens().await?.into())
    }

    /// Revokes a token (RFC 7009); a refresh token revokes its whole grant.
    pub async fn revoke_token(&self, token: String, hint: Option<TokenTypeHint>) -> Result<()> {
        let c = self.core()?;
        Ok(c.revoke_token(&token, hint.map(Into::into)).await?)
    }

    /// Whether a token is active and what it carries (RFC 7662).
    pub async fn introspect_token(
        &self,
        token: String,
        hint: Option<TokenTypeHint>,
    ) -> Result<Introspection> {
        let c = self.core()?;
        Ok(c.introspect_token(&token, hint.map(Into::into))
            .await?
            .into())
    }

    /// The OpenID Connect claims of the signed-in user (needs `openid`).
    pub async fn userinfo(&self) -> Result<UserInfo> {
        let c = self.core()?;
        Ok(c.userinfo().await?.into())
    }

    /// Validates an id token (RS256 signature by the server's JWKS, issuer, audience,
    /// expiry and, when given, nonce) and returns its claims.
    pub async fn validate_id_token(
        &self,
        id_token: String,
        nonce: Option<String>,
    ) -> Result<IdTokenClaims> {
        let c = self.core()?;
        Ok(c.validate_id_token(&id_token, nonce.as_deref())
            .await?
            .into())
    }
}
