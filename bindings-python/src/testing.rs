//! The mock server in-process, for `messenger_connect.testing.MockServer`.

use std::sync::Mutex;

use messenger_connect_mock::{MockConfig, MockServer};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::{Value, json};

use crate::convert::{from_py, to_py};

#[pyclass(module = "messenger_connect._native", frozen)]
pub struct NativeMockServer {
    server: Mutex<Option<MockServer>>,
    url: String,
    /// The process generation it was started in: a forked child neither stops nor drops
    /// the parent's server (its thread does not exist there).
    generation: u64,
}

impl Drop for NativeMockServer {
    fn drop(&mut self) {
        if crate::bridge::inherited(self.generation) {
            let server = self
                .server
                .get_mut()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            std::mem::forget(server);
        }
    }
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
            generation: messenger_connect::process::generation(),
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

    /// Stops serving (idempotent). In a forked child, does nothing: the server runs in
    /// the parent.
    fn stop(&self, py: Python<'_>) {
        if crate::bridge::inherited(self.generation) {
            return;
        }
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server {
            py.detach(|| server.shutdown());
        }
    }

    /// Runs the control-plane operation `op` (the mock's `control::OPERATIONS`, camelCase
    /// or snake_case) on its JSON arguments, in-process (`Control::call_blocking`):
    /// `(200, answer)`, or a refusal's `(status, {"error": {code, message, target}})`, as
    /// the operation's `/_mock` endpoint answers.
    #[pyo3(signature = (op, args=None))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        op: String,
        args: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(u16, Bound<'py, PyAny>)> {
        let args = match args {
            Some(a) => from_py(a, "args")?,
            None => Value::Null,
        };
        let control = {
            let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .as_ref()
                .ok_or_else(|| PyRuntimeError::new_err("the mock server is stopped"))?
                .control()
        };
        match py.detach(move || control.call_blocking(&op, args)) {
            Ok(answer) => Ok((200, to_py(py, &answer)?)),
            Err(e) => {
                let body =
                    json!({"error": {"code": e.code, "message": e.message, "target": e.target}});
                Ok((e.status, to_py(py, &body)?))
            }
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
