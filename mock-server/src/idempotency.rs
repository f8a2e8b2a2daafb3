//! Remembered responses to `Idempotency-Key`s: a store bounded by expiry (24 hours by the
//! server clock), by count and by bytes.
//!
//! Records are kept in insertion order, which is also expiry order (one TTL, a clock that
//! never goes back), so purging what expired pops from the front: every request purges
//! a few, a clock jump and the periodic sweep purge all. When the store is over its count
//! or byte budget, the oldest records go first.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};

use crate::state::IdempotentResponse;

/// At most this many records are kept.
pub const MAX_RECORDS: usize = 100_000;
/// At most this many bytes of remembered bodies and headers are kept.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Expired records purged by each request (the sweep purges the rest).
const PURGE_PER_REQUEST: usize = 64;

/// The store.
#[derive(Debug, Default)]
pub struct Store {
    records: HashMap<String, IdempotentResponse>,
    order: VecDeque<(DateTime<Utc>, String)>,
    bytes: usize,
}

fn size(slot: &str, r: &IdempotentResponse) -> usize {
    slot.len()
        + r.body.len()
        + r.headers
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum::<usize>()
        + 128
}

impl Store {
    /// The live record of a slot (`None` when absent or expired).
    pub fn get(&self, slot: &str, now: DateTime<Utc>) -> Option<&IdempotentResponse> {
        self.records.get(slot).filter(|r| r.expires > now)
    }

    /// Remembers a response, replacing an older record of the slot, then enforces the
    /// count and byte budgets.
    pub fn insert(&mut self, slot: String, record: IdempotentResponse) {
        self.remove(&slot);
        self.bytes += size(&slot, &record);
        self.order.push_back((record.expires, slot.clone()));
        self.records.insert(slot, record);
        while self.records.len() > MAX_RECORDS || self.bytes > MAX_BYTES {
            let Some((_, oldest)) = self.order.pop_front() else {
                break;
            };
            self.remove(&oldest);
        }
    }

    fn remove(&mut self, slot: &str) {
        if let Some(r) = self.records.remove(slot) {
            self.bytes = self.bytes.saturating_sub(size(slot, &r));
        }
    }

    /// Drops records that expired by `now`: at most `limit` of them (`None`: all).
    pub fn purge(&mut self, now: DateTime<Utc>, limit: Option<usize>) {
        let mut budget = limit.unwrap_or(usize::MAX);
        while budget > 0 {
            match self.order.front() {
                Some((expires, _)) if *expires <= now => {}
                _ => break,
            }
            budget -= 1;
            if let Some((expires, slot)) = self.order.pop_front() {
                // A slot stored again later has a newer entry further back: keep it.
                if self
                    .records
                    .get(&slot)
                    .is_some_and(|r| r.expires == expires)
                {
                    self.remove(&slot);
                }
            }
        }
        // Entries of replaced records linger in `order` until they reach the front; they
        // are bounded by the number of inserts since, so compact when they dominate.
        if self.order.len() > 2 * self.records.len() + 1024 {
            let records = &self.records;
            self.order
                .retain(|(e, s)| records.get(s).is_some_and(|r| r.expires == *e));
        }
    }

    /// The few expired records a request purges on its way.
    pub fn purge_some(&mut self, now: DateTime<Utc>) {
        self.purge(now, Some(PURGE_PER_REQUEST));
    }

    /// Number of records kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Bytes of the records kept (bodies, headers, keys and a fixed overhead each).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn record(expires: DateTime<Utc>, body: &str) -> IdempotentResponse {
        IdempotentResponse {
            fingerprint: [0; 32],
            status: 201,
            headers: vec![("content-type".into(), "application/json".into())],
            body: axum::body::Bytes::from(body.to_string()),
            expires,
        }
    }

    #[test]
    fn expired_records_are_purged_and_budgets_hold() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut s = Store::default();
        for i in 0..1000 {
            s.insert(format!("k{i}"), record(t0 + Duration::hours(24), "{}"));
        }
        assert_eq!(s.len(), 1000);
        assert!(s.get("k1", t0).is_some());
        assert!(s.get("k1", t0 + Duration::hours(25)).is_none());
        s.purge_some(t0 + Duration::hours(25));
        assert_eq!(s.len(), 1000 - PURGE_PER_REQUEST);
        s.purge(t0 + Duration::hours(25), None);
        assert_eq!(s.len(), 0);
        assert_eq!(s.bytes(), 0);
        // Re-storing a slot keeps only its newest record.
        s.insert("a".into(), record(t0 + Duration::hours(1), "1"));
        s.insert("a".into(), record(t0 + Duration::hours(2), "2"));
        s.purge(t0 + Duration::minutes(90), None);
        assert_eq!(s.get("a", t0).map(|r| r.body.clone()), Some("2".into()));
        // The byte budget evicts the oldest.
        let big = "x".repeat(MAX_BYTES / 4);
        for i in 0..6 {
            s.insert(format!("big{i}"), record(t0 + Duration::hours(3), &big));
        }
        assert!(s.bytes() <= MAX_BYTES);
        assert!(s.get("big0", t0).is_none());
        assert!(s.get("big5", t0).is_some());
    }
}
