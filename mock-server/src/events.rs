//! Live events (DESIGN §2.5): a per-user sequence of `{seq, type, data}` frames, kept in a
//! bounded log for replay, and pushed to the user's open WebSocket connections.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::state::World;

/// One user's event log.
#[derive(Debug, Default)]
pub struct EventLog {
    /// The last sequence number handed out.
    pub seq: u64,
    /// Recent events, oldest first: (seq, time, frame).
    pub recent: VecDeque<(u64, DateTime<Utc>, Value)>,
}

/// Records an event for `user_id` (and, later, pushes it to the user's live sockets).
/// `kind` is one of `message.created`, `presence.changed`, `status.changed`,
/// `activity.created`, `contact.changed`.
pub fn publish(world: &mut World, user_id: &str, kind: &str, data: Value) {
    let now = world.now();
    let log = world.events.entry(user_id.to_string()).or_default();
    log.seq += 1;
    let frame = json!({ "seq": log.seq, "type": kind, "data": data });
    log.recent.push_back((log.seq, now, frame));
}
