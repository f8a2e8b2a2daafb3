//! Item, page and event streams of core as one Python-facing cursor: `next(aio)` gives
//! the next item, or `None` at the end; `for x in stream` iterates. The links to resume from are kept
//! after each step so they can be read without waiting.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::{FutureExt, Stream, StreamExt};
use messenger_connect::models::{
    Activity, Contact, Conversation, Event, Friend, Invitation, Message, PocoPage,
};
use messenger_connect::{
    DeltaChange, DeltaSync, Error, EventStream, ItemStream, Page, PageStream, Typer,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::bridge::{block_on, run};
use crate::convert::{Out, to_py, to_value};
use crate::models::{PyContact, PyDeltaChange};

/// Where a stream is: what to store to resume it.
#[derive(Default, Clone)]
pub struct Position {
    next_link: Option<String>,
    delta_link: Option<String>,
    last_seq: Option<u64>,
    /// Event streams: how many times the stream reconnected so far.
    reconnects: Option<u64>,
}

/// What a stream hands to Python: most models in wire form (the Python layer wraps them
/// in its model classes), contacts as the Rust struct (wrapped by a native class whose
/// attributes are converted when read).
pub enum Item {
    /// Wire form.
    Json(Value),
    /// A contact.
    Contact(Contact),
    /// A change of a contacts delta round.
    Change(DeltaChange<Contact>),
    /// A page of contacts.
    ContactPage(Page<Contact>),
    /// A whole contacts delta round.
    Sync(DeltaSync<Contact>),
    /// A page of a contacts delta round.
    ChangePage(Page<DeltaChange<Contact>>),
    /// A Portable Contacts response.
    Poco(PocoPage),
}

impl Item {
    /// The Python object of the item (needs the GIL).
    pub fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Item::Json(v) => to_py(py, &v)?.unbind(),
            Item::Contact(c) => Py::new(py, PyContact(c))?.into_any(),
            Item::Change(ch) => Py::new(py, PyDeltaChange::new(py, ch)?)?.into_any(),
            Item::ContactPage(page) => {
                let d = PyDict::new(py);
                let items = page
                    .items
                    .into_iter()
                    .map(|c| Py::new(py, PyContact(c)))
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("value", PyList::new(py, items)?)?;
                d.set_item("@odata.nextLink", page.next_link)?;
                d.set_item("@odata.deltaLink", page.delta_link)?;
                d.set_item("@odata.count", page.count)?;
                d.into_any().unbind()
            }
            Item::ChangePage(page) => {
                let d = PyDict::new(py);
                let items = page
                    .items
                    .into_iter()
                    .map(|c| Py::new(py, PyDeltaChange::new(py, c)?))
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("value", PyList::new(py, items)?)?;
                d.set_item("@odata.nextLink", page.next_link)?;
                d.set_item("@odata.deltaLink", page.delta_link)?;
                d.into_any().unbind()
            }
            Item::Poco(page) => {
                let d = PyDict::new(py);
                let entry = page
                    .entry
                    .into_iter()
                    .map(|c| Py::new(py, PyContact(c)))
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("startIndex", page.start_index)?;
                d.set_item("itemsPerPage", page.items_per_page)?;
                d.set_item("totalResults", page.total_results)?;
                d.set_item("entry", PyList::new(py, entry)?)?;
                d.into_any().unbind()
            }
            Item::Sync(sync) => {
                let d = PyDict::new(py);
                let upserts = sync
                    .upserts
                    .into_iter()
                    .map(|c| Py::new(py, PyContact(c)))
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("upserts", PyList::new(py, upserts)?)?;
                d.set_item("removed", sync.removed)?;
                d.set_item("delta_link", sync.delta_link)?;
                d.into_any().unbind()
            }
        })
    }
}

/// A core model as a stream item.
pub trait IntoItem {
    fn into_item(self) -> Result<Item, Error>;
}

impl IntoItem for Contact {
    fn into_item(self) -> Result<Item, Error> {
        Ok(Item::Contact(self))
    }
}

impl IntoItem for Page<Contact> {
    fn into_item(self) -> Result<Item, Error> {
        Ok(Item::ContactPage(self))
    }
}

macro_rules! json_items {
    ($($t:ty),*) => {$(
        impl IntoItem for $t {
            fn into_item(self) -> Result<Item, Error> {
                to_value(&self).map(Item::Json)
            }
        }
    )*};
}

json_items!(
    Friend,
    Invitation,
    Activity,
    Conversation,
    Message,
    Page<Friend>,
    Page<Invitation>,
    Page<Activity>,
    Page<Conversation>,
    Page<Message>
);

/// A core stream whose items are handed to Python.
pub trait Source: Stream<Item = Result<Item, Error>> + Send + Unpin {
    fn position(&self) -> Position;
}

pub struct Items<T>(pub ItemStream<T>);
pub struct Pages<T>(pub PageStream<T>);
pub struct Events(pub EventStream);
/// A contacts delta round, change by change.
pub struct Delta(pub ItemStream<DeltaChange<Contact>>);

impl<T> Stream for Items<T>
where
    T: DeserializeOwned + IntoItem + Send + Unpin + 'static,
{
    type Item = Result<Item, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(IntoItem::into_item)))
    }
}

impl<T> Source for Items<T>
where
    T: DeserializeOwned + IntoItem + Send + Unpin + 'static,
{
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
            reconnects: None,
        }
    }
}

impl<T> Stream for Pages<T>
where
    T: DeserializeOwned + Send + Unpin + 'static,
    Page<T>: IntoItem,
{
    type Item = Result<Item, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(IntoItem::into_item)))
    }
}

impl<T> Source for Pages<T>
where
    T: DeserializeOwned + Send + Unpin + 'static,
    Page<T>: IntoItem,
{
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
            reconnects: None,
        }
    }
}

/// The pages of a contacts delta round (see [`Delta`]).
pub struct DeltaPages(pub PageStream<DeltaChange<Contact>>);

impl Stream for DeltaPages {
    type Item = Result<Item, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.map(Item::ChangePage)))
    }
}

impl Source for DeltaPages {
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
            reconnects: None,
        }
    }
}

impl Stream for Delta {
    type Item = Result<Item, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.map(Item::Change)))
    }
}

impl Source for Delta {
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
            reconnects: None,
        }
    }
}

/// An event as `{"type", "data"}` (data: the wire form of the object it is about).
fn event_json(event: &Event) -> Result<Value, Error> {
    let data = match event {
        Event::MessageCreated(m) => to_value(m)?,
        Event::PresenceChanged(p) => to_value(p)?,
        Event::StatusChanged(s) => to_value(s)?,
        Event::ActivityCreated(a) => to_value(a)?,
        Event::ContactChanged(c) => to_value(c)?,
        Event::Typing {
            conversation_id,
            user_id,
        } => json!({ "conversationId": conversation_id, "userId": user_id }),
        Event::Resync { seq } => json!({ "seq": seq }),
        Event::Other { data, .. } => data.clone(),
        other => json!({ "kind": other.kind() }),
    };
    Ok(json!({ "type": event.kind(), "data": data }))
}

impl Stream for Events {
    type Item = Result<Item, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(|e| event_json(&e).map(Item::Json))))
    }
}

impl Source for Events {
    fn position(&self) -> Position {
        Position {
            last_seq: self.0.last_seq(),
            reconnects: Some(self.0.reconnects()),
            ..Position::default()
        }
    }
}

/// A core stream, and an error it yielded while a batch was being gathered.
struct Cursor {
    stream: Box<dyn Source>,
    failed: Option<Error>,
}

/// A stream handed to Python. `next`/`next_batch` are safe from several threads or tasks
/// at once (they take turns); `close` drops the core stream (cancelling a prefetch,
/// closing a socket). It is also a Python iterator (`for x in stream`): items are
/// fetched a page at a time with the GIL released, converted to Python objects (through
/// `wrap`, when set) and handed out one by one without going back into Rust code that
/// waits.
#[pyclass(module = "messenger_connect._native", frozen)]
pub struct NativeStream {
    source: Arc<tokio::sync::Mutex<Option<Cursor>>>,
    position: Arc<Mutex<Position>>,
    /// Items converted but not handed out yet (sync iteration).
    buffer: Mutex<VecDeque<Py<PyAny>>>,
    /// Called on each item's Python object (e.g. a model class), if set.
    wrap: Mutex<Option<Py<PyAny>>>,
    /// Items fetched per crossing (a page).
    batch: AtomicUsize,
    /// Event streams: sends typing notifications while another thread or task waits
    /// on the stream.
    typer: Option<Typer>,
    /// The process generation the stream was opened in (see `bridge::inherited`).
    generation: u64,
}

impl Drop for NativeStream {
    fn drop(&mut self) {
        if crate::bridge::inherited(self.generation) {
            // Inherited through fork(): its tasks and sockets are the parent's. Dropping
            // them here would deregister the parent's sockets or wake tasks of a runtime
            // that has no threads in this process: leak them instead.
            std::mem::forget(self.typer.take());
            std::mem::forget(std::mem::replace(
                &mut self.source,
                Arc::new(tokio::sync::Mutex::new(None)),
            ));
        }
    }
}

/// Takes a mutex even if a panic poisoned it (the data stays consistent: every update
/// is a single assignment).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl NativeStream {
    pub fn new(source: impl Source + 'static) -> NativeStream {
        let position = source.position();
        NativeStream {
            source: Arc::new(tokio::sync::Mutex::new(Some(Cursor {
                stream: Box::new(source),
                failed: None,
            }))),
            position: Arc::new(Mutex::new(position)),
            buffer: Mutex::new(VecDeque::new()),
            wrap: Mutex::new(None),
            batch: AtomicUsize::new(1000),
            typer: None,
            generation: messenger_connect::process::generation(),
        }
    }

    /// Refuses a stream opened in the parent process before `fork()`.
    fn check_process(&self) -> Result<(), Error> {
        if crate::bridge::inherited(self.generation) {
            return Err(Error::Config(
                "this stream was opened in the parent process before fork(); open it again in this process (its next_link / delta_link resume it)".into(),
            ));
        }
        Ok(())
    }

    /// An event stream (with its typing handle).
    pub fn events(stream: EventStream) -> NativeStream {
        let typer = stream.typer();
        let mut native = NativeStream::new(Events(stream));
        native.typer = Some(typer);
        native
    }

    fn position(&self) -> Position {
        lock(&self.position).clone()
    }

    fn wrapper(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        lock(&self.wrap).as_ref().map(|w| w.clone_ref(py))
    }

    /// The next item and those already received (at most `max`); empty at the end.
    fn gather(
        &self,
        max: usize,
    ) -> impl std::future::Future<Output = Result<Vec<Item>, Error>> + Send + 'static {
        let source = self.source.clone();
        let position = self.position.clone();
        let max = max.max(1);
        let usable = self.check_process();
        async move {
            usable?;
            let mut guard = source.lock().await;
            let Some(cursor) = guard.as_mut() else {
                return Ok(Vec::new());
            };
            // An error met after items were handed out comes first.
            if let Some(e) = cursor.failed.take() {
                return Err(e);
            }
            let mut items = Vec::new();
            let mut ended = false;
            match cursor.stream.next().await {
                Some(Ok(v)) => items.push(v),
                Some(Err(e)) => {
                    *lock(&position) = cursor.stream.position();
                    return Err(e);
                }
                None => ended = true,
            }
            // Whatever is ready without waiting (the rest of the page received).
            while !ended && items.len() < max {
                match cursor.stream.next().now_or_never() {
                    Some(Some(Ok(v))) => items.push(v),
                    Some(Some(Err(e))) => {
                        cursor.failed = Some(e);
                        break;
                    }
                    Some(None) => ended = true,
                    None => break,
                }
            }
            *lock(&position) = cursor.stream.position();
            if ended && items.is_empty() {
                *guard = None;
            }
            Ok(items)
        }
    }
}

/// Python objects of items, each passed through `wrap` when set.
pub fn convert(
    py: Python<'_>,
    items: Vec<Item>,
    wrap: Option<&Py<PyAny>>,
) -> PyResult<Vec<Py<PyAny>>> {
    items
        .into_iter()
        .map(|item| {
            let obj = item.into_py(py)?;
            match wrap {
                Some(w) => w.call1(py, (obj,)),
                None => Ok(obj),
            }
        })
        .collect()
}

#[pymethods]
impl NativeStream {
    /// Sets the function each item's Python object is passed through (a model class),
    /// and how many items to fetch per crossing (1 for pages and events, so `next_link`
    /// and `last_seq` match what the caller has received).
    #[pyo3(signature = (wrap, batch = 1000))]
    fn configure(&self, wrap: Option<Py<PyAny>>, batch: usize) {
        *lock(&self.wrap) = wrap;
        self.batch.store(batch.max(1), Ordering::Relaxed);
    }

    /// The next item, or `None` at the end.
    #[pyo3(signature = (aio = false))]
    fn next(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        if !aio && let Some(obj) = lock(&self.buffer).pop_front() {
            return Ok(obj);
        }
        let fut = self.gather(1);
        let wrap = self.wrapper(py);
        run(py, aio, async move {
            let mut items = fut.await?;
            Ok(match items.pop() {
                Some(item) => Out::Items(vec![item], wrap, true),
                None => Out::Json(Value::Null),
            })
        })
    }

    /// The next item and the others already received (at most `max`): a list, empty at
    /// the end. One crossing per page instead of one per item.
    #[pyo3(signature = (max = 1000, aio = false))]
    fn next_batch(&self, py: Python<'_>, max: usize, aio: bool) -> PyResult<Py<PyAny>> {
        let fut = self.gather(max);
        let wrap = self.wrapper(py);
        run(
            py,
            aio,
            async move { Ok(Out::Items(fut.await?, wrap, false)) },
        )
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if let Some(obj) = lock(&self.buffer).pop_front() {
            return Ok(Some(obj));
        }
        let items = block_on(py, self.gather(self.batch.load(Ordering::Relaxed)))?;
        let wrap = self.wrapper(py);
        let mut objs = convert(py, items, wrap.as_ref())?.into_iter();
        let first = objs.next();
        lock(&self.buffer).extend(objs);
        Ok(first)
    }

    /// Event streams: tells the other members of a conversation that the user is
    /// typing (sent on the stream's socket; safe while another thread or task waits on
    /// the stream).
    fn typing(&self, py: Python<'_>, conversation_id: &str) -> PyResult<()> {
        let typer = self.typer.as_ref().ok_or_else(|| {
            pyo3::exceptions::PyTypeError::new_err("typing() is only for event streams")
        })?;
        self.check_process()
            .and_then(|()| typer.typing(conversation_id))
            .map_err(|e| crate::errors::to_py_err(py, e))
    }

    /// Drops the core stream (no more items).
    fn close(&self, py: Python<'_>) {
        lock(&self.buffer).clear();
        if self.check_process().is_err() {
            return; // inherited: left alone (see Drop)
        }
        let source = self.source.clone();
        py.detach(|| {
            crate::bridge::runtime().block_on(async move {
                source.lock().await.take();
            })
        });
    }

    #[getter]
    fn next_link(&self) -> Option<String> {
        self.position().next_link
    }

    #[getter]
    fn delta_link(&self) -> Option<String> {
        self.position().delta_link
    }

    #[getter]
    fn last_seq(&self) -> Option<u64> {
        self.position().last_seq
    }

    /// Event streams: how many times the stream reconnected (after a dropped socket) up
    /// to the last item handed out; `None` for other streams.
    #[getter]
    fn reconnects(&self) -> Option<u64> {
        self.position().reconnects
    }
}
