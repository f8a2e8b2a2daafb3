//! Core's `tracing` events (targets `messenger_connect::{http,auth,sync,events}`) → a JS
//! handler set by `setLogger` in `index.js`. Each enabled event crosses as JSON text
//! `{level, target, message, fields}` (`fields`: the event's own and those of its enclosing
//! spans, e.g. the call's method and path). Events carry no secret (core's guarantee).
//!
//! One process-wide subscriber, installed by the first `setLogHandler`; the level is an
//! atomic read per callsite (`Interest::sometimes`), so a disabled logger costs a load and
//! a compare. The handler is a weak threadsafe function: it never keeps Node alive, and
//! events are queued to the JS thread without blocking the Rust one.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock};

use napi::Status;
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi_derive::napi;
use serde_json::{Map, Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

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

fn ours(meta: &Metadata<'_>) -> bool {
    meta.target().starts_with("messenger_connect")
}

/// An event's or a span's fields as JSON values.
#[derive(Default)]
struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), json!(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), json!(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), json!(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), json!(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), json!(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().into(), json!(format!("{value:?}")));
    }
}

/// The layer forwarding enabled events to the JS handler.
struct JsLogging;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for JsLogging {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if ours(meta) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        ours(meta) && rank(meta.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut fields = fields.0;
        let message = match fields.remove("message") {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(outer) = span.extensions().get::<Fields>() {
                    for (k, v) in &outer.0 {
                        fields.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
        let meta = event.metadata();
        let record = json!({
            "level": LEVELS[usize::from(rank(meta.level()))],
            "target": meta.target(),
            "message": message,
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
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(JsLogging))
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
