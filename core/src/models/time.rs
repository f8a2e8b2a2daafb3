//! Decoding of the API's timestamps and dates. The server writes
//! `YYYY-MM-DDTHH:MM:SS[.fraction]Z` and `YYYY-MM-DD`; those are read digit by digit
//! (chrono's general RFC 3339 parser took ~7 % of a contacts sync's CPU). Any other form
//! goes to chrono's parser, so what is accepted, and the error for what is not, is
//! exactly what `DateTime<Utc>`'s and `NaiveDate`'s own `Deserialize` give.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::Deserializer;
use serde::de::{Error, Visitor};

/// A timestamp in UTC.
pub(crate) fn parse_utc(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match fast_utc(s.as_bytes()) {
        Some(at) => Ok(at),
        None => s
            .parse::<DateTime<FixedOffset>>()
            .map(|at| at.with_timezone(&Utc)),
    }
}

/// A calendar date.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    let b = s.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
        && let Some(day) = NaiveDate::from_ymd_opt(y as i32, m, d)
    {
        return Ok(day);
    }
    s.parse::<NaiveDate>()
}

/// The value of ASCII digits (`None` if any byte is not one).
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|+00:00)`, or `None` for anything else (which
/// chrono then parses or refuses).
fn fast_utc(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )?;
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if second > 59 {
        return None; // a leap second: chrono's rules
    }
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&fraction[..n])? * 10u32.pow(9 - n as u32);
        rest = &fraction[n..];
    }
    if rest != b"Z" && rest != b"+00:00" {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some(day.and_time(time).and_utc())
}

/// `deserialize_with` for an `Option<DateTime<Utc>>` field (`null` is `None`).
pub(crate) fn opt_utc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_option(OptionOf(parse_utc, "an RFC 3339 timestamp"))
}

/// `deserialize_with` for an `Option<NaiveDate>` field (`null` is `None`).
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(OptionOf(parse_date, "a date (YYYY-MM-DD)"))
}

/// An optional timestamp, for fields decoded by `deserialize_with_extra!` (`via OptUtc`).
pub(crate) struct OptUtc(pub Option<DateTime<Utc>>);

impl<'de> serde::Deserialize<'de> for OptUtc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OptUtc, D::Error> {
        opt_utc(d).map(OptUtc)
    }
}

impl From<OptUtc> for Option<DateTime<Utc>> {
    fn from(v: OptUtc) -> Self {
        v.0
    }
}

/// An optional date, for fields decoded by `deserialize_with_extra!` (`via OptDate`).
pub(crate) struct OptDate(pub Option<NaiveDate>);

impl<'de> serde::Deserialize<'de> for OptDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OptDate, D::Error> {
        opt_date(d).map(OptDate)
    }
}

impl From<OptDate> for Option<NaiveDate> {
    fn from(v: OptDate) -> Self {
        v.0
    }
}

/// `null` or a string read by the parser.
struct OptionOf<T>(fn(&str) -> Result<T, chrono::ParseError>, &'static str);

impl<'de, T> Visitor<'de> for OptionOf<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or null", self.1)
    }

    fn visit_none<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_str(self)
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<Option<T>, E> {
        (self.0)(s).map(Some).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` gives (the behaviour to keep).
    fn chrono_utc(s: &str) -> Option<DateTime<Utc>> {
        serde_json::from_value::<DateTime<Utc>>(serde_json::Value::from(s)).ok()
    }

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        let cases = [
            "2025-02-24T05:50:23Z",
            "2025-02-24T05:50:23.5Z",
            "2025-02-24T05:50:23.123456789Z",
            "2025-02-24T05:50:23.1234567891Z",
            "2025-02-24T05:50:23+00:00",
            "2025-02-24T05:50:23.25+00:00",
            "2025-02-24T05:50:23+02:00",
            "2025-02-24T05:50:23-07:30",
            "2025-02-24t05:50:23z",
            "2025-02-24 05:50:23Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-12-31T24:00:00Z",
            "2025-12-31T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2025-02-24T05:50:23",
            "2025-02-24T05:50:23.Z",
            "2025-02-24T05:50:23ZZ",
            "2025-02-2405:50:23Z",
            "2025-0a-24T05:50:23Z",
            "+2025-02-24T05:50:23Z",
            "",
            "now",
        ];
        for s in cases {
            assert_eq!(parse_utc(s).ok(), chrono_utc(s), "{s:?}");
        }
        assert_eq!(
            parse_utc("2025-02-24T05:50:23.5Z").unwrap().to_rfc3339(),
            "2025-02-24T05:50:23.500+00:00"
        );
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        for s in [
            "1972-09-04",
            "2024-02-29",
            "2023-02-29",
            "1972-9-4",
            "1972-09-04T00:00:00Z",
            "19720904",
            "+1972-09-04",
            "",
        ] {
            let ours = parse_date(s).ok();
            let chrono = serde_json::from_value::<NaiveDate>(serde_json::Value::from(s)).ok();
            assert_eq!(ours, chrono, "{s:?}");
        }
    }

    #[test]
    fn null_and_errors() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "opt_utc")]
            at: Option<DateTime<Utc>>,
        }
        let t: T = serde_json::from_str(r#"{"at":null}"#).unwrap();
        assert_eq!(t.at, None);
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(t.at, None);
        let err = serde_json::from_str::<T>(r#"{"at":"yesterday"}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("input"), "{err}");
        let err = serde_json::from_str::<T>(r#"{"at":5}"#).err().unwrap();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }
}
