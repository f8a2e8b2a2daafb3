//! Core's `tracing` events → Python's `logging`, under the `messenger_connect` logger:
//! the target `messenger_connect::http` is the logger `messenger_connect.http`, and so on
//! (`messenger_connect::targets`). Levels map ERROR → `logging.ERROR`, WARN → `WARNING`,
//! INFO → `INFO`, DEBUG → `DEBUG`, TRACE → 5.
//!
//! Cheap when disabled: each target's lowest enabled level is cached in an atomic, read by
//! `register_callsite` to give tracing a per-callsite `Interest` (`never` costs nothing
//! at the call site: no GIL, no formatting). The cache is refreshed by
//! `_refresh_log_levels`, which the Python package calls at import and whenever `logging`
//! clears its level cache (`setLevel`, `disable`, `dictConfig`...), then rebuilds tracing's
//! interest cache. An enabled event takes the GIL once and calls `Logger.log` with the
//! message, the fields in logfmt after it, and each field as a record attribute (`extra`;
//! also all of them as `record.mc_fields`). Events carry no secret (core's guarantee).
//! The records come from core's `log_bridge::BridgeLayer` (the same layer as in Node).

use std::fmt::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use messenger_connect::log_bridge::{BridgeLayer, FieldValue, LogRecord, LogSink};
use messenger_connect::targets;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Level, Metadata};
use tracing_subscriber::layer::SubscriberExt;

/// Python's level for a tracing level.
fn py_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

/// The lowest Python level enabled per target (`targets::ALL` order), then for any other
/// `messenger_connect` target; 255: nothing (before the first refresh too).
static LOWEST: [AtomicU8; targets::ALL.len() + 1] =
    [const { AtomicU8::new(u8::MAX) }; targets::ALL.len() + 1];

fn slot(target: &str) -> Option<&'static AtomicU8> {
    if !target.starts_with("messenger_connect") {
        return None;
    }
    let i = targets::ALL
        .iter()
        .position(|t| *t == target)
        .unwrap_or(targets::ALL.len());
    Some(&LOWEST[i])
}

fn enabled(meta: &Metadata<'_>) -> bool {
    slot(meta.target()).is_some_and(|s| py_level(meta.level()) >= s.load(Ordering::Relaxed))
}

/// The Python logger name of a target.
fn logger_name(target: &str) -> String {
    target.replace("::", ".")
}

/// Attributes a `LogRecord` has already (an `extra` key among them is refused by logging).
const RESERVED: &[&str] = &[
    "name",
    "msg",
    "args",
    "levelname",
    "levelno",
    "pathname",
    "filename",
    "module",
    "exc_info",
    "exc_text",
    "stack_info",
    "lineno",
    "funcName",
    "created",
    "msecs",
    "relativeCreated",
    "thread",
    "threadName",
    "processName",
    "process",
    "message",
    "asctime",
    "taskName",
];

/// The sink of core's log bridge that forwards enabled events to Python.
struct PythonLogging;

impl LogSink for PythonLogging {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        enabled(meta)
    }

    fn interest(&self, meta: &Metadata<'_>) -> Interest {
        if enabled(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        let lowest = LOWEST
            .iter()
            .map(|l| l.load(Ordering::Relaxed))
            .min()
            .unwrap_or(u8::MAX);
        Some(match lowest {
            0..=5 => LevelFilter::TRACE,
            6..=10 => LevelFilter::DEBUG,
            11..=20 => LevelFilter::INFO,
            21..=30 => LevelFilter::WARN,
            31..=40 => LevelFilter::ERROR,
            _ => LevelFilter::OFF,
        })
    }

    fn emit(&self, record: LogRecord) {
        let level = py_level(&record.level);
        let name = logger_name(record.target);
        // Nothing to do when the interpreter is gone or shutting down.
        let _ = Python::try_attach(|py| {
            if let Err(e) = emit(py, &name, level, &record.message, &record.fields) {
                e.write_unraisable(py, None);
            }
        });
    }
}

fn text(value: &FieldValue) -> String {
    match value {
        FieldValue::Int(i) => i.to_string(),
        FieldValue::UInt(u) => u.to_string(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Float(f) => f.to_string(),
        FieldValue::Text(t) if t.is_empty() || t.contains([' ', '"', '=']) => format!("{t:?}"),
        FieldValue::Text(t) => t.clone(),
    }
}

fn py_value<'py>(py: Python<'py>, value: &FieldValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        FieldValue::Int(i) => i.into_pyobject(py)?.into_any(),
        FieldValue::UInt(u) => u.into_pyobject(py)?.into_any(),
        FieldValue::Bool(b) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
        FieldValue::Float(f) => f.into_pyobject(py)?.into_any(),
        FieldValue::Text(t) => t.into_pyobject(py)?.into_any(),
    })
}

fn logging_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static LOGGING: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    LOGGING
        .get_or_try_init(py, || py.import("logging").map(Bound::unbind))
        .map(|m| m.bind(py))
}

fn emit(
    py: Python<'_>,
    name: &str,
    level: u8,
    message: &str,
    fields: &[(&'static str, FieldValue)],
) -> PyResult<()> {
    let logger = logging_module(py)?.call_method1("getLogger", (name,))?;
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let mut line = message.to_string();
    let all = PyDict::new(py);
    let extra = PyDict::new(py);
    for (i, (key, value)) in fields.iter().enumerate() {
        let _ = write!(
            line,
            "{}{key}={}",
            if i == 0 { ": " } else { " " },
            text(value)
        );
        let v = py_value(py, value)?;
        all.set_item(*key, &v)?;
        if !RESERVED.contains(key) {
            extra.set_item(*key, v)?;
        }
    }
    extra.set_item("mc_fields", all)?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("extra", extra)?;
    logger.call_method("log", (level, line), Some(&kwargs))?;
    Ok(())
}

/// Re-reads the level of each `messenger_connect` logger and rebuilds tracing's interest
/// cache (the Python package calls it at import and after every level change).
#[pyfunction]
pub fn _refresh_log_levels(py: Python<'_>) -> PyResult<()> {
    let logging = logging_module(py)?;
    let lowest_of = |name: &str| -> PyResult<u8> {
        let logger = logging.call_method1("getLogger", (name,))?;
        for level in [5u8, 10, 20, 30, 40] {
            if logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
                return Ok(level);
            }
        }
        Ok(u8::MAX)
    };
    for (i, target) in targets::ALL.iter().enumerate() {
        LOWEST[i].store(lowest_of(&logger_name(target))?, Ordering::Relaxed);
    }
    LOWEST[targets::ALL.len()].store(lowest_of("messenger_connect")?, Ordering::Relaxed);
    // Called with the GIL held; register_callsite reads only the atomics above.
    py.detach(tracing::callsite::rebuild_interest_cache);
    Ok(())
}

/// Installs the layer as this extension's tracing subscriber (once; the extension has
/// its own copy of tracing's globals, so no other library's subscriber is replaced).
pub fn install() {
    let subscriber = tracing_subscriber::registry().with(BridgeLayer(PythonLogging));
    let _ = tracing::subscriber::set_global_default(subscriber);
}
