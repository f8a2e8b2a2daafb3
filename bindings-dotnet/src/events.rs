//! Live events: the `Event` enum, `EventsOptions`, and `EventSubscription`, the pull
//! side of core's reconnecting `EventStream` (`next` awaits the next event; the C# layer
//! loops on it). `typing` works while a `next` is pending; `close` ends a pending `next`
//! (it returns `None`) and closes the socket.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use messenger_connect as mc;
use messenger_connect::models as m;
use tokio::sync::watch;

use crate::errors::{MessengerConnectError, Result};
use crate::models::{Activity, Contact, Message, Presence, to_system_time};

/// Options of `Client::events`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EventsOptions {
    /// Start after this sequence number (e.g. `last_seq` of an earlier subscription): the
    /// server first replays what came after it, or sends `Resync`. `None`: from now on.
    pub since: Option<u64>,
    /// How often to ping the server (a silent socket is reconnected): `None` 30 s,
    /// `0` never.
    pub ping_interval_ms: Option<u64>,
}

impl EventsOptions {
    /// Core's options.
    pub(crate) fn into_core(self) -> Result<mc::EventsOptions> {
        let default = mc::EventsOptions::default();
        let ping_interval = match self.ping_interval_ms {
            None => default.ping_interval,
            Some(0) => None,
            Some(ms) => Some(Duration::from_millis(ms)),
        };
        Ok(mc::EventsOptions {
            since: self.since,
            ping_interval,
        })
    }
}

/// A user's presence changed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PresenceChange {
    /// The user.
    pub user_id: String,
    /// The new presence (as I may see it).
    pub presence: Presence,
}

/// A user's status changed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StatusChange {
    /// The user.
    pub user_id: String,
    /// The user's display name.
    pub display_name: String,
    /// The status message.
    pub message: String,
    /// The presence (as I may see it).
    pub presence: Presence,
    /// When it changed.
    pub updated: Option<SystemTime>,
}

/// One live event. Logged events (all but `Typing`) carry their sequence number `seq`
/// (every variant has it, so C# declares `Seq` on `Event` itself) and advance the
/// subscription's `last_seq`.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Event {
    /// A message in one of my conversations (mine included).
    MessageCreated {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The message.
        message: Message,
    },
    /// A friend's (or my) presence changed.
    PresenceChanged {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The change.
        change: PresenceChange,
    },
    /// A friend's (or my) status changed.
    StatusChanged {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The change.
        change: StatusChange,
    },
    /// A friend posted an activity.
    ActivityCreated {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The activity.
        activity: Activity,
    },
    /// One of my contacts changed (e.g. became a friend).
    ContactChanged {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The contact as it is now.
        contact: Contact,
    },
    /// Another member of a conversation is typing (not logged, never replayed: no `seq`).
    Typing {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The conversation.
        conversation_id: String,
        /// Who is typing.
        user_id: String,
    },
    /// Events were lost: reload the state (messages, feed...). Goes on from `seq`, the
    /// current sequence number.
    Resync {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
    },
    /// An event type this version does not know (or could not decode).
    Other {
        /// The event's sequence number (resume after it with `EventsOptions.since`);
        /// none (`null` in C#) for an event that is not logged (`Typing`).
        seq: Option<u64>,
        /// The event's `type`.
        kind: String,
        /// The event's `data`, as JSON text.
        data_json: String,
    },
}

impl Event {
    /// Our event from core's, with its sequence number (`None` if it is not logged).
    fn new(e: m::Event, seq: Option<u64>) -> Self {
        match e {
            m::Event::MessageCreated(msg) => Event::MessageCreated {
                seq,
                message: msg.into(),
            },
            m::Event::PresenceChanged(p) => Event::PresenceChanged {
                seq,
                change: PresenceChange {
                    user_id: p.user_id,
                    presence: p.presence.into(),
                },
            },
            m::Event::StatusChanged(s) => Event::StatusChanged {
                seq,
                change: StatusChange {
                    user_id: s.user_id,
                    display_name: s.display_name,
                    message: s.message,
                    presence: s.presence.into(),
                    updated: s.updated.map(to_system_time),
                },
            },
            m::Event::ActivityCreated(a) => Event::ActivityCreated {
                seq,
                activity: a.into(),
            },
            m::Event::ContactChanged(c) => Event::ContactChanged {
                seq,
                contact: c.into(),
            },
            m::Event::Typing {
                conversation_id,
                user_id,
            } => Event::Typing {
                seq: None,
                conversation_id,
                user_id,
            },
            m::Event::Resync { seq } => Event::Resync { seq: Some(seq) },
            m::Event::Other { kind, data } => Event::Other {
                seq,
                kind,
                data_json: data.to_string(),
            },
            other => {
                let kind = other.kind().to_string();
                let data_json = serde_json::to_value(&other)
                    .ok()
                    .and_then(|v| v.get("data").map(ToString::to_string))
                    .unwrap_or_else(|| "null".to_string());
                Event::Other {
                    seq,
                    kind,
                    data_json,
                }
            }
        }
    }
}

/// Counters of a subscription, updated after each `next`.
#[derive(Debug, Default, Clone, Copy)]
struct Progress {
    last_seq: Option<u64>,
    reconnects: u64,
}

/// An open live-events subscription (see `Client::events`).
#[derive(uniffi::Object)]
pub struct EventSubscription {
    stream: tokio::sync::Mutex<Option<mc::EventStream>>,
    typer: mc::Typer,
    progress: Mutex<Progress>,
    closed: watch::Sender<bool>,
}

impl std::fmt::Debug for EventSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSubscription")
            .field("progress", &self.progress())
            .field("closed", &*self.closed.borrow())
            .finish_non_exhaustive()
    }
}

impl EventSubscription {
    /// Wraps core's stream.
    pub(crate) fn new(stream: mc::EventStream) -> Arc<EventSubscription> {
        let progress = Progress {
            last_seq: stream.last_seq(),
            reconnects: stream.reconnects(),
        };
        Arc::new(EventSubscription {
            typer: stream.typer(),
            stream: tokio::sync::Mutex::new(Some(stream)),
            progress: Mutex::new(progress),
            closed: watch::channel(false).0,
        })
    }

    fn progress(&self) -> Progress {
        *self.progress.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl EventSubscription {
    /// The next event; `None` when the subscription is closed or the stream ended. An
    /// error it cannot recover from (refused token, missing scope, reconnections that
    /// kept failing) is returned once, then `None`.
    pub async fn next(&self) -> Result<Option<Event>> {
        let mut closed = self.closed.subscribe();
        let mut guard = self.stream.lock().await;
        if *closed.borrow() {
            guard.take();
            return Ok(None);
        }
        let Some(stream) = guard.as_mut() else {
            return Ok(None);
        };
        let item = tokio::select! {
            item = stream.next() => Some(item),
            _ = closed.wait_for(|c| *c) => None,
        };
        let Some(item) = item else {
            guard.take();
            return Ok(None);
        };
        let before = self.progress().last_seq;
        let after = stream.last_seq();
        *self.progress.lock().unwrap_or_else(|p| p.into_inner()) = Progress {
            last_seq: after,
            reconnects: stream.reconnects(),
        };
        match item {
            // A logged event moves `last_seq` to its own seq; one that is not leaves it.
            Some(Ok(event)) => Ok(Some(Event::new(event, after.filter(|_| after != before)))),
            Some(Err(e)) => {
                guard.take();
                Err(e.into())
            }
            None => {
                guard.take();
                Ok(None)
            }
        }
    }

    /// Tells the other members of a conversation that the user is typing (`chat`); sent
    /// on the current socket, dropped while reconnecting.
    pub fn typing(&self, conversation_id: String) -> Result<()> {
        if *self.closed.borrow() {
            return Err(MessengerConnectError::closed("event subscription"));
        }
        Ok(self.typer.typing(&conversation_id)?)
    }

    /// The sequence number of the last logged event received (store it to resume with
    /// `EventsOptions::since`).
    pub fn last_seq(&self) -> Option<u64> {
        self.progress().last_seq
    }

    /// How many times the socket reconnected so far (as of the last `next`).
    pub fn reconnects(&self) -> u64 {
        self.progress().reconnects
    }

    /// Closes the subscription and its socket; a pending `next` returns `None`.
    /// Idempotent.
    pub fn close(&self) {
        self.closed.send_replace(true);
        if let Ok(mut guard) = self.stream.try_lock() {
            guard.take();
        }
    }

    /// Whether `close` was called.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }
}
