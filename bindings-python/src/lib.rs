//! `messenger_connect._native`: the pyo3 extension behind the Python package
//! `messenger_connect`. It only wraps the core client (`messenger-connect`) and the mock
//! server (`messenger-connect-mock`): argument conversion, error mapping, and a runtime
//! to wait on. The Python layer (`python/messenger_connect`) adds models and idioms.

mod bridge;
mod client;
mod convert;
mod errors;
mod logging;
mod models;
mod stream;
mod testing;

use pyo3::prelude::*;

/// Panics inside the extension, for the test that checks a panic becomes an exception.
#[pyfunction]
#[pyo3(signature = (aio = false))]
fn _debug_panic(py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
    bridge::run(py, aio, async move {
        if aio {
            panic!("debug panic (async)");
        }
        panic!("debug panic");
    })
}

/// How many `fork()`s separate this process from the one that first loaded the library
/// (0 there): the generation the runtime and connection pools were made for.
#[pyfunction]
fn process_generation() -> u64 {
    messenger_connect::process::generation()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<stream::NativeStream>()?;
    m.add_class::<testing::NativeMockServer>()?;
    m.add_class::<bridge::Canceller>()?;
    m.add_class::<models::PyContact>()?;
    m.add_class::<models::PyContactName>()?;
    m.add_class::<models::PyContactEmail>()?;
    m.add_class::<models::PyContactPhoneNumber>()?;
    m.add_class::<models::PyDeltaChange>()?;
    m.add_function(wrap_pyfunction!(_debug_panic, m)?)?;
    m.add_function(wrap_pyfunction!(logging::_refresh_log_levels, m)?)?;
    m.add_function(wrap_pyfunction!(process_generation, m)?)?;
    logging::install();
    Ok(())
}
