//! Core's `tracing` events as plain records, for the bindings' logging bridges (Python's
//! `logging`, Node's `setLogger`): one `tracing_subscriber` layer, [`BridgeLayer`], that
//! collects an event's fields and those of its enclosing spans (e.g. the call's `method`
//! and `path`) into a [`LogRecord`] and hands it to the binding's [`LogSink`]. Only the
//! `messenger_connect` targets ([`crate::targets`]) are seen. Records carry no secret
//! (core never puts one in an event).
//!
//! Behind the `log-bridge` feature (it adds `tracing-subscriber`).

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The value of one field of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A boolean.
    Bool(bool),
    /// A float.
    Float(f64),
    /// Text (a `Debug`-formatted value too).
    Text(String),
}

/// One enabled event: its level, target, message and fields (its own first, then those
/// of its enclosing spans that it does not have itself, innermost first).
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// The event's level.
    pub level: Level,
    /// The event's target, e.g. `messenger_connect::http`.
    pub target: &'static str,
    /// The event's message (empty when it has none).
    pub message: String,
    /// The fields, by name.
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl FieldValue {
    /// The value as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            FieldValue::Int(i) => (*i).into(),
            FieldValue::UInt(u) => (*u).into(),
            FieldValue::Bool(b) => (*b).into(),
            FieldValue::Float(f) => (*f).into(),
            FieldValue::Text(t) => t.as_str().into(),
        }
    }
}

impl LogRecord {
    /// The fields as a JSON object (name → value).
    pub fn fields_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_json()))
            .collect()
    }
}

/// Where a binding sends the records, and which it wants.
pub trait LogSink: Send + Sync + 'static {
    /// Whether an event or span of this callsite is wanted now (a cheap check: an atomic).
    fn enabled(&self, meta: &Metadata<'_>) -> bool;

    /// The interest in a callsite of a `messenger_connect` target, when it is registered
    /// (default `sometimes`: [`LogSink::enabled`] is asked each time).
    fn interest(&self, _meta: &Metadata<'_>) -> Interest {
        Interest::sometimes()
    }

    /// The most verbose level wanted, if the sink knows it (lets tracing skip the rest).
    fn max_level_hint(&self) -> Option<LevelFilter> {
        None
    }

    /// Handles one record (called on the thread that logged it: never block).
    fn emit(&self, record: LogRecord);
}

/// Whether a callsite is one of core's (`messenger_connect` or one of its modules; not the
/// mock server's `messenger_connect_mock::*`, which may run in the same process).
pub fn is_ours(meta: &Metadata<'_>) -> bool {
    let target = meta.target();
    target == "messenger_connect" || target.starts_with("messenger_connect::")
}

/// The fields of an event or span, in order.
#[derive(Default, Clone)]
struct Fields(Vec<(&'static str, FieldValue)>);

impl Visit for Fields {
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.push((field.name(), FieldValue::Int(value)));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.push((field.name(), FieldValue::UInt(value)));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.push((field.name(), FieldValue::Bool(value)));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.push((field.name(), FieldValue::Float(value)));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .push((field.name(), FieldValue::Text(value.to_string())));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name(), FieldValue::Text(format!("{value:?}"))));
    }
}

/// The layer that turns core's enabled events into [`LogRecord`]s for a [`LogSink`].
pub struct BridgeLayer<K>(pub K);

impl<S, K> Layer<S> for BridgeLayer<K>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    K: LogSink,
{
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if is_ours(meta) {
            self.0.interest(meta)
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _: Context<'_, S>) -> bool {
        is_ours(meta) && self.0.enabled(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        self.0.max_level_hint()
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut own = Fields::default();
        event.record(&mut own);
        let mut message = String::new();
        let mut fields = Vec::with_capacity(own.0.len());
        for (name, value) in own.0 {
            match (name, value) {
                ("message", FieldValue::Text(t)) => message = t,
                other => fields.push(other),
            }
        }
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope {
                if let Some(outer) = span.extensions().get::<Fields>() {
                    for (name, value) in &outer.0 {
                        if !fields.iter().any(|(n, _)| n == name) {
                            fields.push((name, value.clone()));
                        }
                    }
                }
            }
        }
        self.0.emit(LogRecord {
            level: *meta.level(),
            target: meta.target(),
            message,
            fields,
        });
    }
}
