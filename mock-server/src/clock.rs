//! The server's clock: real time plus an offset moved by `POST /_mock/clock`.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// A clock that tests can move forward (never back).
#[derive(Debug, Default, Clone)]
pub struct Clock {
    offset_seconds: i64,
}

impl Clock {
    /// The current time as the server sees it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_seconds)
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, seconds: i64) {
        self.offset_seconds = self.offset_seconds.saturating_add(seconds.max(0));
    }
}

/// RFC 3339 with a `Z` and whole seconds, the format of every time in the API.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
