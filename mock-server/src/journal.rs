//! The request journal (`GET /_mock/requests`): what clients sent, secrets redacted.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::control::types::JournalFilter;

/// Query and form parameters whose values are secrets and never recorded.
pub const SECRET_PARAMS: &[&str] = &[
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "device_code",
    "user_code",
    "token",
    "csrf_token",
    "assertion",
];

/// The text that replaces a secret.
pub const REDACTED: &str = "[REDACTED]";

/// At most this many entries are kept (oldest dropped first).
pub const CAPACITY: usize = 100_000;

/// A recorded path longer than this many bytes is cut, with a marker saying how much.
pub const MAX_PATH_BYTES: usize = 2048;
/// A recorded query value (or key) longer than this many bytes is cut the same way.
pub const MAX_VALUE_BYTES: usize = 1024;
/// At most this many query parameters are recorded per request.
pub const MAX_PARAMS: usize = 64;
/// What an entry costs beyond its strings (struct, map nodes, allocator).
const ENTRY_OVERHEAD: usize = 256;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Position in the journal: grows by one per request, never reused (not even after
    /// a clear), so `since` a seen `seq` lists what came after.
    #[serde(default)]
    pub seq: u64,
    /// The `request-id` it was answered with.
    pub id: String,
    /// When it arrived (server clock).
    pub time: String,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Query parameters, secrets redacted.
    pub query: BTreeMap<String, String>,
    /// Status answered (0 when the connection was dropped without an answer).
    pub status: u16,
    /// The app, when known (bearer token or client authentication).
    pub client_id: Option<String>,
    /// The user, when known (bearer token).
    pub user_id: Option<String>,
    /// `grant_type` of a token request.
    pub grant_type: Option<String>,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
}

/// The journal itself: at most [`CAPACITY`] entries and `max_bytes` bytes.
#[derive(Debug)]
pub struct Journal {
    entries: VecDeque<(usize, Entry)>,
    bytes: usize,
    max_bytes: usize,
    last_seq: u64,
}

impl Default for Journal {
    fn default() -> Self {
        Journal::new(crate::config::DEFAULT_JOURNAL_MAX_BYTES)
    }
}

impl Entry {
    /// Roughly what the entry occupies in memory.
    fn size(&self) -> usize {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        ENTRY_OVERHEAD
            + self.id.len()
            + self.time.len()
            + self.method.len()
            + self.path.len()
            + self
                .query
                .iter()
                .map(|(k, v)| k.len() + v.len() + 64)
                .sum::<usize>()
            + opt(&self.client_id)
            + opt(&self.user_id)
            + opt(&self.grant_type)
            + opt(&self.idempotency_key)
    }
}

impl Journal {
    /// An empty journal that keeps at most `max_bytes` bytes of entries.
    pub fn new(max_bytes: usize) -> Journal {
        Journal {
            entries: VecDeque::new(),
            bytes: 0,
            max_bytes,
            last_seq: 0,
        }
    }

    /// The byte budget.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Bytes the kept entries occupy (an estimate of their memory).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Number of kept entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Records a request, giving it the next `seq`, and drops the oldest entries beyond
    /// the count or byte budget.
    pub fn push(&mut self, mut entry: Entry) {
        self.last_seq += 1;
        entry.seq = self.last_seq;
        entry.path = truncate(&entry.path, MAX_PATH_BYTES);
        if let Some(key) = entry.idempotency_key.take() {
            entry.idempotency_key = Some(truncate(&key, MAX_VALUE_BYTES));
        }
        let size = entry.size();
        self.bytes += size;
        self.entries.push_back((size, entry));
        while self.entries.len() > CAPACITY
            || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            match self.entries.pop_front() {
                Some((s, _)) => self.bytes = self.bytes.saturating_sub(s),
                None => break,
            }
        }
    }

    /// The entries that pass `filter`, oldest first.
    pub fn find(&self, filter: &JournalFilter) -> Vec<Entry> {
        self.entries
            .iter()
            .map(|(_, e)| e)
            .filter(|e| filter.matches(e))
            .cloned()
            .collect()
    }

    /// The `seq` of the last entry recorded (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// `s` cut to at most `max` bytes (at a character boundary) with a marker naming how
/// many bytes were left out.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…[truncated {} bytes]", &s[..cut], s.len() - cut)
}

/// Parameters as recorded: secret values replaced by [`REDACTED`], long keys and values
/// truncated, at most [`MAX_PARAMS`] of them (then `"…"` says how many were left out).
pub fn redact(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = pairs
        .iter()
        .take(MAX_PARAMS)
        .map(|(k, v)| {
            let secret = SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(k));
            (
                truncate(k, MAX_VALUE_BYTES),
                if secret {
                    REDACTED.to_string()
                } else {
                    truncate(v, MAX_VALUE_BYTES)
                },
            )
        })
        .collect();
    if pairs.len() > MAX_PARAMS {
        out.insert(
            "…".to_string(),
            format!("{} more parameters not recorded", pairs.len() - MAX_PARAMS),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, query: &[(String, String)]) -> Entry {
        Entry {
            seq: 0,
            id: "r".into(),
            time: "t".into(),
            method: "GET".into(),
            path: path.into(),
            query: redact(query),
            status: 200,
            client_id: None,
            user_id: None,
            grant_type: None,
            idempotency_key: None,
        }
    }

    #[test]
    fn long_paths_and_values_are_cut_and_the_byte_budget_holds() {
        let long = "a".repeat(60_000);
        let mut j = Journal::new(1024 * 1024);
        for _ in 0..1000 {
            j.push(entry(
                &format!("/v1/{long}"),
                &[("$filter".into(), long.clone())],
            ));
        }
        assert!(j.bytes() <= 1024 * 1024, "{}", j.bytes());
        assert!(j.len() > 100 && j.len() < 1000, "{}", j.len());
        // Entries dropped for the budget keep their numbers: `seq` still counts every request.
        let kept = j.find(&JournalFilter::default());
        assert_eq!(j.last_seq(), 1000);
        assert_eq!(kept.last().map(|e| e.seq), Some(1000));
        assert_eq!(kept[0].seq, 1001 - kept.len() as u64);
        let since = kept[kept.len() - 2].seq;
        assert_eq!(j.find(&JournalFilter::default().since(since)).len(), 1);
        let e = &kept[0];
        assert!(
            e.path.len() < 2100 && e.path.ends_with("[truncated 57956 bytes]"),
            "{}",
            &e.path[2000..]
        );
        assert!(e.query["$filter"].ends_with("[truncated 58976 bytes]"));
        let many: Vec<(String, String)> = (0..100).map(|i| (format!("p{i}"), "v".into())).collect();
        let q = redact(&many);
        assert_eq!(q.len(), MAX_PARAMS + 1);
        assert_eq!(q["…"], "36 more parameters not recorded");
        assert_eq!(truncate("ééé", 3), "é…[truncated 4 bytes]");
        j.clear();
        assert_eq!((j.len(), j.bytes()), (0, 0));
    }
}
