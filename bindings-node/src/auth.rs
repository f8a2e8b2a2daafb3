//! OAuth 2.0 / OpenID Connect flows on `NativeClient`: authorization URL (PKCE, state,
//! nonce) and code exchange, the device flow, client credentials, refresh, revocation,
//! introspection, userinfo, id-token validation. Token sets cross as JSON text.

use messenger_connect::models::DeviceAuthorization;
use messenger_connect::{AuthorizationParams, AuthorizationRequest, DevicePoll, TokenTypeHint};
use napi_derive::napi;
use serde_json::{Value, json};

use crate::client::NativeClient;
use crate::error::{arg, invalid, out, reply, to_js};

fn hint(value: Option<String>) -> napi::Result<Option<TokenTypeHint>> {
    match value.as_deref() {
        None => Ok(None),
        Some("access_token") => Ok(Some(TokenTypeHint::AccessToken)),
        Some("refresh_token") => Ok(Some(TokenTypeHint::RefreshToken)),
        Some(_) => Err(invalid("hint", "must be access_token or refresh_token")),
    }
}

fn scopes_arg(scopes: &[String]) -> napi::Result<()> {
    if scopes.is_empty() {
        return Err(invalid("scopes", "ask for at least one scope"));
    }
    Ok(())
}

#[napi]
impl NativeClient {
    /// `{scopes, prompt?, loginHint?}` (JSON text) → the authorization request as JSON
    /// text `{url, state, nonce, codeVerifier, redirectUri, scopes}`: send the user to
    /// `url`, keep the rest for `exchangeCode`.
    #[napi]
    pub fn authorization_url(&self, params: String) -> napi::Result<String> {
        let c = self.client()?;
        let v: Value = arg("params", &params)?;
        let scopes: Vec<String> = arg(
            "scopes",
            &v.get("scopes").unwrap_or(&Value::Null).to_string(),
        )?;
        let mut p = AuthorizationParams::new(scopes);
        if let Some(s) = v.get("prompt").and_then(Value::as_str) {
            p = p.prompt(s);
        }
        if let Some(s) = v.get("loginHint").and_then(Value::as_str) {
            p = p.login_hint(s);
        }
        reply(c.authorization_url(&p))
    }

    /// Completes the code flow from the redirect URL (checks state, exchanges the code with
    /// the PKCE verifier, validates the id token) → the token set as JSON text.
    #[napi]
    pub async fn exchange_code(
        &self,
        request: String,
        redirect_url: String,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let request: AuthorizationRequest = arg("request", &request)?;
        reply(c.exchange_code(&request, &redirect_url).await)
    }

    /// Starts a device authorization → `{device_code, user_code, verification_uri, ...}`.
    #[napi]
    pub async fn start_device_authorization(&self, scopes: Vec<String>) -> napi::Result<String> {
        let c = self.client()?;
        scopes_arg(&scopes)?;
        reply(c.start_device_authorization(&scopes).await)
    }

    /// Polls once → `{status: "pending"} | {status: "slowDown", interval} |
    /// {status: "complete", tokens}`.
    #[napi]
    pub async fn poll_device_token_once(&self, device: String) -> napi::Result<String> {
        let c = self.client()?;
        let device: DeviceAuthorization = arg("device", &device)?;
        let poll = c.poll_device_token_once(&device).await.map_err(to_js)?;
        out(&match poll {
            DevicePoll::Pending => json!({"status": "pending"}),
            DevicePoll::SlowDown(interval) => json!({"status": "slowDown", "interval": interval}),
            DevicePoll::Complete(tokens) => json!({"status": "complete", "tokens": tokens}),
        })
    }

    /// Polls until the user answers (waits `interval` seconds between polls) → token set.
    #[napi]
    pub async fn poll_device_token(&self, device: String) -> napi::Result<String> {
        let c = self.client()?;
        let device: DeviceAuthorization = arg("device", &device)?;
        reply(c.poll_device_token(&device).await)
    }

    /// App-only tokens with the client credentials (installed, renewed when they expire).
    #[napi]
    pub async fn client_credentials(&self, scopes: Vec<String>) -> napi::Result<String> {
        reply(self.client()?.client_credentials(&scopes).await)
    }

    /// Renews the tokens now (refresh token, or client credentials).
    #[napi]
    pub async fn refresh_tokens(&self) -> napi::Result<String> {
        reply(self.client()?.refresh_tokens().await)
    }

    /// Revokes a token (RFC 7009); a refresh token revokes its whole grant.
    #[napi]
    pub async fn revoke_token(&self, token: String, hint_name: Option<String>) -> napi::Result<()> {
        let c = self.client()?;
        let h = hint(hint_name)?;
        c.revoke_token(&token, h).await.map_err(to_js)
    }

    /// Introspects a token (RFC 7662).
    #[napi]
    pub async fn introspect_token(
        &self,
        token: String,
        hint_name: Option<String>,
    ) -> napi::Result<String> {
        let c = self.client()?;
        let h = hint(hint_name)?;
        reply(c.introspect_token(&token, h).await)
    }

    /// `GET /oauth/userinfo`.
    #[napi]
    pub async fn userinfo(&self) -> napi::Result<String> {
        reply(self.client()?.userinfo().await)
    }

    /// Validates an id token (signature by JWKS, iss, aud, exp, nonce) → its claims.
    #[napi]
    pub async fn validate_id_token(
        &self,
        id_token: String,
        nonce: Option<String>,
    ) -> napi::Result<String> {
        let c = self.client()?;
        reply(c.validate_id_token(&id_token, nonce.as_deref()).await)
    }
}
