//! Retry policy: exponential backoff with full jitter, `Retry-After`, bounded attempts
//! and total time.

use std::time::Duration;

use rand::Rng;

use crate::error::{Error, Result};

/// When and how often a failed request is tried again.
///
/// Retried: connection failures, a body cut short or not JSON (idempotent requests only),
/// and statuses 429, 502, 503 and 504. GET, PUT, PATCH and DELETE are idempotent; a POST
/// is retried only with an `Idempotency-Key`, which the client adds to every resource POST
/// (one key per logical call, reused by its retries). OAuth endpoint POSTs are retried
/// only when the connection could not be opened.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff cap of the first retry; doubled for each following one.
    pub initial_backoff: Duration,
    /// Largest backoff between two attempts.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry): a uniformly random
    /// duration up to `min(max_backoff, initial_backoff × 2^(retry-1))` ("full jitter").
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
    }
}

/// Changes to a retry policy, as a view's or a binding's options give them: each field
/// given replaces the base policy's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryChanges {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: Option<u32>,
    /// Backoff cap of the first retry.
    pub initial_backoff: Option<Duration>,
    /// Largest backoff between two attempts.
    pub max_backoff: Option<Duration>,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Option<Duration>,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Option<Duration>,
}

impl RetryChanges {
    /// These changes over `base`; `None` when no field is given. Zero attempts is an
    /// [`Error::InvalidArgument`] naming `maxAttempts`.
    pub fn over(&self, base: &RetryPolicy) -> Result<Option<RetryPolicy>> {
        if *self == RetryChanges::default() {
            return Ok(None);
        }
        let policy = RetryPolicy {
            max_attempts: self.max_attempts.unwrap_or(base.max_attempts),
            initial_backoff: self.initial_backoff.unwrap_or(base.initial_backoff),
            max_backoff: self.max_backoff.unwrap_or(base.max_backoff),
            max_elapsed: self.max_elapsed.unwrap_or(base.max_elapsed),
            max_retry_after: self.max_retry_after.unwrap_or(base.max_retry_after),
        };
        policy.check()?;
        Ok(Some(policy))
    }
}

impl RetryPolicy {
    /// Refuses a policy that would never try at all (zero attempts).
    pub(crate) fn check(&self) -> Result<()> {
        if self.max_attempts == 0 {
            return Err(Error::invalid("maxAttempts", "must be at least 1"));
        }
        Ok(())
    }
}

/// Statuses worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// A random id for `Idempotency-Key`, formatted like a version-4 UUID.
pub(crate) fn idempotency_key() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!(
        "{}-{}-4{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        8 + (v % 4),
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_documented_caps() {
        // The default policy's caps, written out: 200 ms doubled per retry up to 10 s.
        const CAPS_MS: [u64; 8] = [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000];
        let p = RetryPolicy::default();
        for (i, cap) in CAPS_MS.iter().enumerate() {
            let retry = i as u32 + 1;
            let cap = Duration::from_millis(*cap);
            let waits: Vec<Duration> = (0..200).map(|_| p.backoff(retry)).collect();
            assert!(waits.iter().all(|w| *w <= cap), "retry {retry}: {waits:?}");
            // Full jitter: spread over the whole range, not stuck at 0 or at the cap.
            assert!(
                waits.iter().any(|w| *w < cap / 4),
                "retry {retry}: none short"
            );
            assert!(
                waits.iter().any(|w| *w > cap * 3 / 4),
                "retry {retry}: none long"
            );
        }
        for retry in [9, 31, 40, u32::MAX] {
            assert!(p.backoff(retry) <= Duration::from_secs(10), "retry {retry}");
        }
        let none = RetryPolicy {
            initial_backoff: Duration::ZERO,
            ..RetryPolicy::default()
        };
        assert_eq!(none.backoff(3), Duration::ZERO);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn idempotency_keys_look_like_uuids_and_differ() {
        let a = idempotency_key();
        let b = idempotency_key();
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_ne!(a, b);
    }
}
