//! `Client`: core's `messenger_connect::Client` as a uniffi object. Construction, tokens
//! and `close` are here; the endpoints are in the sibling modules (one `impl` each).
//! Every async method runs on tokio and converts arguments and results only.

mod auth;
mod chat;
mod contacts;
mod feed;
mod profile;
mod social;

use std::sync::{Arc, RwLock};

use messenger_connect as mc;

use crate::auth::TokenSet;
use crate::errors::{MessengerConnectError, Result};
use crate::options::{CallOptions, ClientOptions};
use crate::token_changes::{self, TokenChange, TokenReceiver, TokenSender};

/// The Messenger Connect client. Safe to share across threads; `close` ends it (later
/// calls fail with `Closed`, `next_token_change` returns `None`).
#[derive(uniffi::Object)]
pub struct Client {
    inner: RwLock<Option<mc::Client>>,
    base_url: String,
    token_tx: TokenSender,
    token_rx: TokenReceiver,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Core's client (a cheap clone), or `Closed`.
    pub(crate) fn core(&self) -> Result<mc::Client> {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| MessengerConnectError::closed("client"))
    }

    /// A client with a token-change queue of its own: `build` makes core's client with the
    /// token store it is given (which feeds the queue read by `next_token_change`).
    fn with_token_queue(
        build: impl FnOnce(Arc<dyn mc::TokenStore>) -> Result<mc::Client>,
    ) -> Result<Arc<Client>> {
        let (token_tx, token_rx) = token_changes::channel();
        let client = build(token_tx.store())?;
        Ok(Arc::new(Client {
            base_url: client.base_url().to_string(),
            inner: RwLock::new(Some(client)),
            token_tx,
            token_rx,
        }))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client with these options (checked: URL, scheme, ids, timeouts). No request is
    /// sent.
    #[uniffi::constructor]
    pub fn new(options: ClientOptions) -> Result<Arc<Client>> {
        Client::with_token_queue(|store| Ok(options.builder()?.token_store(store).build()?))
    }

    /// A client for another user: this client's connection pool and options, its own
    /// `tokens`, and its own token changes (its rotated tokens reach its
    /// `next_token_change`, never this client's). No request is sent. It stays usable
    /// after this client is closed; `Closed` if this client already is.
    pub fn with_tokens(&self, tokens: TokenSet) -> Result<Arc<Client>> {
        let parent = self.core()?;
        Client::with_token_queue(|store| {
            Ok(parent.with_tokens_and_store(tokens.into(), Some(store))?)
        })
    }

    /// A view of this client whose calls use `options` (timeouts, retry policy) over this
    /// client's: the same user, tokens, token store and connection pool. Token changes
    /// made through the view reach this client's `next_token_change`. Checked (a zero
    /// timeout, zero attempts); no request is sent. `Closed` if this client is.
    pub fn with_options(&self, options: CallOptions) -> Result<Arc<Client>> {
        let core = self.core()?;
        let view = core.with_options(options.to_core(&core)?)?;
        let (token_tx, token_rx) = token_changes::channel();
        Ok(Arc::new(Client {
            base_url: self.base_url.clone(),
            inner: RwLock::new(Some(view)),
            token_tx,
            token_rx,
        }))
    }

    /// The base URL (with a trailing `/`).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The tokens the client calls the API with, if any (secrets in clear).
    pub fn tokens(&self) -> Option<TokenSet> {
        self.core()
            .ok()
            .and_then(|c| c.tokens())
            .map(TokenSet::from)
    }

    /// Replaces the tokens (e.g. loaded from storage); not reported as a token change.
    pub fn set_tokens(&self, tokens: TokenSet) -> Result<()> {
        Ok(self.core()?.set_tokens(tokens.into())?)
    }

    /// Forgets the tokens.
    pub fn clear_tokens(&self) -> Result<()> {
        self.core()?.clear_tokens();
        Ok(())
    }

    /// The next new token set (after a refresh, code exchange, device flow or client
    /// credentials), `None` once the client is closed. Changes not read in time are
    /// dropped oldest first (16 are kept). A change read here counts as saved.
    pub async fn next_token_change(&self) -> Option<TokenSet> {
        let change = self.token_rx.next().await?;
        if change.needs_ack {
            self.token_tx.ack(change.id, None, None);
        }
        Some(change.tokens)
    }

    /// Like `next_token_change`, with the change's id: when `needs_ack`, the call that
    /// obtained the tokens waits for `ack_token_change(id, ...)` (the `TokensChanged`
    /// loop of the C# layer).
    pub async fn next_token_change_event(&self) -> Option<TokenChange> {
        self.token_rx.next().await
    }

    /// Turns acknowledgements of token changes on (the C# layer does when
    /// `TokensChanged` gets a handler) or off.
    pub fn set_token_change_acks(&self, enabled: bool) {
        self.token_tx.set_acks(enabled);
    }

    /// Acknowledges token change `id`: saved (`error_message` none), or failed, which
    /// fails the call that obtained the tokens with `TokenStore` (`exception_id`: the
    /// C# exception kept for its `InnerException`).
    pub fn ack_token_change(
        &self,
        id: u64,
        error_message: Option<String>,
        exception_id: Option<u64>,
    ) {
        self.token_tx.ack(id, error_message, exception_id);
    }

    /// Closes the client: later calls fail with `Closed`, pending `next_token_change`
    /// calls return `None`. Idempotent.
    pub fn close(&self) {
        self.inner.write().unwrap_or_else(|p| p.into_inner()).take();
        self.token_tx.close();
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        self.inner
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }
}
