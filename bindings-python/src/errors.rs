//! Core errors as the exceptions of `messenger_connect.errors` (the class is chosen there,
//! by `_from_native`, from the fields given here). No secret is ever part of them: core's
//! errors carry none.

use messenger_connect::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

fn build(py: Python<'_>, kind: &str, fields: &Bound<'_, PyDict>) -> PyResult<PyErr> {
    fields.set_item("kind", kind)?;
    let exc = py
        .import("messenger_connect.errors")?
        .getattr("_from_native")?
        .call((), Some(fields))?;
    Ok(PyErr::from_value(exc))
}

fn fields<'py>(py: Python<'py>, e: &Error) -> PyResult<(&'static str, Bound<'py, PyDict>)> {
    let d = PyDict::new(py);
    d.set_item("text", e.to_string())?;
    d.set_item("status", e.status())?;
    d.set_item("code", e.code())?;
    d.set_item("request_id", e.request_id())?;
    let kind = match e {
        Error::Api(api) => {
            d.set_item("message", &api.message)?;
            d.set_item("target", &api.target)?;
            d.set_item("retry_after", api.retry_after.map(|r| r.as_secs_f64()))?;
            let details = PyList::empty(py);
            for detail in &api.details {
                let item = PyDict::new(py);
                item.set_item("code", &detail.code)?;
                item.set_item("message", &detail.message)?;
                item.set_item("target", &detail.target)?;
                details.append(item)?;
            }
            d.set_item("details", details)?;
            "api"
        }
        Error::OAuth { description, .. } => {
            d.set_item("message", description)?;
            "oauth"
        }
        Error::ResyncRequired { message, .. } => {
            d.set_item("message", message)?;
            "resync"
        }
        Error::Network { message, timeout } => {
            d.set_item("message", message)?;
            d.set_item("timeout", *timeout)?;
            "network"
        }
        Error::Decode { message, .. } => {
            d.set_item("message", message)?;
            "decode"
        }
        Error::InvalidArgument { name, message } => {
            d.set_item("message", message)?;
            d.set_item("target", name)?;
            "invalid"
        }
        Error::Config(message) => {
            d.set_item("message", message)?;
            "config"
        }
        other => {
            d.set_item("message", other.to_string())?;
            "other"
        }
    };
    Ok((kind, d))
}

/// The exception of a core error.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    fields(py, &e)
        .and_then(|(kind, d)| build(py, kind, &d))
        .unwrap_or_else(|err| err)
}

/// `messenger_connect.InternalError` for a Rust panic (a defect: please report it).
pub fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    let made = (|| {
        let d = PyDict::new(py);
        d.set_item("text", format!("internal error (Rust panic): {message}"))?;
        d.set_item("message", message)?;
        build(py, "panic", &d)
    })();
    made.unwrap_or_else(|_| PyRuntimeError::new_err(format!("Rust panic: {message}")))
}
