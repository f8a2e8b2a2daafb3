//! `MockServer`: binds a port, runs the server on its own runtime thread, stops on drop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::{oneshot, watch};

use crate::config::MockConfig;
use crate::state::{App, AppState};

/// How long a stopping server lets open requests and sockets finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How often expired records are swept (besides every clock change).
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// What was asked for.
        addr: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The runtime or its thread could not start.
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    /// The embedded spec or key could not be loaded (a build defect), or the fixtures
    /// or public URL given are not valid.
    #[error("cannot start: {0}")]
    Init(String),
    /// The configuration is unsafe or inconsistent (e.g. a non-loopback bind without a
    /// control token).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// A running mock server. It serves on its own runtime thread, so it can be started from
/// synchronous code, from any async runtime, and from the language bindings alike.
/// Dropping the handle stops it.
pub struct MockServer {
    url: String,
    addr: SocketAddr,
    app: AppState,
    control: crate::control::Control,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .finish()
    }
}

impl MockServer {
    /// Binds `config.host:config.port`, seeds the data and starts serving.
    ///
    /// A `host` beyond loopback (`0.0.0.0`, a LAN address) needs a `control_token`: the
    /// control plane mints tokens and acts as any user, so it is never left open to a
    /// network.
    pub fn start(config: MockConfig) -> Result<MockServer, StartError> {
        let has_token = config.control_token.as_ref().is_some_and(|t| !t.is_empty());
        if !crate::config::is_loopback(&config.host) && !has_token {
            return Err(StartError::Config(format!(
                "binding {} (beyond loopback) needs a control token for /_mock: set \
                 --control-token or MESSENGER_CONNECT_MOCK_CONTROL_TOKEN",
                config.host
            )));
        }
        let wanted = if config.host.contains(':') && !config.host.starts_with('[') {
            format!("[{}]:{}", config.host, config.port)
        } else {
            format!("{}:{}", config.host, config.port)
        };
        let bind_err = |source| StartError::Bind {
            addr: wanted.clone(),
            source,
        };
        let listener = std::net::TcpListener::bind(wanted.as_str()).map_err(bind_err)?;
        listener.set_nonblocking(true).map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        // A wildcard bind is reached through loopback from this machine.
        let url = match addr.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
                format!("http://127.0.0.1:{}", addr.port())
            }
            std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
                format!("http://[::1]:{}", addr.port())
            }
            _ => format!("http://{addr}"),
        };
        let app = Arc::new(App::new(&config, url.clone()).map_err(StartError::Init)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.max(1))
            .thread_name("mock-server")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let (tx, rx) = oneshot::channel();
        let served = app.clone();
        let router = crate::routes::router(app.clone());
        let control =
            crate::control::Control::new(app.clone(), router.clone(), runtime.handle().clone());
        let thread = std::thread::Builder::new()
            .name("mock-server".into())
            .spawn(move || runtime.block_on(serve(listener, served, router, rx)))
            .map_err(StartError::Runtime)?;
        tracing::info!(%url, "mock server started");
        Ok(MockServer {
            url,
            addr,
            app,
            control,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Base URL to reach the server from this machine, e.g. `http://127.0.0.1:41234`
    /// (no trailing slash; loopback for a wildcard bind).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The configured public URL (the issuer of every request), if any; without one the
    /// issuer follows each request's `Host` header.
    pub fn public_url(&self) -> Option<&str> {
        self.app.settings.public_url.as_deref()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Users as seeded at start (and after each reset), with their passwords.
    pub fn users(&self) -> Vec<crate::control::MockUser> {
        crate::control::mock_users(&self.app.world.lock())
    }

    /// The control plane, in-process: reset, users, apps, consents, tokens, faults, the
    /// clock, the journal, stats, act-as, invitations, events and device approval as
    /// typed calls (the same functions the `/_mock` endpoints run), with no HTTP hop.
    pub fn control(&self) -> crate::control::Control {
        self.control.clone()
    }

    /// Stops serving gracefully and waits for the server thread to end: no new
    /// connections; requests in progress finish (up to [`SHUTDOWN_GRACE`]); live-event
    /// sockets are closed with code 1001 ("going away").
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Accepts connections until `stop` fires, then shuts down gracefully. Each connection is
/// served by hyper's HTTP/1 server with upgrades (WebSocket) through
/// [`crate::pipeline::handle`]. Expired records are swept every [`SWEEP_EVERY`].
async fn serve(
    listener: std::net::TcpListener,
    app: AppState,
    router: axum::Router,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "cannot register the listener");
            return;
        }
    };
    let sweeper = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                app.world.lock().sweep();
            }
        })
    };
    let (stopping_tx, stopping) = watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let (stream, _) = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let router = router.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            crate::pipeline::handle(app.clone(), router.clone(), req)
        });
        let mut stopping = stopping.clone();
        connections.spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopping.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    sweeper.abort();
    tracing::info!("stopping: finishing open requests and closing live sockets");
    let _ = stopping_tx.send(true);
    app.begin_shutdown();
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
        app.sockets_closed().await;
    })
    .await;
    if drained.is_err() {
        tracing::warn!("stopped with requests or sockets still open after the grace period");
    }
    connections.abort_all();
}
