//! The server's clock: real time plus an offset moved by `POST /_mock/clock`.
//!
//! The clock never goes past [`latest`] (the year 9000), so every expiry the server
//! computes from it (at most a year or so ahead) stays representable and prints as an
//! RFC 3339 time with a four-digit year: no input can make time arithmetic overflow.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// A clock that tests can move forward (never back).
#[derive(Debug, Default, Clone)]
pub struct Clock {
    offset_seconds: i64,
}

/// The latest time the clock may show: 9000-01-01T00:00:00Z.
pub fn latest() -> DateTime<Utc> {
    DateTime::from_timestamp(221_845_392_000, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Clock {
    /// The current time as the server sees it.
    pub fn now(&self) -> DateTime<Utc> {
        Duration::try_seconds(self.offset_seconds)
            .and_then(|d| Utc::now().checked_add_signed(d))
            .unwrap_or_else(latest)
            .min(latest())
    }

    /// Moves the clock forward by `seconds` (negative counts as 0). Refuses, leaving the
    /// clock as it was, when the new time would pass [`latest`].
    pub fn advance(&mut self, seconds: i64) -> Result<(), String> {
        let seconds = seconds.max(0);
        let reachable = Duration::try_seconds(seconds)
            .and_then(|d| self.now().checked_add_signed(d))
            .is_some_and(|t| t <= latest());
        if !reachable {
            return Err(format!(
                "the clock cannot move past {}: at most {} more seconds",
                rfc3339(latest()),
                (latest() - self.now()).num_seconds().max(0)
            ));
        }
        self.offset_seconds = self.offset_seconds.saturating_add(seconds);
        Ok(())
    }
}

/// RFC 3339 with a `Z` and whole seconds, the format of every time in the API.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_refuses_times_it_cannot_represent() {
        let mut c = Clock::default();
        assert!(c.advance(3600).is_ok());
        let step = 315_360_000; // ten years, the largest step the control plane accepts
        let mut refused = None;
        for i in 0..2000 {
            if let Err(e) = c.advance(step) {
                refused = Some((i, e));
                break;
            }
        }
        let (steps, message) = refused.expect("the clock stops before overflowing");
        assert!(steps > 600, "{steps}");
        assert!(message.contains("9000-01-01T00:00:00Z"), "{message}");
        let now = c.now();
        assert!(now <= latest());
        assert_eq!(&rfc3339(now)[..2], "89");
        // Expiries a year ahead still work.
        assert!(now.checked_add_signed(Duration::days(400)).is_some());
        assert!(c.advance(i64::MAX).is_err());
        assert!(c.advance(-5).is_ok());
    }
}
