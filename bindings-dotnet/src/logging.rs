//! Core's log records for .NET (`MessengerConnect.Logging` in C#): a `LogListener` sets the
//! process-wide level and receives core's records (retries, `Retry-After` waits, token
//! refreshes, resyncs, reconnects; targets `messenger_connect::{http,auth,sync,events}`)
//! through a bounded queue that `next` drains. Records come from core's
//! `log_bridge::BridgeLayer` (as in Python and Node) and carry no secret. Our C# generator
//! has no callback interfaces, so the C# side pulls (as with token changes).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use messenger_connect::log_bridge::{BridgeLayer, LogRecord, LogSink};
use tracing::{Level, Metadata};
use tracing_subscriber::layer::SubscriberExt;

use crate::errors::{MessengerConnectError, Result};

/// Records kept for a listener that has not read them yet; older ones are dropped first.
pub const MAX_QUEUED_LOG_RECORDS: usize = 1000;

/// A level of core's log records; a listener receives its level and more severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Failures a caller sees.
    Error,
    /// Giving up, long waits, resyncs.
    Warn,
    /// Retries, refreshes, reconnects.
    Info,
    /// Each attempt.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    fn rank(self) -> u8 {
        self as u8
    }

    fn of(level: &Level) -> LogLevel {
        match *level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            Level::TRACE => LogLevel::Trace,
        }
    }
}

/// One of core's log records.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LogEntry {
    /// Its level.
    pub level: LogLevel,
    /// Its target, e.g. `messenger_connect::http`.
    pub target: String,
    /// Its message.
    pub message: String,
    /// Its fields (the event's and its enclosing call's: `method`, `path`, `status`,
    /// `attempt`, `request_id`...) as a JSON object.
    pub fields_json: String,
}

/// The queue of the current listener.
struct Queue {
    records: Mutex<VecDeque<LogEntry>>,
    wake: tokio::sync::Notify,
    closed: AtomicBool,
    dropped: AtomicU64,
}

/// The most verbose level wanted (a `LogLevel` rank; 0: off).
static LEVEL: AtomicU8 = AtomicU8::new(0);
/// The current listener's queue.
static CURRENT: Mutex<Option<Arc<Queue>>> = Mutex::new(None);
/// Whether the subscriber is installed (`Err`: another one was).
static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// The sink of core's log bridge: enabled records go to the current listener's queue.
struct QueueSink;

impl LogSink for QueueSink {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        LogLevel::of(meta.level()).rank() <= LEVEL.load(Ordering::Relaxed)
    }

    fn emit(&self, record: LogRecord) {
        let Some(queue) = CURRENT.lock().ok().and_then(|g| g.clone()) else {
            return;
        };
        let entry = LogEntry {
            level: LogLevel::of(&record.level),
            target: record.target.to_string(),
            fields_json: serde_json::Value::Object(record.fields_json()).to_string(),
            message: record.message,
        };
        if let Ok(mut records) = queue.records.lock() {
            records.push_back(entry);
            if records.len() > MAX_QUEUED_LOG_RECORDS {
                records.pop_front();
                queue.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        queue.wake.notify_one();
    }
}

/// Receives core's log records at a level and more severe, for the whole process; one
/// listener at a time (a new one ends the previous one's `next`). `close` (or a new
/// listener) stops it.
#[derive(uniffi::Object)]
pub struct LogListener {
    queue: Arc<Queue>,
}

impl std::fmt::Debug for LogListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogListener")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl LogListener {
    /// Starts receiving records of `level` and more severe (`Off`: none). Fails with
    /// `Config` if another `tracing` subscriber owns the process.
    #[uniffi::constructor]
    pub fn new(level: LogLevel) -> Result<Arc<LogListener>> {
        INSTALLED
            .get_or_init(|| {
                tracing::subscriber::set_global_default(
                    tracing_subscriber::registry().with(BridgeLayer(QueueSink)),
                )
                .map_err(|e| format!("another tracing subscriber is installed: {e}"))
            })
            .clone()
            .map_err(|message| MessengerConnectError::Config { message })?;
        let queue = Arc::new(Queue {
            records: Mutex::new(VecDeque::new()),
            wake: tokio::sync::Notify::new(),
            closed: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
        });
        let previous = CURRENT
            .lock()
            .map_err(|_| MessengerConnectError::internal("log listener lock poisoned"))?
            .replace(queue.clone());
        if let Some(p) = previous {
            close(&p);
        }
        LEVEL.store(level.rank(), Ordering::Relaxed);
        tracing::callsite::rebuild_interest_cache();
        Ok(Arc::new(LogListener { queue }))
    }

    /// The next record (waiting for one), or `None` once the listener is closed.
    pub async fn next(&self) -> Option<LogEntry> {
        loop {
            if self.queue.closed.load(Ordering::Acquire) {
                return None;
            }
            if let Some(e) = self.queue.records.lock().ok()?.pop_front() {
                return Some(e);
            }
            self.queue.wake.notified().await;
        }
    }

    /// How many records were dropped because the queue was full (the oldest go first).
    pub fn dropped(&self) -> u64 {
        self.queue.dropped.load(Ordering::Relaxed)
    }

    /// Stops receiving: a pending `next` returns `None`; logging is off again unless a
    /// newer listener took over. Idempotent.
    pub fn close(&self) {
        if let Ok(mut current) = CURRENT.lock()
            && current
                .as_ref()
                .is_some_and(|q| Arc::ptr_eq(q, &self.queue))
        {
            current.take();
            LEVEL.store(0, Ordering::Relaxed);
            tracing::callsite::rebuild_interest_cache();
        }
        close(&self.queue);
    }
}

fn close(queue: &Queue) {
    queue.closed.store(true, Ordering::Release);
    queue.wake.notify_one();
}
