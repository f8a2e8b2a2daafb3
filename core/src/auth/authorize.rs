//! The authorization-code flow: the authorization URL (PKCE S256, state, nonce) and the
//! code exchange.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::tokens::TokenSet;

/// What to ask the user for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthorizationParams {
    /// Scopes, e.g. `["openid", "profile", "offline_access"]`.
    pub scopes: Vec<String>,
    /// `prompt`: `none`, `login` or `consent`.
    pub prompt: Option<String>,
    /// `login_hint`: the user's email or id.
    pub login_hint: Option<String>,
}

impl AuthorizationParams {
    /// Asks for these scopes.
    pub fn new<S: Into<String>>(scopes: impl IntoIterator<Item = S>) -> AuthorizationParams {
        AuthorizationParams {
            scopes: scopes.into_iter().map(Into::into).collect(),
            ..AuthorizationParams::default()
        }
    }

    /// Sets `prompt`.
    pub fn prompt(mut self, prompt: impl Into<String>) -> AuthorizationParams {
        self.prompt = Some(prompt.into());
        self
    }

    /// Sets `login_hint`.
    pub fn login_hint(mut self, hint: impl Into<String>) -> AuthorizationParams {
        self.login_hint = Some(hint.into());
        self
    }
}

/// A started authorization: send the user to `url`, and keep the rest (e.g. in the web
/// session; it serializes) until the redirect comes back to
/// [`Client::exchange_code`]. `Debug` does not show the verifier.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationRequest {
    /// Where to send the user's browser.
    pub url: String,
    /// The `state` the redirect must carry back.
    pub state: String,
    /// The `nonce` the id token must carry.
    pub nonce: String,
    /// The PKCE verifier (secret).
    pub code_verifier: Secret,
    /// The redirect URI the request used.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url)
            .field("state", &self.state)
            .field("code_verifier", &self.code_verifier)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Constant-time string comparison.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Client {
    /// Builds the authorization URL with a fresh PKCE verifier (S256), state and nonce.
    pub fn authorization_url(&self, params: &AuthorizationParams) -> Result<AuthorizationRequest> {
        let client_id = self.client_id()?.to_string();
        let redirect_uri = self.shared.redirect_uri.clone().ok_or_else(|| {
            Error::Config(
                "the authorization-code flow needs a redirect URI (ClientBuilder::redirect_uri)"
                    .into(),
            )
        })?;
        if params.scopes.is_empty() {
            return Err(Error::invalid("scopes", "ask for at least one scope"));
        }
        if let Some(bad) = params
            .scopes
            .iter()
            .find(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(Error::invalid("scopes", format!("`{bad}` is not a scope")));
        }
        let verifier = super::random_b64(32);
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        let state = super::random_b64(16);
        let nonce = super::random_b64(16);
        let mut url = self.endpoint(&["oauth", "authorize"]);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &client_id)
                .append_pair("redirect_uri", &redirect_uri)
                .append_pair("scope", &params.scopes.join(" "))
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(p) = &params.prompt {
                q.append_pair("prompt", p);
            }
            if let Some(h) = &params.login_hint {
                q.append_pair("login_hint", h);
            }
        }
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state,
            nonce,
            code_verifier: Secret::new(verifier),
            redirect_uri,
            scopes: params.scopes.clone(),
        })
    }

    /// Completes the authorization-code flow from the URL the user was redirected to:
    /// checks `state`, reports `?error=...` as [`Error::OAuth`], exchanges the code (with
    /// the PKCE verifier), validates the id token (signature, iss, aud, exp, nonce) when
    /// there is one, and installs the tokens (the token store receives them).
    pub async fn exchange_code(
        &self,
        request: &AuthorizationRequest,
        redirect_url: &str,
    ) -> Result<TokenSet> {
        let url = url::Url::parse(redirect_url)
            .map_err(|e| Error::invalid("redirect_url", format!("not a URL: {e}")))?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        match param("state") {
            Some(s) if same(&s, &request.state) => {}
            _ => {
                return Err(Error::oauth(
                    "state_mismatch",
                    "the redirect's state does not match the authorization request",
                ));
            }
        }
        if let Some(error) = param("error") {
            return Err(Error::OAuth {
                status: None,
                error,
                description: param("error_description"),
                request_id: None,
            });
        }
        let code = param("code")
            .ok_or_else(|| Error::invalid("redirect_url", "carries neither a code nor an error"))?;
        let form = vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("code".to_string(), code),
            ("redirect_uri".to_string(), request.redirect_uri.clone()),
            (
                "code_verifier".to_string(),
                request.code_verifier.expose().to_string(),
            ),
        ];
        let tokens = TokenSet::from_response(self.token_request(form).await?);
        if let Some(id_token) = &tokens.id_token {
            self.validate_id_token(id_token.expose(), Some(&request.nonce))
                .await?;
        }
        self.session
            .set_renewal(crate::session::Renewal::RefreshToken);
        self.install_tokens(&tokens).await?;
        Ok(tokens)
    }
}
