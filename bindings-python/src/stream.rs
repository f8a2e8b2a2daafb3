//! Item, page and event streams of core as one Python-facing cursor: `next(aio)` gives
//! the next item's wire form, or `None` at the end. The links to resume from are kept
//! after each step so they can be read without waiting.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::{FutureExt, Stream, StreamExt};
use messenger_connect::models::Event;
use messenger_connect::{Error, EventStream, ItemStream, Page, PageStream};
use pyo3::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::bridge::run;
use crate::convert::{Out, to_value};

/// Where a stream is: what to store to resume it.
#[derive(Default, Clone)]
pub struct Position {
    next_link: Option<String>,
    delta_link: Option<String>,
    last_seq: Option<u64>,
}

/// A core stream whose items are handed out as JSON.
pub trait Source: Stream<Item = Result<Value, Error>> + Send + Unpin {
    fn position(&self) -> Position;
}

pub struct Items<T>(pub ItemStream<T>);
pub struct Pages<T>(pub PageStream<T>);
pub struct Events(pub EventStream);

impl<T> Stream for Items<T>
where
    T: DeserializeOwned + Serialize + Send + Unpin + 'static,
{
    type Item = Result<Value, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(|item| to_value(&item))))
    }
}

impl<T> Source for Items<T>
where
    T: DeserializeOwned + Serialize + Send + Unpin + 'static,
{
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
        }
    }
}

impl<T> Stream for Pages<T>
where
    T: DeserializeOwned + Serialize + Send + Unpin + 'static,
{
    type Item = Result<Value, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(|page: Page<T>| to_value(&page))))
    }
}

impl<T> Source for Pages<T>
where
    T: DeserializeOwned + Serialize + Send + Unpin + 'static,
{
    fn position(&self) -> Position {
        Position {
            next_link: self.0.next_link().map(str::to_string),
            delta_link: self.0.delta_link().map(str::to_string),
            last_seq: None,
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
    type Item = Result<Value, Error>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0
            .poll_next_unpin(cx)
            .map(|o| o.map(|r| r.and_then(|e| event_json(&e))))
    }
}

impl Source for Events {
    fn position(&self) -> Position {
        Position {
            last_seq: self.0.last_seq(),
            ..Position::default()
        }
    }
}

/// A stream handed to Python. `next` is safe from several threads or tasks at once (they
/// take turns); `close` drops the core stream (cancelling a prefetch, closing a socket).
/// A core stream, and an error it yielded while a batch was being gathered.
struct Cursor {
    stream: Box<dyn Source>,
    failed: Option<Error>,
}

#[pyclass(module = "messenger_connect._native", frozen)]
pub struct NativeStream {
    source: Arc<tokio::sync::Mutex<Option<Cursor>>>,
    position: Arc<Mutex<Position>>,
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
        }
    }

    fn position(&self) -> Position {
        self.position
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[pymethods]
impl NativeStream {
    /// The next item (its wire form), or `None` at the end.
    #[pyo3(signature = (aio = false))]
    fn next(&self, py: Python<'_>, aio: bool) -> PyResult<Py<PyAny>> {
        let source = self.source.clone();
        let position = self.position.clone();
        run(py, aio, async move {
            let mut guard = source.lock().await;
            let Some(cursor) = guard.as_mut() else {
                return Ok(Out::Json(Value::Null));
            };
            if let Some(e) = cursor.failed.take() {
                return Err(e);
            }
            let item = cursor.stream.next().await;
            *position.lock().unwrap_or_else(|p| p.into_inner()) = cursor.stream.position();
            match item {
                Some(Ok(v)) => Ok(Out::Json(v)),
                Some(Err(e)) => Err(e),
                None => {
                    *guard = None;
                    Ok(Out::Json(Value::Null))
                }
            }
        })
    }

    /// The next item and the others already received (at most `max`): a list, empty at
    /// the end. One crossing per page instead of one per item.
    #[pyo3(signature = (max = 1000, aio = false))]
    fn next_batch(&self, py: Python<'_>, max: usize, aio: bool) -> PyResult<Py<PyAny>> {
        let source = self.source.clone();
        let position = self.position.clone();
        let max = max.max(1);
        run(py, aio, async move {
            let mut guard = source.lock().await;
            let Some(cursor) = guard.as_mut() else {
                return Ok(Out::Json(Value::Array(Vec::new())));
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
                    *position.lock().unwrap_or_else(|p| p.into_inner()) = cursor.stream.position();
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
            *position.lock().unwrap_or_else(|p| p.into_inner()) = cursor.stream.position();
            if ended && items.is_empty() {
                *guard = None;
            }
            Ok(Out::Json(Value::Array(items)))
        })
    }

    /// Drops the core stream (no more items).
    fn close(&self, py: Python<'_>) {
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
}
