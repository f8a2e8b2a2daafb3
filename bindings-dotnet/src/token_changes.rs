//! Token changes without callbacks: core's token store pushes every new token set into a
//! small broadcast queue, and `Client::next_token_change` awaits the next one (the C#
//! layer loops on it and raises an event). When nobody reads, the oldest changes are
//! dropped (only the latest tokens matter for persisting them).

use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::auth::TokenSet;

/// Changes kept for a slow reader.
const CAPACITY: usize = 16;

/// The sending side, shared with core's token store; `None` once closed.
#[derive(Clone)]
pub(crate) struct TokenSender(Arc<Mutex<Option<broadcast::Sender<TokenSet>>>>);

impl TokenSender {
    /// Publishes a new token set (nothing once closed).
    pub(crate) fn send(&self, tokens: &messenger_connect::TokenSet) {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = guard.as_ref() {
            let _ = tx.send(TokenSet::from(tokens.clone()));
        }
    }

    /// Ends the queue: pending and later reads return `None`.
    pub(crate) fn close(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
}

/// The reading side.
pub(crate) struct TokenReceiver(tokio::sync::Mutex<broadcast::Receiver<TokenSet>>);

impl TokenReceiver {
    /// The next token change, `None` once closed.
    pub(crate) async fn next(&self) -> Option<TokenSet> {
        let mut rx = self.0.lock().await;
        loop {
            match rx.recv().await {
                Ok(t) => return Some(t),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// A new queue.
pub(crate) fn channel() -> (TokenSender, TokenReceiver) {
    let (tx, rx) = broadcast::channel(CAPACITY);
    (
        TokenSender(Arc::new(Mutex::new(Some(tx)))),
        TokenReceiver(tokio::sync::Mutex::new(rx)),
    )
}
