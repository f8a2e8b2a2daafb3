//! Token changes without callbacks: core's token store pushes every new token set into a
//! small broadcast queue, and `Client::next_token_change` / `next_token_change_event`
//! await the next one (the C# layer loops on the latter and raises `TokensChanged`).
//! When nobody reads, the oldest changes are dropped (only the latest tokens matter for
//! persisting them).
//!
//! Acknowledgements: once the C# layer turns them on (`set_token_change_acks`, when
//! `TokensChanged` gets its first handler), the store waits for `ack_token_change` of
//! each change before the call that obtained the tokens goes on, so a handler that
//! throws fails that call with `TokenStore` (core bounds the wait, 30 s by default). The
//! exception itself stays on the C# side, kept under the id the ack names, and becomes
//! the `InnerException` of the `TokenStoreException`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use messenger_connect::{SaveFuture, StoreError, TokenStore};
use tokio::sync::{broadcast, oneshot};

use crate::auth::TokenSet;

/// Changes kept for a slow reader.
const CAPACITY: usize = 16;

/// A new token set, and the id to acknowledge it with.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TokenChange {
    /// Passed to `Client::ack_token_change`.
    pub id: u64,
    /// The new tokens.
    pub tokens: TokenSet,
    /// Whether the store waits for `ack_token_change` (acknowledgements are on).
    pub needs_ack: bool,
}

/// How a change was handled.
enum Ack {
    Saved,
    Failed {
        message: String,
        exception_id: Option<u64>,
    },
}

/// A handler's failure, as core's token store error.
#[derive(Debug)]
pub(crate) struct HandlerFailed {
    message: String,
    /// The C# exception's id (see `UniffiForeignExceptions`).
    pub(crate) exception_id: Option<u64>,
}

impl std::fmt::Display for HandlerFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HandlerFailed {}

struct Shared {
    tx: Mutex<Option<broadcast::Sender<TokenChange>>>,
    acks: AtomicBool,
    next_id: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Ack>>>,
}

/// The sending side, shared with core's token store; closed by `close`.
#[derive(Clone)]
pub(crate) struct TokenSender(Arc<Shared>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl TokenSender {
    /// Publishes a new token set; with acknowledgements on, the receiver of its ack.
    fn send(&self, tokens: &messenger_connect::TokenSet) -> Option<oneshot::Receiver<Ack>> {
        let guard = lock(&self.0.tx);
        let tx = guard.as_ref()?;
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let needs_ack = self.0.acks.load(Ordering::Acquire) && tx.receiver_count() > 0;
        let ack = needs_ack.then(|| {
            let (ack_tx, ack_rx) = oneshot::channel();
            lock(&self.0.pending).insert(id, ack_tx);
            ack_rx
        });
        let _ = tx.send(TokenChange {
            id,
            tokens: TokenSet::from(tokens.clone()),
            needs_ack,
        });
        ack
    }

    /// Turns acknowledgements on or off.
    pub(crate) fn set_acks(&self, enabled: bool) {
        self.0.acks.store(enabled, Ordering::Release);
    }

    /// Acknowledges a change (unknown ids, e.g. already timed out, are ignored).
    pub(crate) fn ack(&self, id: u64, error_message: Option<String>, exception_id: Option<u64>) {
        if let Some(tx) = lock(&self.0.pending).remove(&id) {
            let _ = tx.send(match error_message {
                None => Ack::Saved,
                Some(message) => Ack::Failed {
                    message,
                    exception_id,
                },
            });
        }
    }

    /// Ends the queue: pending and later reads return `None`, pending acks fail.
    pub(crate) fn close(&self) {
        lock(&self.0.tx).take();
        lock(&self.0.pending).clear();
    }

    /// Core's token store feeding this queue.
    pub(crate) fn store(&self) -> Arc<dyn TokenStore> {
        Arc::new(QueueStore(self.clone()))
    }
}

struct QueueStore(TokenSender);

impl TokenStore for QueueStore {
    fn save<'a>(&'a self, tokens: &'a messenger_connect::TokenSet) -> SaveFuture<'a> {
        let ack = self.0.send(tokens);
        Box::pin(async move {
            let Some(ack) = ack else {
                return Ok(());
            };
            match ack.await {
                Ok(Ack::Saved) => Ok(()),
                Ok(Ack::Failed {
                    message,
                    exception_id,
                }) => Err(Box::new(HandlerFailed {
                    message,
                    exception_id,
                }) as StoreError),
                Err(_) => {
                    Err("the client was closed before TokensChanged handled the new tokens".into())
                }
            }
        })
    }
}

/// The reading side.
pub(crate) struct TokenReceiver(tokio::sync::Mutex<broadcast::Receiver<TokenChange>>);

impl TokenReceiver {
    /// The next token change, `None` once closed.
    pub(crate) async fn next(&self) -> Option<TokenChange> {
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
        TokenSender(Arc::new(Shared {
            tx: Mutex::new(Some(tx)),
            acks: AtomicBool::new(false),
            next_id: AtomicU64::new(0),
            pending: Mutex::new(HashMap::new()),
        })),
        TokenReceiver(tokio::sync::Mutex::new(rx)),
    )
}
