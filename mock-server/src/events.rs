//! Live events (DESIGN §2.5): a per-user sequence of `{seq, type, data}` frames, kept in a
//! bounded log for replay, and pushed to the user's open WebSocket connections.
//!
//! Everything here runs under the world lock, so a subscription reads its replay and
//! registers for live frames atomically: no event is lost or repeated in between.
//!
//! Each socket's outbound queue is bounded ([`QUEUE_FRAMES`] frames, [`QUEUE_BYTES`]
//! bytes). A socket whose reader falls that far behind (a slow or stalled consumer) is
//! dropped from delivery; its task then sends what was queued, one `resync` frame and
//! closes (DESIGN §2.5: the reader reconnects with `since` and replays from the log, or
//! resyncs), so one stalled reader never holds more than that much memory.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::extract::ws::Utf8Bytes;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::state::World;

/// The log keeps at most this many events per user (DESIGN §2.7).
pub const LOG_CAPACITY: usize = 1000;

/// The log keeps events this long, by the server clock (DESIGN §2.7).
pub const LOG_RETENTION_HOURS: i64 = 24;

/// Frames a socket may have waiting before it counts as a slow consumer.
pub const QUEUE_FRAMES: usize = 256;
/// Bytes a socket may have waiting before it counts as a slow consumer.
pub const QUEUE_BYTES: usize = 1024 * 1024;

/// What the delivering side and the socket's task share about one queue.
#[derive(Debug, Default)]
struct QueueState {
    bytes: AtomicUsize,
    overflowed: AtomicBool,
}

/// The delivering end of one live socket's bounded queue.
#[derive(Debug)]
pub struct Outbox {
    tx: mpsc::Sender<Utf8Bytes>,
    state: Arc<QueueState>,
}

impl Outbox {
    /// Queues a frame; false when the socket is gone or has fallen too far behind (then
    /// it is marked overflowed and must be forgotten).
    fn offer(&self, frame: &Utf8Bytes) -> bool {
        if self.tx.is_closed() {
            return false;
        }
        let len = frame.len();
        if self.state.bytes.load(Ordering::Acquire) + len > QUEUE_BYTES {
            self.state.overflowed.store(true, Ordering::Release);
            return false;
        }
        match self.tx.try_send(frame.clone()) {
            Ok(()) => {
                self.state.bytes.fetch_add(len, Ordering::AcqRel);
                true
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.state.overflowed.store(true, Ordering::Release);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// The socket's end: the frames to replay first, then the live ones.
#[derive(Debug)]
pub struct Inbox {
    /// Frames logged after `since` (or one `resync` frame), to send before live ones.
    pub replay: Vec<Value>,
    rx: mpsc::Receiver<Utf8Bytes>,
    state: Arc<QueueState>,
}

impl Inbox {
    /// The next live frame; `None` once delivery stopped (a reset, or an overflow: see
    /// [`Inbox::overflowed`]).
    pub async fn recv(&mut self) -> Option<Utf8Bytes> {
        let frame = self.rx.recv().await?;
        self.state.bytes.fetch_sub(frame.len(), Ordering::AcqRel);
        Some(frame)
    }

    /// True when delivery stopped because this socket fell too far behind.
    pub fn overflowed(&self) -> bool {
        self.state.overflowed.load(Ordering::Acquire)
    }
}

fn channel() -> (Outbox, mpsc::Receiver<Utf8Bytes>, Arc<QueueState>) {
    let (tx, rx) = mpsc::channel(QUEUE_FRAMES);
    let state = Arc::new(QueueState::default());
    (
        Outbox {
            tx,
            state: state.clone(),
        },
        rx,
        state,
    )
}

/// The `resync` frame telling a reader to start over from `seq`.
pub fn resync_frame(seq: u64) -> Value {
    json!({ "seq": seq, "type": "resync" })
}

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

    /// Sends a frame to every live socket (serialised once), forgetting the closed ones
    /// and the ones that fell too far behind.
    fn deliver(&mut self, frame: &Value) {
        if self.subscribers.is_empty() {
            return;
        }
        let text = Utf8Bytes::from(frame.to_string());
        self.subscribers.retain(|out| out.offer(&text));
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
pub fn subscribe(world: &mut World, user_id: &str, since: Option<u64>) -> Result<Inbox, ApiError> {
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
    let replay = match since {
        None => Vec::new(),
        Some(since) => log
            .after(since)
            .unwrap_or_else(|| vec![resync_frame(log.seq)]),
    };
    let (out, rx, state) = channel();
    log.subscribers.retain(|s| !s.tx.is_closed());
    log.subscribers.push(out);
    Ok(Inbox { replay, rx, state })
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
