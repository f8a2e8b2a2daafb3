//! Live events (core's `EventStream`: reconnects and resumes from the last seq by itself).
//! Each event crosses as JSON text `{"type","seq","data"}`.

use std::sync::Arc;

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
}

impl Events {
    pub(crate) fn new(stream: EventStream) -> Events {
        Events {
            typer: stream.typer(),
            stream: Arc::new(Mutex::new(Some(stream))),
            closed: watch::channel(false).0,
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

    /// The sequence number of the last logged event handed out (store it to resume).
    #[napi]
    pub async fn last_seq(&self) -> Option<i64> {
        let guard = self.stream.lock().await;
        guard
            .as_ref()
            .and_then(EventStream::last_seq)
            .map(|s| s as i64)
    }

    /// How many times the stream reconnected.
    #[napi]
    pub async fn reconnects(&self) -> i64 {
        let guard = self.stream.lock().await;
        guard.as_ref().map_or(0, |s| s.reconnects() as i64)
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
