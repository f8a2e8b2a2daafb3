//! The in-process mock server for `messenger-connect/testing`.

use messenger_connect_mock::control::ControlError;
use napi_derive::napi;

/// Options of `MockServer.start`.
#[napi(object)]
pub struct NativeMockOptions {
    /// Seed of every generated id, name and secret (default 1).
    pub seed: Option<i64>,
    /// Users created at start (default 3).
    pub users: Option<u32>,
    /// Contacts per user (default 50).
    pub contacts_per_user: Option<u32>,
    /// Friends per user, ring-style (default 0).
    pub friends_per_user: Option<u32>,
    /// Seeded activities per user (default 0).
    pub activities_per_user: Option<u32>,
    /// Requests per token per window (default 10,000).
    pub rate_limit: Option<u32>,
    /// The rate-limit window in seconds (default 60).
    pub rate_limit_window_seconds: Option<u32>,
}

/// The in-process mock server (on its own runtime thread, a free loopback port).
#[napi]
pub struct NativeMockServer {
    url: String,
    server: std::sync::Mutex<Option<messenger_connect_mock::MockServer>>,
}

/// Prefix of the message of a refused control call's rejection: the rest is JSON.
const CONTROL_ERROR_PREFIX: &str = "MOCKCTL:";

fn fail(message: impl std::fmt::Display) -> napi::Error {
    napi::Error::from_reason(message.to_string())
}

#[napi]
impl NativeMockServer {
    /// Starts a server and waits until it listens.
    #[napi(factory)]
    pub fn start(options: Option<NativeMockOptions>) -> napi::Result<Self> {
        let mut config = messenger_connect_mock::MockConfig::default();
        if let Some(o) = options {
            if let Some(v) = o.seed {
                config.seed = u64::try_from(v).map_err(|_| fail("seed must not be negative"))?;
            }
            let set = |target: &mut usize, v: Option<u32>| {
                if let Some(v) = v {
                    *target = v as usize;
                }
            };
            set(&mut config.users, o.users);
            set(&mut config.contacts_per_user, o.contacts_per_user);
            set(&mut config.friends_per_user, o.friends_per_user);
            set(&mut config.activities_per_user, o.activities_per_user);
            if let Some(v) = o.rate_limit {
                config.rate_limit.limit = v.into();
            }
            if let Some(v) = o.rate_limit_window_seconds {
                config.rate_limit.window_seconds = v.into();
            }
        }
        let server = messenger_connect_mock::MockServer::start(config)
            .map_err(|e| fail(format!("cannot start the mock server: {e}")))?;
        Ok(NativeMockServer {
            url: server.url().to_string(),
            server: std::sync::Mutex::new(Some(server)),
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The seeded users `[{id, email, displayName, password}]` as JSON text.
    #[napi]
    pub fn users(&self) -> napi::Result<String> {
        let guard = self
            .server
            .lock()
            .map_err(|_| fail("mock server lock poisoned"))?;
        let server = guard
            .as_ref()
            .ok_or_else(|| fail("the mock server is closed"))?;
        serde_json::to_string(&server.users()).map_err(fail)
    }

    /// Runs the control-plane operation `op` (the mock's `control::OPERATIONS`, camelCase
    /// or snake_case) on `args` (JSON text; absent, empty or `null` for none), in-process
    /// through `Control::call`, with no HTTP hop: resolves to the operation's JSON answer
    /// as text (`null` where its `/_mock` endpoint answers 204). A refusal rejects with an
    /// Error whose message is `MOCKCTL:` followed by `{status, code, message, target,
    /// text}` as JSON (`text`: the refusal's whole message), which `MockServer.call` in
    /// `testing.js` raises as an `Error` with that message and `code` (napi's async
    /// rejections carry only its own status codes).
    #[napi]
    pub async fn call(&self, op: String, args: Option<String>) -> napi::Result<String> {
        let refused = |e: ControlError| {
            let record = serde_json::json!({
                "status": e.status,
                "code": e.code,
                "message": e.message,
                "target": e.target,
                "text": e.to_string(),
            });
            napi::Error::from_reason(format!("{CONTROL_ERROR_PREFIX}{record}"))
        };
        let args = match args.as_deref().map(str::trim) {
            None | Some("") => serde_json::Value::Null,
            Some(text) => serde_json::from_str(text).map_err(|e| {
                refused(ControlError {
                    status: 400,
                    code: "validationFailed".into(),
                    message: format!("the arguments are not JSON: {e}"),
                    target: Some("args".into()),
                })
            })?,
        };
        let control = {
            let guard = self.server.lock().unwrap_or_else(|p| p.into_inner());
            match guard.as_ref() {
                Some(server) => server.control(),
                None => {
                    return Err(refused(ControlError {
                        status: 503,
                        code: "serverStopped".into(),
                        message: "the mock server is closed".into(),
                        target: None,
                    }));
                }
            }
        };
        let answer = control.call(&op, args).await.map_err(refused)?;
        Ok(answer.to_string())
    }

    /// Stops the server (off the JS thread) and waits for it.
    #[napi]
    pub async fn close(&self) -> napi::Result<()> {
        let server = self.server.lock().ok().and_then(|mut g| g.take());
        if let Some(server) = server {
            tokio::task::spawn_blocking(move || server.shutdown())
                .await
                .map_err(fail)?;
        }
        Ok(())
    }
}
