//! The Tokio runtime of this process, and the two ways Python waits for a core future:
//! blocking with the GIL released (`Client`), or an `asyncio.Future` completed from the
//! runtime (`AsyncClient`). A panic in a future becomes `messenger_connect.InternalError`.
//!
//! Fork safety: the runtime belongs to a process. A child made by `os.fork()` (Celery's
//! prefork pool, `multiprocessing` with `fork`, gunicorn `--preload`) inherits the
//! parent's runtime without its threads; its first call builds a runtime of its own and
//! the inherited one is leaked, never run, shut down or dropped there (its epoll
//! instance and sockets are shared with the parent). Core detects the fork the same way
//! (`messenger_connect::process::generation`) and rebuilds its connection pools.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use messenger_connect::Error;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

use crate::convert::Out;
use crate::errors::{internal_error, to_py_err};

/// The runtime of one process generation (leaked: a runtime is never dropped).
struct ProcessRuntime {
    generation: u64,
    runtime: Runtime,
}

static CURRENT: AtomicPtr<ProcessRuntime> = AtomicPtr::new(std::ptr::null_mut());

/// The runtime of this process: every client's connection pool and background task
/// (prefetch, token refresh, event sockets) lives on it. Made on first use, and again on
/// first use in a forked child (see the module docs). One atomic load and compare per
/// call once made.
pub fn runtime() -> &'static Runtime {
    let generation = messenger_connect::process::generation();
    let current = CURRENT.load(Ordering::Acquire);
    // SAFETY: a published runtime is leaked, so the pointer stays valid for ever.
    if let Some(rt) = unsafe { current.as_ref() }
        && rt.generation == generation
    {
        return &rt.runtime;
    }
    let made = Box::into_raw(Box::new(ProcessRuntime {
        generation,
        runtime: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("messenger-connect")
            .enable_all()
            .build()
            .expect("cannot start the messenger_connect runtime"),
    }));
    match CURRENT.compare_exchange(current, made, Ordering::AcqRel, Ordering::Acquire) {
        // The inherited runtime, if any, is leaked on purpose.
        // SAFETY: `made` is now published and never freed.
        Ok(_) => &unsafe { &*made }.runtime,
        Err(winner) => {
            // Another thread made this process's runtime first: stop ours, use theirs.
            // SAFETY: `made` was never published; `winner` is (and is never freed).
            let ProcessRuntime { runtime, .. } = *unsafe { Box::from_raw(made) };
            runtime.shutdown_background();
            &unsafe { &*winner }.runtime
        }
    }
}

/// True when this object, made in process generation `made_in`, was inherited through a
/// `fork()`: it must not be used (its tasks and sockets are the parent's) nor dropped.
pub fn inherited(made_in: u64) -> bool {
    made_in != messenger_connect::process::generation()
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

enum Blocked<T> {
    Done(Result<T, Error>),
    Interrupted(PyErr),
    Panicked(String),
}

/// Runs a future to completion with the GIL released. Every 100 ms it checks for a
/// pending signal (Ctrl-C in the main thread) and then drops the future.
pub fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = Result<T, Error>> + Send,
{
    // The whole wait is guarded: a panic while polling the future, or `block_on` refusing
    // to run (called from a runtime thread, e.g. inside a token callback), becomes an
    // exception.
    let outcome = py.detach(|| {
        std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime().block_on(async move {
                tokio::pin!(fut);
                loop {
                    tokio::select! {
                        r = &mut fut => return Blocked::Done(r),
                        _ = tokio::time::sleep(Duration::from_millis(100)) => {
                            if let Err(e) = Python::attach(|py| py.check_signals()) {
                                return Blocked::Interrupted(e);
                            }
                        }
                    }
                }
            })
        }))
        .unwrap_or_else(|p| Blocked::Panicked(panic_message(&*p)))
    });
    match outcome {
        Blocked::Done(Ok(v)) => Ok(v),
        Blocked::Done(Err(e)) => Err(to_py_err(py, e)),
        Blocked::Interrupted(e) => Err(e),
        Blocked::Panicked(m) => Err(internal_error(py, &m)),
    }
}

/// Aborts the Rust task when its `asyncio.Future` is done (a cancelled awaitable cancels
/// the request; aborting a finished task does nothing).
#[pyclass(module = "messenger_connect._native")]
pub struct Canceller {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.handle.abort();
    }
}

/// Spawns the future on the runtime and returns an `asyncio.Future` of the running loop
/// that its outcome completes (through `loop.call_soon_threadsafe`).
pub fn awaitable<F>(py: Python<'_>, fut: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Result<Out, Error>> + Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let resolve = py
        .import("messenger_connect._bridge")?
        .getattr("resolve")?
        .unbind();
    let task = runtime().spawn(AssertUnwindSafe(fut).catch_unwind());
    future.call_method1(
        "add_done_callback",
        (Canceller {
            handle: task.abort_handle(),
        },),
    )?;
    let loop_ref = event_loop.unbind();
    let future_ref = future.clone().unbind();
    runtime().spawn(async move {
        let joined = task.await;
        Python::attach(|py| {
            let (ok, value): (bool, Py<PyAny>) = match joined {
                Err(e) if e.is_cancelled() => return,
                Err(e) => (
                    false,
                    internal_error(py, &e.to_string()).into_value(py).into_any(),
                ),
                Ok(Err(p)) => (
                    false,
                    internal_error(py, &panic_message(&*p))
                        .into_value(py)
                        .into_any(),
                ),
                Ok(Ok(Err(e))) => (false, to_py_err(py, e).into_value(py).into_any()),
                Ok(Ok(Ok(out))) => match out.into_py(py) {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                },
            };
            // A closed loop cannot be told; nobody awaits the future any more.
            let _ = loop_ref
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve, future_ref, ok, value));
        });
    });
    Ok(future.unbind())
}

/// Blocks (sync client) or returns an awaitable (async client).
pub fn run<F>(py: Python<'_>, aio: bool, fut: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Result<Out, Error>> + Send + 'static,
{
    if aio {
        awaitable(py, fut)
    } else {
        block_on(py, fut)?.into_py(py)
    }
}
