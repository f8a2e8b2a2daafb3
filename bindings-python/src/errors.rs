//! Core errors as the exceptions of `messenger_connect.errors`. The class is core's
//! choice ([`messenger_connect::ErrorKind::class_name`] in [`Error::info`]): this module
//! hands that record to `errors._from_native`, which raises the class of that name. No
//! table of statuses or codes lives in the binding. No secret is ever part of the record:
//! core's errors carry none (a token store's failure passes its new tokens separately).

use messenger_connect::Error;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::convert::{to_py, to_value};

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let info = to_value(&e.info()).map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
    let tokens = match e {
        Error::TokenStore { tokens, .. } => {
            let wire =
                to_value(&**tokens).map_err(|err| PyRuntimeError::new_err(err.to_string()))?;
            to_py(py, &wire)?
        }
        _ => py.None().into_bound(py),
    };
    let exc = py
        .import("messenger_connect.errors")?
        .getattr("_from_native")?
        .call1((to_py(py, &info)?, tokens))?;
    Ok(PyErr::from_value(exc))
}

/// The exception of a core error. A token store's failure gets the exception the
/// `on_tokens` callback raised as its `__cause__`.
pub fn to_py_err(py: Python<'_>, e: Error) -> PyErr {
    let exc = build(py, &e).unwrap_or_else(|err| err);
    if let Error::TokenStore { cause, .. } = &e
        && let Some(raised) = cause.get_ref().downcast_ref::<PyErr>()
    {
        exc.set_cause(py, Some(raised.clone_ref(py)));
    }
    exc
}

/// `messenger_connect.InternalError` for a Rust panic (a defect: please report it).
pub fn internal_error(py: Python<'_>, message: &str) -> PyErr {
    let e = Error::Internal(format!("Rust panic: {message}"));
    build(py, &e).unwrap_or_else(|_| PyRuntimeError::new_err(format!("Rust panic: {message}")))
}
