//! Live events (core's `EventStream`: reconnects and resumes from the last seq by itself).
//! Each event crosses as JSON text `{"type","seq","data"}`.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use futures_util::StreamExt;
use messenger_connect::models::Event;
use messenger_connect::{EventStream, Typer};
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::{Mutex, watch};

use crate::error::{id, out, to_js};

/// The live events of the signed-in user. `next()` resolves to an event as JSON text, or
/// `null` once closed.
#[napi]
pub struct Events {
    stream: Arc<Mutex<Option<EventStream>>>,
    typer: Typer,
    closed: watch::Sender<bool>,
    /// The stream's position, copied after each `next()`: readable while a `next()` is
    /// pending and after `close()` (-1: no event yet).
    position: Arc<Position>,
}

/// The last seq handed out (-1: none) and the reconnection count.
struct Position {
    last_seq: AtomicI64,
    reconnects: AtomicI64,
}

impl Position {
    fn record(&self, stream: &EventStream) {
        let seq = stream
            .last_seq()
            .map_or(-1, |s| i64::try_from(s).unwrap_or(i64::MAX));
        self.last_seq.store(seq, Ordering::Release);
        let reconnects = i64::try_from(stream.reconnects()).unwrap_or(i64::MAX);
        self.reconnects.store(reconnects, Ordering::Release);
    }
}

impl Events {
    pub(crate) fn new(stream: EventStream) -> Events {
        let position = Arc::new(Position {
            last_seq: AtomicI64::new(-1),
            reconnects: AtomicI64::new(0),
        });
        position.record(&stream);
        Events {
            typer: stream.typer(),
            stream: Arc::new(Mutex::new(Some(stream))),
            closed: watch::channel(false).0,
            position,
        }
    }
}

/// `{"type","seq","data"}`: `seq` is the event's sequence number (`null` for `typing`;
/// the current seq for `resync`).
fn event_json(event: &Event, seq: Option<u64>) -> napi::Result<String> {
    let mut frame: Value = serde_json::to_value(event).unwrap_or(Value::Null);
    let seq = match event {
        Event::Resync { seq } => Some(*seq),
        Event::Typing { .. } => None,
        _ => seq,
    };
    if let Some(o) = frame.as_object_mut() {
        o.insert("seq".into(), json!(seq));
    }
    out(&frame)
}

#[napi]
impl Events {
    /// The next event as JSON text, or `null` once the stream is closed.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<String>> {
        let mut closed = self.closed.subscribe();
        let mut guard = self.stream.lock().await;
        if *closed.borrow_and_update() {
            *guard = None;
        }
        let Some(s) = guard.as_mut() else {
            return Ok(None);
        };
        let next = tokio::select! {
            n = s.next() => n,
            _ = closed.changed() => None,
        };
        self.position.record(s);
        match next {
            Some(Ok(event)) => event_json(&event, s.last_seq()).map(Some),
            Some(Err(e)) => {
                *guard = None;
                Err(to_js(e))
            }
            None => {
                *guard = None;
                Ok(None)
            }
        }
    }

    /// The sequence number of the last logged event handed out (store it to resume), or
    /// `null` before the first. Never waits: readable while a `next()` is pending and
    /// after `close()`.
    #[napi]
    pub fn last_seq(&self) -> Option<i64> {
        let seq = self.position.last_seq.load(Ordering::Acquire);
        (seq >= 0).then_some(seq)
    }

    /// How many times the stream reconnected (as of the last `next()`); never waits.
    #[napi]
    pub fn reconnects(&self) -> i64 {
        self.position.reconnects.load(Ordering::Acquire)
    }

    /// Tells the other members of a conversation that the user is typing; works while a
    /// `next()` is pending.
    #[napi]
    pub fn typing(&self, conversation_id: String) -> napi::Result<()> {
        id("conversationId", &conversation_id)?;
        self.typer.typing(&conversation_id).map_err(to_js)
    }

    /// Closes the socket. A pending `next()` resolves to `null`.
    #[napi]
    pub fn close(&self) {
        self.closed.send_replace(true);
        if let Ok(mut guard) = self.stream.try_lock() {
            guard.take();
        }
    }
}
