//! `MockServer`: binds a port, runs the server on its own runtime thread, stops on drop.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::config::MockConfig;
use crate::state::{App, AppState};

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
    /// The embedded spec or key could not be loaded (a build defect).
    #[error("cannot load built-in data: {0}")]
    Init(String),
}

/// A running mock server. It serves on its own runtime thread, so it can be started from
/// synchronous code, from any async runtime, and from the language bindings alike.
/// Dropping the handle stops it.
pub struct MockServer {
    url: String,
    addr: SocketAddr,
    app: AppState,
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
    pub fn start(config: MockConfig) -> Result<MockServer, StartError> {
        let wanted = format!("{}:{}", config.host, config.port);
        let bind_err = |source| StartError::Bind {
            addr: wanted.clone(),
            source,
        };
        let listener = std::net::TcpListener::bind(wanted.as_str()).map_err(bind_err)?;
        listener.set_nonblocking(true).map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let url = format!("http://{addr}");
        let app = Arc::new(App::new(&config, url.clone()).map_err(StartError::Init)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.max(1))
            .thread_name("mock-server")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let (tx, rx) = oneshot::channel();
        let served = app.clone();
        let thread = std::thread::Builder::new()
            .name("mock-server".into())
            .spawn(move || runtime.block_on(serve(listener, served, rx)))
            .map_err(StartError::Runtime)?;
        tracing::info!(%url, "mock server started");
        Ok(MockServer {
            url,
            addr,
            app,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Users as seeded at start (and after each reset), with their passwords.
    pub fn users(&self) -> Vec<crate::control::MockUser> {
        crate::control::mock_users(&self.app.world.lock())
    }

    /// Stops serving and waits for the server thread to end.
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

/// Accepts connections until `stop` fires. Each connection is served by hyper's HTTP/1
/// server with upgrades (WebSocket) through [`crate::pipeline::handle`].
async fn serve(listener: std::net::TcpListener, app: AppState, mut stop: oneshot::Receiver<()>) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "cannot register the listener");
            return;
        }
    };
    let router = crate::routes::router(app.clone());
    loop {
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
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}
