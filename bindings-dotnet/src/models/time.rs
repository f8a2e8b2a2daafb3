//! Timestamps: chrono's UTC times as `SystemTime` and back.

use std::time::SystemTime;

use chrono::{DateTime, Utc};

/// A UTC time as a `SystemTime`.
pub(crate) fn to_system_time(t: DateTime<Utc>) -> SystemTime {
    SystemTime::from(t)
}

/// A `SystemTime` as a UTC time.
pub(crate) fn from_system_time(t: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(t)
}

/// An optional UTC time as an optional `SystemTime`.
pub(crate) fn opt(t: Option<DateTime<Utc>>) -> Option<SystemTime> {
    t.map(to_system_time)
}
