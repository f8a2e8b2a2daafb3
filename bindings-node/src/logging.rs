//! Core's `tracing` events (targets `messenger_connect::{http,auth,sync,events}`) → a JS
//! handler set by `setLogger` in `index.js`. Each enabled event crosses as JSON text
//! `{level, target, message, fields}` (`fields`: the event's own and those of its enclosing
//! spans, e.g. the call's method and path). Events carry no secret (core's guarantee).
//!
//! One process-wide subscriber, installed by the first `setLogHandler`; the level is an
//! atomic read per callsite (`Interest::sometimes`), so a disabled logger costs a load and
//! a compare. The handler is a weak threadsafe function: it never keeps Node alive, and
//! events are queued to the JS thread without blocking the Rust one. The records come from
//! core's `log_bridge::BridgeLayer` (the same layer as in Python).

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock};

use messenger_connect::log_bridge::{BridgeLayer, LogRecord, LogSink};
use napi::Status;
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi_derive::napi;
use serde_json::json;
use tracing::{Level, Metadata};
use tracing_subscriber::layer::SubscriberExt;

use crate::error::{invalid, to_js};

/// Receives each record as JSON text; never waited for.
type LogCallback = ThreadsafeFunction<String, UnknownReturnValue, String, Status, false, true>;

/// The most verbose level forwarded: 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static LEVEL: AtomicU8 = AtomicU8::new(0);
/// The JS handler, while one is set.
static HANDLER: Mutex<Option<LogCallback>> = Mutex::new(None);
/// Whether the subscriber is installed (`Err`: another one was, the message says so).
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];

fn rank(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

/// The sink of core's log bridge that forwards enabled events to the JS handler.
struct JsLogging;

impl LogSink for JsLogging {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        rank(meta.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn emit(&self, record: LogRecord) {
        let fields = record.fields_json();
        let record = json!({
            "level": LEVELS[usize::from(rank(&record.level))],
            "target": record.target,
            "message": record.message,
            "fields": fields,
        });
        if let Ok(guard) = HANDLER.lock()
            && let Some(handler) = guard.as_ref()
        {
            handler.call(record.to_string(), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// Sets (or, with `null`, removes) the handler of core's log records and the most verbose
/// level forwarded (`error`, `warn`, `info`, `debug`, `trace`, or `off`).
#[napi(ts_args_type = "handler: ((record: string) => void) | null | undefined, level: string")]
pub fn set_log_handler(handler: Option<LogCallback>, level: String) -> napi::Result<()> {
    let Some(rank) = LEVELS.iter().position(|l| *l == level) else {
        return Err(invalid(
            "level",
            "must be off, error, warn, info, debug or trace",
        ));
    };
    INSTALLED
        .get_or_init(|| {
            tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(BridgeLayer(JsLogging)),
            )
            .map_err(|e| format!("another tracing subscriber is installed: {e}"))
        })
        .clone()
        .map_err(|m| to_js(messenger_connect::Error::Config(m)))?;
    let on = handler.is_some() && rank > 0;
    if let Ok(mut guard) = HANDLER.lock() {
        *guard = handler;
    }
    LEVEL.store(if on { rank as u8 } else { 0 }, Ordering::Relaxed);
    tracing::callsite::rebuild_interest_cache();
    Ok(())
}
