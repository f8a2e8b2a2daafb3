//! Live events (DESIGN §2.5): a per-user sequence of `{seq, type, data}` frames, kept in a
//! bounded log for replay, and pushed to the user's open WebSocket connections.
//!
//! Everything here runs under the world lock, so a subscription reads its replay and
//! registers for live frames atomically: no event is lost or repeated in between.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::state::World;

/// The log keeps at most this many events per user (DESIGN §2.7).
pub const LOG_CAPACITY: usize = 1000;

/// The log keeps events this long, by the server clock (DESIGN §2.7).
pub const LOG_RETENTION_HOURS: i64 = 24;

/// A frame on its way to one live socket.
pub type Outbox = mpsc::UnboundedSender<Value>;

/// One user's event log and live sockets.
#[derive(Debug, Default)]
pub struct EventLog {
    /// The last sequence number handed out.
    pub seq: u64,
    /// Recent events, oldest first: (seq, time, frame).
    pub recent: VecDeque<(u64, DateTime<Utc>, Value)>,
    /// Every event with a sequence number ≤ this has been pruned from the log.
    pub floor: u64,
    /// The user's open sockets; closed ones are dropped on the next send.
    pub subscribers: Vec<Outbox>,
}

impl EventLog {
    /// Drops events beyond the capacity or older than the retention.
    pub fn prune(&mut self, now: DateTime<Utc>) {
        let oldest = now - Duration::hours(LOG_RETENTION_HOURS);
        while let Some((seq, at, _)) = self.recent.front() {
            if self.recent.len() <= LOG_CAPACITY && *at > oldest {
                break;
            }
            self.floor = *seq;
            self.recent.pop_front();
        }
    }

    /// Events with a sequence number above `since`, oldest first; `None` when some of
    /// them were pruned (the reader must resync).
    pub fn after(&self, since: u64) -> Option<Vec<Value>> {
        if since < self.floor {
            return None;
        }
        Some(
            self.recent
                .iter()
                .filter(|(seq, _, _)| *seq > since)
                .map(|(_, _, frame)| frame.clone())
                .collect(),
        )
    }

    /// Sends a frame to every live socket, forgetting the closed ones.
    fn deliver(&mut self, frame: &Value) {
        self.subscribers.retain(|tx| tx.send(frame.clone()).is_ok());
    }
}

/// Records an event for `user_id` and pushes it to the user's live sockets.
/// `kind` is one of `message.created`, `presence.changed`, `status.changed`,
/// `activity.created`, `contact.changed`.
pub fn publish(world: &mut World, user_id: &str, kind: &str, data: Value) {
    record(world, user_id, kind, data);
}

/// [`publish`], returning the frame it recorded.
pub fn record(world: &mut World, user_id: &str, kind: &str, data: Value) -> Value {
    let now = world.now();
    let log = world.events.entry(user_id.to_string()).or_default();
    log.seq += 1;
    let frame = json!({ "seq": log.seq, "type": kind, "data": data });
    log.recent.push_back((log.seq, now, frame.clone()));
    log.prune(now);
    log.deliver(&frame);
    frame
}

/// Opens a live stream for `user_id`. With `since`, the stream starts with the events
/// after it (or with a `resync` frame when the log no longer reaches back that far);
/// live events follow, with no gap and no duplicate. `since` beyond the last sequence
/// number is 400.
pub fn subscribe(
    world: &mut World,
    user_id: &str,
    since: Option<u64>,
) -> Result<mpsc::UnboundedReceiver<Value>, ApiError> {
    let now = world.now();
    let log = world.events.entry(user_id.to_string()).or_default();
    log.prune(now);
    if let Some(since) = since
        && since > log.seq
    {
        return Err(ApiError::validation(
            "since",
            format!(
                "'since' ({since}) is beyond the last event's sequence number ({})",
                log.seq
            ),
        ));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    if let Some(since) = since {
        match log.after(since) {
            Some(frames) => {
                for frame in frames {
                    let _ = tx.send(frame);
                }
            }
            None => {
                let _ = tx.send(json!({ "seq": log.seq, "type": "resync" }));
            }
        }
    }
    log.subscribers.retain(|s| !s.is_closed());
    log.subscribers.push(tx);
    Ok(rx)
}

/// Sends a frame that is not logged (e.g. `typing`) to a user's live sockets.
pub fn notify(world: &mut World, user_id: &str, frame: &Value) {
    if let Some(log) = world.events.get_mut(user_id) {
        log.deliver(frame);
    }
}

/// What the log holds for a user: the events after `since` (all kept ones when 0), the
/// last sequence number, and whether events after `since` were pruned.
pub fn inspect(world: &mut World, user_id: &str, since: u64) -> (Vec<Value>, u64, bool) {
    let now = world.now();
    let Some(log) = world.events.get_mut(user_id) else {
        return (Vec::new(), 0, false);
    };
    log.prune(now);
    match log.after(since) {
        Some(frames) => (frames, log.seq, false),
        None => (
            log.recent.iter().map(|(_, _, f)| f.clone()).collect(),
            log.seq,
            true,
        ),
    }
}
