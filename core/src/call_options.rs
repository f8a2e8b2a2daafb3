//! `CallOptions`: what a view of a client ([`Client::with_options`]) changes for the calls
//! made through it — timeouts, the retry policy, and a cancellation token — while it keeps
//! the client's connection pool, configuration and tokens.

use std::time::Duration;

pub use tokio_util::sync::CancellationToken;

use crate::client::Client;
use crate::error::Error;
use crate::retry::RetryPolicy;

/// Per-call options; each field left `None` keeps what the client has.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// Timeout of one attempt.
    pub request_timeout: Option<Duration>,
    /// Timeout of a call with its retries.
    pub total_timeout: Option<Duration>,
    /// Retry policy (attempts, backoff, `Retry-After` cap).
    pub retry: Option<RetryPolicy>,
    /// Once cancelled, pending calls end with a `Network` error ("the call was cancelled")
    /// and later calls fail the same way without sending anything. In Rust, dropping the
    /// call's future does the same; the token is for bindings whose callers cannot drop it.
    pub cancel: Option<CancellationToken>,
}

impl CallOptions {
    /// Refuses a zero timeout and a policy of zero attempts.
    pub(crate) fn check(&self) -> crate::error::Result<()> {
        for (name, timeout) in [
            ("requestTimeout", self.request_timeout),
            ("totalTimeout", self.total_timeout),
        ] {
            if timeout == Some(Duration::ZERO) {
                return Err(Error::invalid(
                    name,
                    "must be more than zero (a view cannot lift the client's limit)",
                ));
            }
        }
        self.retry.as_ref().map_or(Ok(()), RetryPolicy::check)
    }

    /// These options over `base`: each field set here wins.
    pub(crate) fn over(self, base: &CallOptions) -> CallOptions {
        CallOptions {
            request_timeout: self.request_timeout.or(base.request_timeout),
            total_timeout: self.total_timeout.or(base.total_timeout),
            retry: self.retry.or_else(|| base.retry.clone()),
            cancel: self.cancel.or_else(|| base.cancel.clone()),
        }
    }
}

/// The error of a cancelled call.
pub(crate) fn cancelled() -> Error {
    Error::Network {
        message: "the call was cancelled".to_string(),
        timeout: false,
    }
}

impl Client {
    /// The retry policy of calls made through this client.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.call.retry.as_ref().unwrap_or(&self.shared.retry)
    }

    /// The timeout of one attempt.
    pub(crate) fn request_timeout(&self) -> Option<Duration> {
        self.call.request_timeout.or(self.shared.request_timeout)
    }

    /// The timeout of a call with its retries.
    pub(crate) fn total_timeout(&self) -> Option<Duration> {
        self.call.total_timeout.or(self.shared.total_timeout)
    }

    /// Runs `call` unless (or until) this view's cancellation token is cancelled.
    pub(crate) async fn cancellable<T>(
        &self,
        call: impl Future<Output = crate::error::Result<T>>,
    ) -> crate::error::Result<T> {
        match &self.call.cancel {
            None => call.await,
            Some(token) => token
                .run_until_cancelled(call)
                .await
                .unwrap_or_else(|| Err(cancelled())),
        }
    }
}
