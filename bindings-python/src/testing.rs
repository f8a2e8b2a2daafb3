//! The mock server in-process, for `messenger_connect.testing.MockServer`.

use std::sync::Mutex;

use messenger_connect_mock::{MockConfig, MockServer};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

#[pyclass(module = "messenger_connect._native", frozen)]
pub struct NativeMockServer {
    server: Mutex<Option<MockServer>>,
    url: String,
}

#[pymethods]
impl NativeMockServer {
    /// Starts a mock server on a free loopback port (its own runtime thread).
    #[new]
    #[pyo3(signature = (*, seed=1, users=3, contacts_per_user=50, friends_per_user=0,
        activities_per_user=0, host="127.0.0.1".to_string(), port=0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        seed: u64,
        users: usize,
        contacts_per_user: usize,
        friends_per_user: usize,
        activities_per_user: usize,
        host: String,
        port: u16,
    ) -> PyResult<NativeMockServer> {
        let config = MockConfig {
            host,
            port,
            seed,
            users,
            contacts_per_user,
            friends_per_user,
            activities_per_user,
            ..MockConfig::default()
        };
        let server = py
            .detach(|| MockServer::start(config))
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the mock server: {e}")))?;
        let url = server.url().to_string();
        Ok(NativeMockServer {
            server: Mutex::new(Some(server)),
            url,
        })
    }

    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// The seeded users: `[{"id", "email", "display_name", "password"}]`.
    fn users<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
        let server = guard
            .as_ref()
            .ok_or_else(|| PyRuntimeError::new_err("the mock server is stopped"))?;
        server
            .users()
            .into_iter()
            .map(|u| {
                let d = PyDict::new(py);
                d.set_item("id", u.id)?;
                d.set_item("email", u.email)?;
                d.set_item("display_name", u.display_name)?;
                d.set_item("password", u.password)?;
                Ok(d)
            })
            .collect()
    }

    /// Stops serving (idempotent).
    fn stop(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            py.detach(|| server.shutdown());
        }
    }

    #[getter]
    fn running(&self) -> bool {
        self.server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }
}
