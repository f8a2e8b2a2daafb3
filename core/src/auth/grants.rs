//! Token endpoint grants (client credentials, and the shared token request), revocation,
//! introspection and userinfo.

use reqwest::Method;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{Introspection, UserInfo};
use crate::session::Renewal;
use crate::tokens::{TokenResponse, TokenSet};
use crate::transport::{Auth, Body, Call, Replay};

closed_enum! {
    /// Which kind of token is being revoked or introspected (a hint to the server).
    TokenTypeHint as "hint" {
        /// An access token.
        AccessToken = "access_token",
        /// A refresh token.
        RefreshToken = "refresh_token",
    }
}

impl Client {
    /// A POST to an OAuth endpoint with client authentication.
    pub(crate) fn oauth_call(&self, path: &[&str], form: Vec<(String, String)>) -> Result<Call> {
        self.client_id()?;
        Ok(Call {
            method: Method::POST,
            url: self.endpoint(path),
            auth: Auth::Client,
            body: Body::Form(form),
            if_match: None,
            // Not idempotent (codes are single-use, refresh tokens rotate): only a
            // connection that never opened is retried.
            replay: Replay::ConnectOnly,
        })
    }

    /// `POST /oauth/token` with this form.
    pub(crate) async fn token_request(&self, form: Vec<(String, String)>) -> Result<TokenResponse> {
        let call = self.oauth_call(&["oauth", "token"], form)?;
        self.send_json(call).await
    }

    /// Client-credentials tokens (no installing).
    pub(crate) async fn request_client_credentials(&self, scopes: &[String]) -> Result<TokenSet> {
        let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
        if !scopes.is_empty() {
            form.push(("scope".to_string(), scopes.join(" ")));
        }
        Ok(TokenSet::from_response(self.token_request(form).await?))
    }

    /// Gets app-only tokens with the client credentials (confidential clients) and
    /// installs them; they are renewed the same way when they expire.
    pub async fn client_credentials<S: AsRef<str>>(&self, scopes: &[S]) -> Result<TokenSet> {
        if self.shared.client_secret.is_none() {
            return Err(Error::Config(
                "client credentials need a client secret".into(),
            ));
        }
        let scopes: Vec<String> = scopes.iter().map(|s| s.as_ref().to_string()).collect();
        let tokens = self.request_client_credentials(&scopes).await?;
        self.session.set_renewal(Renewal::ClientCredentials(scopes));
        self.install_tokens(&tokens).await?;
        Ok(tokens)
    }

    /// Revokes a token (RFC 7009); a refresh token revokes its whole grant.
    pub async fn revoke_token(&self, token: &str, hint: Option<TokenTypeHint>) -> Result<()> {
        let call = self.oauth_call(&["oauth", "revoke"], token_form(token, hint)?)?;
        self.send_empty(call).await
    }

    /// Asks whether a token is active and what it carries (RFC 7662).
    pub async fn introspect_token(
        &self,
        token: &str,
        hint: Option<TokenTypeHint>,
    ) -> Result<Introspection> {
        let call = self.oauth_call(&["oauth", "introspect"], token_form(token, hint)?)?;
        self.send_json(call).await
    }

    /// The OpenID Connect claims of the signed-in user (needs `openid`).
    pub async fn userinfo(&self) -> Result<UserInfo> {
        self.send_json(Call::api(
            Method::GET,
            self.endpoint(&["oauth", "userinfo"]),
        ))
        .await
    }
}

fn token_form(token: &str, hint: Option<TokenTypeHint>) -> Result<Vec<(String, String)>> {
    if token.trim().is_empty() {
        return Err(Error::invalid("token", "must not be empty"));
    }
    let mut form = vec![("token".to_string(), token.to_string())];
    if let Some(h) = hint {
        form.push(("token_type_hint".to_string(), h.to_string()));
    }
    Ok(form)
}
