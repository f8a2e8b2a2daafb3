//! Token sets and the hook that receives every new one.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The token endpoint's answer (RFC 6749 §5.1), as the server sends it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TokenResponse {
    /// The opaque bearer token.
    pub access_token: Secret,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Space-separated scopes granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Refresh token (only with `offline_access`); rotated on every use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// Lifetime of the refresh token, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_expires_in: Option<u64>,
    /// Signed OpenID Connect id token (only with `openid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("refresh_token", &self.refresh_token)
            .field("id_token", &self.id_token)
            .finish()
    }
}

/// The tokens a client calls the API with. `Debug` shows no secret; serde (camelCase)
/// gives the secrets in clear, to persist them.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(rename_all = "camelCase")]
pub struct TokenSet {
    /// The bearer token.
    pub access_token: Secret,
    /// Token type, `Bearer`.
    pub token_type: String,
    /// When the access token expires (by this machine's clock), if known.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Scopes granted.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The refresh token, if any (rotated on every refresh).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// When the refresh token expires, if known.
    #[serde(default)]
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// The OpenID Connect id token, if any.
    #[serde(default)]
    pub id_token: Option<Secret>,
    /// When the tokens were received (by this machine's clock), if known.
    #[serde(default)]
    pub obtained_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("refresh_token", &self.refresh_token)
            .field("refresh_token_expires_at", &self.refresh_token_expires_at)
            .field("id_token", &self.id_token)
            .field("obtained_at", &self.obtained_at)
            .finish()
    }
}

impl TokenSet {
    /// Checks that the tokens could be sent at all: the access token (and the refresh
    /// token, when there is one) is 1 to 8,192 visible ASCII characters, the form of an
    /// OAuth bearer token. [`crate::Error::InvalidArgument`] otherwise (the message never
    /// shows a token).
    pub fn check(&self) -> crate::Result<()> {
        let sendable =
            |t: &str| (1..=8192).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic());
        if !sendable(self.access_token.expose()) {
            return Err(crate::Error::invalid(
                "tokens.access_token",
                "must be 1 to 8192 visible ASCII characters",
            ));
        }
        if let Some(refresh) = &self.refresh_token
            && !sendable(refresh.expose())
        {
            return Err(crate::Error::invalid(
                "tokens.refresh_token",
                "must be 1 to 8192 visible ASCII characters",
            ));
        }
        Ok(())
    }

    /// A token set of just an access token (no known expiry, no refresh token).
    pub fn bearer(access_token: impl Into<String>) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access_token),
            token_type: "Bearer".into(),
            expires_at: None,
            scopes: Vec::new(),
            refresh_token: None,
            refresh_token_expires_at: None,
            id_token: None,
            obtained_at: None,
        }
    }

    /// The token set of a token response received now.
    pub fn from_response(response: TokenResponse) -> TokenSet {
        TokenSet::from_response_at(response, Utc::now())
    }

    /// The token set of a token response received at `now`.
    pub fn from_response_at(response: TokenResponse, now: DateTime<Utc>) -> TokenSet {
        let after =
            |s: u64| now + chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2_000));
        TokenSet {
            access_token: response.access_token,
            token_type: response.token_type,
            expires_at: response.expires_in.map(after),
            scopes: response
                .scope
                .as_deref()
                .unwrap_or("")
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            refresh_token: response.refresh_token,
            refresh_token_expires_at: response.refresh_token_expires_in.map(after),
            id_token: response.id_token,
            obtained_at: Some(now),
        }
    }

    /// True when the access token expires within `skew` of `now` (false when its expiry
    /// is unknown). The skew is capped at half the token's lifetime, so a short-lived
    /// token is not renewed on every call.
    pub fn expires_within(&self, skew: std::time::Duration, now: DateTime<Utc>) -> bool {
        let mut skew = chrono::Duration::from_std(skew).unwrap_or(chrono::Duration::zero());
        if let (Some(at), Some(from)) = (self.expires_at, self.obtained_at) {
            skew = skew.min((at - from) / 2).max(chrono::Duration::zero());
        }
        self.expires_at.is_some_and(|at| at - skew <= now)
    }
}

/// Why a [`TokenStore`] could not keep the tokens: any error, kept whole, so the caller
/// gets the original back (e.g. a binding's own exception).
pub type StoreError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What [`TokenStore::save`] returns: a future of the outcome.
pub type SaveFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// Receives every token set the client obtains (code exchange, device flow, client
/// credentials, and every refresh, whose refresh token is rotated), so a job can persist
/// it. Called once per new token set, before any call uses it.
///
/// Saving can fail (a full disk, a lock timeout): the call that obtained the tokens then
/// fails with [`crate::Error::TokenStore`], which carries the new tokens and the cause.
/// The client keeps using the new tokens (the old refresh token is retired on the
/// server), so the caller can save them again from the error or from
/// [`crate::Client::tokens`]. A save that takes longer than the client's token-store
/// timeout (30 s by default) fails the same way.
///
/// A closure `Fn(&TokenSet)` returning `()` or `Result<(), E>` (with `E` convertible to
/// [`StoreError`]) is a `TokenStore`; implement the trait for a store that saves
/// asynchronously.
pub trait TokenStore: Send + Sync + 'static {
    /// Keeps the new tokens.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> SaveFuture<'a>;
}

/// What a closure token store returns: `()` (it cannot fail) or `Result<(), E>`.
pub trait SaveOutcome {
    /// The outcome as a result.
    fn into_result(self) -> Result<(), StoreError>;
}

impl SaveOutcome for () {
    fn into_result(self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl<E: Into<StoreError>> SaveOutcome for Result<(), E> {
    fn into_result(self) -> Result<(), StoreError> {
        self.map_err(Into::into)
    }
}

impl<F, R> TokenStore for F
where
    F: Fn(&TokenSet) -> R + Send + Sync + 'static,
    R: SaveOutcome,
{
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> SaveFuture<'a> {
        let outcome = self(tokens).into_result();
        Box::pin(std::future::ready(outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_could_never_be_sent_are_refused() {
        assert!(TokenSet::bearer("abc.DEF-123_~+/=").check().is_ok());
        for bad in ["", "has space", "new\nline", "é", &"x".repeat(8193)] {
            let err = TokenSet::bearer(bad).check().unwrap_err();
            assert!(
                matches!(&err, crate::Error::InvalidArgument { name, .. } if name == "tokens.access_token"),
                "{err:?}"
            );
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad), "{err}");
            }
        }
        let mut t = TokenSet::bearer("ok");
        t.refresh_token = Some(Secret::new(""));
        let err = t.check().unwrap_err();
        assert!(err.to_string().contains("refresh_token"), "{err}");
    }

    fn response(expires_in: u64) -> TokenResponse {
        TokenResponse {
            access_token: Secret::new("at"),
            token_type: "Bearer".into(),
            expires_in: Some(expires_in),
            scope: Some("a b".into()),
            refresh_token: None,
            refresh_token_expires_in: None,
            id_token: None,
        }
    }

    #[test]
    fn expiry_with_skew() {
        let now = Utc::now();
        let skew = std::time::Duration::from_secs(60);
        let t = TokenSet::from_response_at(response(3600), now);
        assert_eq!(t.scopes, ["a", "b"]);
        assert!(!t.expires_within(skew, now));
        assert!(t.expires_within(skew, now + chrono::Duration::seconds(3541)));
        // A 30 s token is renewed after half its life, not at once.
        let short = TokenSet::from_response_at(response(30), now);
        assert!(!short.expires_within(skew, now));
        assert!(short.expires_within(skew, now + chrono::Duration::seconds(15)));
        assert!(!TokenSet::bearer("x").expires_within(skew, now));
    }
}
