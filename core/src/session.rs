//! The token session: current tokens, refresh before expiry and after a 401, single-flight
//! under concurrency, and the token store that receives every new token set.

use std::sync::{Arc, RwLock};

use crate::client::Client;
use crate::error::{Error, Result, StoreFailure};
use crate::process::ProcessLocal;
use crate::secret::Secret;
use crate::targets::AUTH;
use crate::tokens::{TokenSet, TokenStore};

/// How expired tokens are renewed.
#[derive(Clone, Debug)]
pub(crate) enum Renewal {
    /// With the refresh token, when there is one.
    RefreshToken,
    /// By asking for new client-credentials tokens with these scopes.
    ClientCredentials(Vec<String>),
}

pub(crate) struct Session {
    tokens: RwLock<Option<TokenSet>>,
    renewal: RwLock<Renewal>,
    /// Held by the one task renewing the tokens; the others wait, then use its result.
    /// One per process: a lock held by a parent's task at `fork()` time would never be
    /// released in the child.
    refresh: ProcessLocal<Arc<tokio::sync::Mutex<()>>>,
    store: Option<Arc<dyn TokenStore>>,
}

impl Session {
    pub(crate) fn new(tokens: Option<TokenSet>, store: Option<Arc<dyn TokenStore>>) -> Session {
        Session {
            tokens: RwLock::new(tokens),
            renewal: RwLock::new(Renewal::RefreshToken),
            refresh: ProcessLocal::new(Arc::new(tokio::sync::Mutex::new(()))),
            store,
        }
    }

    pub(crate) fn tokens(&self) -> Option<TokenSet> {
        self.tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn set(&self, tokens: Option<TokenSet>) {
        *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = tokens;
    }

    pub(crate) fn store(&self) -> Option<Arc<dyn TokenStore>> {
        self.store.clone()
    }

    pub(crate) fn set_renewal(&self, renewal: Renewal) {
        *self.renewal.write().unwrap_or_else(|e| e.into_inner()) = renewal;
    }

    fn renewal(&self) -> Renewal {
        self.renewal
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether these tokens can be renewed without the user.
    fn renewable(&self, tokens: &TokenSet) -> bool {
        match self.renewal() {
            Renewal::RefreshToken => tokens.refresh_token.is_some(),
            Renewal::ClientCredentials(_) => true,
        }
    }

    /// The single-flight lock of this process.
    fn refresh_lock(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.refresh
            .get_or_try(|| Ok::<_, std::convert::Infallible>(Arc::default()))
            .unwrap_or_else(|never| match never {})
    }
}

impl Client {
    /// Installs new tokens (the client uses them from now on, whatever the store says),
    /// then hands them to the token store, within the store timeout. A store that fails
    /// or times out makes this return [`Error::TokenStore`] with the tokens.
    pub(crate) async fn install_tokens(&self, tokens: &TokenSet) -> Result<()> {
        self.session.set(Some(tokens.clone()));
        let Some(store) = &self.session.store else {
            return Ok(());
        };
        let limit = self.shared.store_timeout;
        let outcome = match tokio::time::timeout(limit, store.save(tokens)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(format!("the token store did not finish within {limit:?}").into()),
        };
        outcome.map_err(|cause| {
            let cause = StoreFailure::new(cause);
            tracing::error!(
                target: AUTH,
                error = %cause,
                "the token store failed; the new tokens are in use but not saved (save them from the error or client.tokens)"
            );
            Error::TokenStore {
                tokens: Box::new(tokens.clone()),
                cause,
            }
        })
    }

    /// The access token to send: the current one, renewed first when it expires within
    /// the refresh skew. `None` when the client has no tokens.
    pub(crate) async fn access_token(&self) -> Result<Option<Secret>> {
        let Some(tokens) = self.session.tokens() else {
            return Ok(None);
        };
        let expiring = tokens.expires_within(self.shared.refresh_skew, chrono::Utc::now());
        if !expiring || !self.session.renewable(&tokens) {
            return Ok(Some(tokens.access_token));
        }
        self.renew(None).await.map(|t| Some(t.access_token))
    }

    /// True when a 401 for `token` can be answered by renewing the tokens.
    pub(crate) fn can_renew(&self) -> bool {
        self.session
            .tokens()
            .is_some_and(|t| self.session.renewable(&t))
    }

    /// Renews the tokens, once for all concurrent callers. `failed` is the access token a
    /// 401 was answered to: if the tokens changed since, they are used as they are.
    ///
    /// The renewal runs in its own task holding the lock, so a caller that is cancelled
    /// mid-way never loses a rotated refresh token, and no other caller renews with the
    /// retired one meanwhile.
    pub(crate) fn renew(
        &self,
        failed: Option<&Secret>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<TokenSet>> + Send + 'static>>
    {
        // Boxed as `dyn Send`: renewing sends a request, and a request may renew.
        let client = self.clone();
        let failed = failed.cloned();
        Box::pin(async move {
            let guard = client.session.refresh_lock().lock_owned().await;
            if let Some(current) = client.session.tokens() {
                let fresh = match &failed {
                    Some(f) => &current.access_token != f,
                    None => !current.expires_within(client.shared.refresh_skew, chrono::Utc::now()),
                };
                if fresh {
                    return Ok(current);
                }
            }
            let worker = client.clone();
            let task = tokio::spawn(async move {
                let _guard = guard;
                let tokens = worker.renew_now().await.inspect_err(|e| {
                    tracing::warn!(target: AUTH, error = %e, "token refresh failed");
                })?;
                worker.install_tokens(&tokens).await?;
                Ok::<_, Error>(tokens)
            });
            task.await
                .map_err(|e| Error::Internal(format!("token refresh task failed: {e}")))?
        })
    }

    /// Asks the token endpoint for new tokens (no locking).
    async fn renew_now(&self) -> Result<TokenSet> {
        match self.session.renewal() {
            Renewal::ClientCredentials(scopes) => {
                tracing::info!(target: AUTH, "renewing the client-credentials tokens");
                self.request_client_credentials(&scopes).await
            }
            Renewal::RefreshToken => {
                let current = self.session.tokens();
                let Some(refresh) = current.as_ref().and_then(|t| t.refresh_token.clone()) else {
                    return Err(Error::oauth(
                        "no_refresh_token",
                        "the tokens expired and there is no refresh token",
                    ));
                };
                tracing::info!(target: AUTH, "refreshing the access token");
                let form = vec![
                    ("grant_type".to_string(), "refresh_token".to_string()),
                    ("refresh_token".to_string(), refresh.expose().to_string()),
                ];
                let mut tokens = TokenSet::from_response(self.token_request(form).await?);
                // Keep what the server did not resend (RFC 6749 §6).
                if let Some(old) = current {
                    if tokens.refresh_token.is_none() {
                        tokens.refresh_token = old.refresh_token;
                        tokens.refresh_token_expires_at = old.refresh_token_expires_at;
                    }
                    if tokens.id_token.is_none() {
                        tokens.id_token = old.id_token;
                    }
                }
                tracing::info!(
                    target: AUTH,
                    expires_in_s = tokens
                        .expires_at
                        .map(|at| (at - chrono::Utc::now()).num_seconds()),
                    refresh_token_rotated = tokens.refresh_token.as_ref() != Some(&refresh),
                    "refreshed the access token"
                );
                Ok(tokens)
            }
        }
    }

    /// Renews the tokens now (single-flight with automatic renewals) and returns them.
    pub async fn refresh_tokens(&self) -> Result<TokenSet> {
        let current = self
            .session
            .tokens()
            .ok_or_else(|| Error::oauth("no_tokens", "the client has no tokens to refresh"))?;
        self.renew(Some(&current.access_token)).await
    }
}
