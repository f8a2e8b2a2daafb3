//! With the `uniffi` feature: the scaffolding of this crate's uniffi component and the
//! custom types its models cross the FFI with. Timestamps and dates are RFC 3339 /
//! `YYYY-MM-DD` strings, a [`Secret`] is its string (a binding wraps it in its own
//! redacting type), unknown fields (`extra`) and free-form JSON are JSON texts.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::models::Extra;
use crate::models::time::{parse_date, parse_utc};
use crate::secret::Secret;

/// A timestamp (UTC), as an RFC 3339 string.
pub type Timestamp = DateTime<Utc>;

/// Any JSON value, as its text.
pub type JsonValue = serde_json::Value;

uniffi::custom_type!(Timestamp, String, {
    remote,
    lower: |t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    try_lift: |s| Ok(parse_utc(&s)?),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| Ok(parse_date(&s)?),
});

uniffi::custom_type!(Secret, String, {
    lower: |s| s.expose().to_string(),
    try_lift: |s| Ok(Secret::new(s)),
});

uniffi::custom_type!(Extra, String, {
    remote,
    lower: |m| serde_json::Value::Object(m).to_string(),
    try_lift: |s| Ok(serde_json::from_str(&s)?),
});

uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |v| v.to_string(),
    try_lift: |s| Ok(serde_json::from_str(&s)?),
});
