//! `GET /v1/me/events`: the live-events WebSocket as a stream that reconnects by itself.
//!
//! A background task owns the socket. It reads frames, decodes them into [`Event`]s and
//! hands them to the [`EventStream`] through a small bounded channel (a slow reader slows
//! the socket down rather than filling memory). When the socket drops, the task reconnects
//! with backoff and `since=<last seq seen>`, so the server replays what was missed: no
//! event is lost or handed out twice (frames at or below the last seq are skipped). When
//! the server's log no longer reaches back that far, it answers `resync`, surfaced as
//! [`Event::Resync`]. Dropping the stream closes the socket and ends the task.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};

use crate::client::Client;
use crate::error::{Error, Result, check_id};
use crate::models::Event;
use crate::retry::{parse_retry_after, retryable_status};
use crate::targets::EVENTS;
use crate::transport::{Raw, error_from};

/// Options of [`Client::events`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventsOptions {
    /// Start after this sequence number (e.g. [`EventStream::last_seq`] of an earlier
    /// stream): the server first replays the events after it, or sends `resync`. `None`:
    /// live events only, from now on.
    pub since: Option<u64>,
    /// How often the client pings the server; a socket that answered nothing for a whole
    /// interval is considered dead and reconnected. `None`: no pings. Default 30 s.
    pub ping_interval: Option<Duration>,
}

impl Default for EventsOptions {
    fn default() -> Self {
        EventsOptions {
            since: None,
            ping_interval: Some(Duration::from_secs(30)),
        }
    }
}

impl EventsOptions {
    /// Resume after this sequence number.
    pub fn since(seq: u64) -> EventsOptions {
        EventsOptions {
            since: Some(seq),
            ..EventsOptions::default()
        }
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// An event with its sequence number (`None` for unlogged frames such as `typing`).
struct Delivery {
    seq: Option<u64>,
    event: Event,
}

enum Command {
    Typing(String),
}

/// The live events of the signed-in user: a `Stream` of [`Event`]s that reconnects and
/// resumes by itself (see [`Client::events`]). It ends after an error it cannot recover
/// from (yielded as its last item): a refused token, a missing scope, or
/// [`crate::RetryPolicy::max_attempts`] reconnections in a row that failed.
/// Dropping it closes the socket.
pub struct EventStream {
    rx: mpsc::Receiver<Result<Delivery>>,
    commands: mpsc::UnboundedSender<Command>,
    last_seq: Option<u64>,
    reconnects: Arc<AtomicU64>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("last_seq", &self.last_seq)
            .field("reconnects", &self.reconnects())
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// The sequence number of the last logged event handed out (or of a `resync`, or the
    /// `since` the stream started from, or the server's last seq when it opened): store it
    /// to resume later with [`EventsOptions::since`].
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    /// How many times the stream reconnected so far.
    pub fn reconnects(&self) -> u64 {
        self.reconnects.load(Ordering::Relaxed)
    }

    /// Tells the other members of a conversation that the user is typing (`chat`). Sent
    /// on the current socket; dropped when it is reconnecting (typing is ephemeral).
    pub fn typing(&self, conversation_id: &str) -> Result<()> {
        self.typer().typing(conversation_id)
    }

    /// A cloneable handle that sends typing notifications on this stream's socket, for
    /// use while another task awaits the stream (which holds it mutably).
    pub fn typer(&self) -> Typer {
        Typer {
            commands: self.commands.clone(),
        }
    }
}

/// Sends typing notifications on an [`EventStream`]'s socket (see [`EventStream::typer`]).
/// Cheap to clone; fails with [`Error::Network`] once the stream has ended.
#[derive(Clone)]
pub struct Typer {
    commands: mpsc::UnboundedSender<Command>,
}

impl std::fmt::Debug for Typer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typer")
            .field("open", &!self.commands.is_closed())
            .finish()
    }
}

impl Typer {
    /// Tells the other members of a conversation that the user is typing (`chat`); see
    /// [`EventStream::typing`].
    pub fn typing(&self, conversation_id: &str) -> Result<()> {
        check_id("conversation_id", conversation_id)?;
        self.commands
            .send(Command::Typing(conversation_id.to_string()))
            .map_err(|_| Error::Network {
                message: "the event stream has ended".into(),
                timeout: false,
            })
    }
}

impl Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Some(Ok(d))) => {
                if d.seq.is_some() {
                    self.last_seq = d.seq;
                }
                Poll::Ready(Some(Ok(d.event)))
            }
        }
    }
}

/// Why a connection attempt failed.
enum ConnectError {
    /// Not worth another attempt (401 after a renewal, 403, 400...).
    Fatal(Error),
    /// Worth another attempt, after this long if the server said so.
    Retry(Error, Option<Duration>),
}

impl ConnectError {
    fn from_error(e: Error) -> ConnectError {
        match e {
            Error::Network { .. } => ConnectError::Retry(e, None),
            e => ConnectError::Fatal(e),
        }
    }
}

impl Client {
    /// The `ws://` or `wss://` URL of the events socket.
    fn events_url(&self, since: Option<u64>) -> Result<url::Url> {
        let mut url = self.endpoint(&["v1", "me", "events"]);
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|_| Error::Config("cannot make a WebSocket URL of the base URL".into()))?;
        if let Some(seq) = since {
            url.query_pairs_mut().append_pair("since", &seq.to_string());
        }
        Ok(url)
    }

    /// One connection attempt (with one token renewal after a 401): the socket and the
    /// handshake's `Event-Seq` (the user's last seq when the socket subscribed).
    async fn connect_events(
        &self,
        since: Option<u64>,
    ) -> Result<(Socket, Option<u64>), ConnectError> {
        let url = self.events_url(since).map_err(ConnectError::Fatal)?;
        let mut renewed = false;
        loop {
            let token = self
                .access_token()
                .await
                .map_err(ConnectError::from_error)?;
            let mut request = url
                .as_str()
                .into_client_request()
                .map_err(|e| ConnectError::Fatal(Error::Config(format!("bad events URL: {e}"))))?;
            if let Some(t) = &token {
                let value = HeaderValue::from_str(&format!("Bearer {}", t.expose()))
                    .map_err(|_| ConnectError::Fatal(Error::invalid("tokens", "bad token")))?;
                request.headers_mut().insert("authorization", value);
            }
            let user_agent = concat!("messenger-connect-rust/", env!("CARGO_PKG_VERSION"));
            request
                .headers_mut()
                .insert("user-agent", HeaderValue::from_static(user_agent));
            let attempt = tokio_tungstenite::connect_async(request);
            let result = match self.request_timeout() {
                None => attempt.await,
                Some(limit) => match tokio::time::timeout(limit, attempt).await {
                    Ok(r) => r,
                    Err(_) => {
                        return Err(ConnectError::Retry(
                            Error::Network {
                                message: format!("the events handshake took longer than {limit:?}"),
                                timeout: true,
                            },
                            None,
                        ));
                    }
                },
            };
            let response = match result {
                Ok((socket, response)) => {
                    let seq = response
                        .headers()
                        .get("event-seq")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<u64>().ok());
                    return Ok((socket, seq));
                }
                Err(tungstenite::Error::Http(response)) => response,
                Err(e) => {
                    return Err(ConnectError::Retry(
                        Error::Network {
                            message: format!("events socket: {e}"),
                            timeout: false,
                        },
                        None,
                    ));
                }
            };
            let status = response.status().as_u16();
            if status == 401 && !renewed && self.can_renew() {
                renewed = true;
                tracing::info!(target: EVENTS, "events handshake: 401, renewing the tokens once");
                if let Some(failed) = &token {
                    self.renew(Some(failed))
                        .await
                        .map_err(ConnectError::from_error)?;
                }
                continue;
            }
            let raw = Raw {
                status,
                headers: response.headers().clone(),
                body: response.body().clone().unwrap_or_default(),
            };
            let error = error_from(&raw);
            return Err(if retryable_status(status) {
                let after = raw
                    .headers
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                ConnectError::Retry(error, after)
            } else {
                ConnectError::Fatal(error)
            });
        }
    }

    /// Opens the live-events socket (`chat` or `feed.read`) and returns its events as a
    /// stream. Returns once the socket is open (with retries like any call), so every
    /// event published after this returns is delivered. The bearer token goes in the
    /// handshake's `Authorization` header, renewed first if it expires (single-flight
    /// with every other call) and once after a 401.
    ///
    /// The stream reconnects by itself after a dropped socket, with backoff, resuming with
    /// `since=<last seq seen>`: each logged event is delivered once, in order. `resync`
    /// frames come out as [`Event::Resync`] (reload the state), `typing` frames as
    /// [`Event::Typing`]; pongs are swallowed; unknown event types are [`Event::Other`].
    /// Without `since`, the stream starts from the seq the handshake names (`Event-Seq`),
    /// so a socket dropped before the first event resumes without a gap too.
    ///
    /// Plain `ws://` follows the base URL's rules (loopback only unless insecure HTTP is
    /// allowed); `wss://` uses rustls with the platform's root certificates. The proxy
    /// settings of the client do not apply to the socket.
    pub async fn events(&self, options: EventsOptions) -> Result<EventStream> {
        if options.ping_interval.is_some_and(|p| p.is_zero()) {
            return Err(Error::invalid("ping_interval", "must not be zero"));
        }
        let policy = self.retry_policy().clone();
        let mut attempt = 0;
        let (socket, handshake_seq) = loop {
            attempt += 1;
            match self.connect_events(options.since).await {
                Ok(connected) => break connected,
                Err(ConnectError::Fatal(e)) => return Err(e),
                Err(ConnectError::Retry(e, after)) => {
                    if attempt >= policy.max_attempts
                        || after.is_some_and(|a| a > policy.max_retry_after)
                    {
                        return Err(e);
                    }
                    tracing::info!(target: EVENTS, attempt, error = %e, "events socket: retrying");
                    tokio::time::sleep(after.unwrap_or_else(|| policy.backoff(attempt))).await;
                }
            }
        };
        let start = options.since.or(handshake_seq);
        let (tx, rx) = mpsc::channel(64);
        let (commands, command_rx) = mpsc::unbounded_channel();
        let reconnects = Arc::new(AtomicU64::new(0));
        let runner = Runner {
            client: self.clone(),
            ping_interval: options.ping_interval,
            tx,
            commands: command_rx,
            last_seq: start,
            reconnects: reconnects.clone(),
        };
        tokio::spawn(runner.run(socket));
        Ok(EventStream {
            rx,
            commands,
            last_seq: start,
            reconnects,
        })
    }
}

/// How a connection ended.
enum Served {
    /// The stream was dropped: stop.
    Stop,
    /// The socket dropped; `frames`: it delivered something before.
    Dropped { frames: bool },
}

/// The background task of an [`EventStream`].
struct Runner {
    client: Client,
    ping_interval: Option<Duration>,
    tx: mpsc::Sender<Result<Delivery>>,
    commands: mpsc::UnboundedReceiver<Command>,
    /// The last logged seq read from a socket (what a reconnection resumes from).
    last_seq: Option<u64>,
    reconnects: Arc<AtomicU64>,
}

impl Runner {
    async fn run(mut self, first: Socket) {
        let policy = self.client.retry_policy().clone();
        let mut socket = Some(first);
        let mut failures: u32 = 0;
        let mut retry_after: Option<Duration> = None;
        loop {
            if let Some(ws) = socket.take() {
                match self.serve(ws).await {
                    Served::Stop => return,
                    Served::Dropped { frames } => {
                        tracing::info!(
                            target: EVENTS,
                            last_seq = self.last_seq,
                            "events socket dropped; reconnecting"
                        );
                        if frames {
                            failures = 0;
                        }
                    }
                }
            }
            failures += 1;
            let wait = retry_after
                .take()
                .unwrap_or_else(|| policy.backoff(failures));
            tokio::select! {
                _ = self.tx.closed() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            let since = self.last_seq;
            let connected = tokio::select! {
                _ = self.tx.closed() => return,
                r = self.client.connect_events(since) => r,
            };
            match connected {
                Ok((ws, handshake_seq)) => {
                    self.last_seq = self.last_seq.or(handshake_seq);
                    let reconnects = self.reconnects.fetch_add(1, Ordering::Relaxed) + 1;
                    tracing::info!(target: EVENTS, since, reconnects, "events socket reconnected");
                    socket = Some(ws);
                }
                Err(ConnectError::Fatal(e)) => {
                    tracing::warn!(target: EVENTS, error = %e, "events socket: giving up");
                    let _ = self.tx.send(Err(e)).await;
                    return;
                }
                Err(ConnectError::Retry(e, after)) => {
                    if failures >= policy.max_attempts
                        || after.is_some_and(|a| a > policy.max_retry_after)
                    {
                        tracing::warn!(target: EVENTS, failures, error = %e, "events socket: giving up");
                        let _ = self.tx.send(Err(e)).await;
                        return;
                    }
                    tracing::warn!(
                        target: EVENTS,
                        failures,
                        error = %e,
                        "events socket: reconnection failed"
                    );
                    retry_after = after;
                }
            }
        }
    }

    /// Reads one socket until it drops or the stream is dropped.
    async fn serve(&mut self, ws: Socket) -> Served {
        let (mut sink, mut frames) = ws.split();
        let mut received = false;
        let mut awaiting_pong = false;
        let mut ping = self.ping_interval.map(|period| {
            let mut i = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            i
        });
        loop {
            let tick = async {
                match ping.as_mut() {
                    Some(i) => {
                        i.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                frame = frames.next() => match frame {
                    None | Some(Err(_)) | Some(Ok(WsMessage::Close(_))) => {
                        return Served::Dropped { frames: received };
                    }
                    Some(Ok(WsMessage::Text(text))) => {
                        received = true;
                        awaiting_pong = false;
                        if let Some(delivery) = self.decode(text.as_str())
                            && self.tx.send(Ok(delivery)).await.is_err()
                        {
                            let _ = sink.send(WsMessage::Close(None)).await;
                            return Served::Stop;
                        }
                    }
                    Some(Ok(_)) => {
                        received = true;
                        awaiting_pong = false;
                    }
                },
                command = self.commands.recv() => match command {
                    None => {
                        let _ = sink.send(WsMessage::Close(None)).await;
                        return Served::Stop;
                    }
                    Some(Command::Typing(conversation)) => {
                        let frame = serde_json::json!({"type": "typing", "conversationId": conversation});
                        if sink.send(WsMessage::Text(frame.to_string().into())).await.is_err() {
                            return Served::Dropped { frames: received };
                        }
                    }
                },
                () = tick => {
                    if awaiting_pong {
                        tracing::debug!(target: EVENTS, "events socket: no answer to a ping");
                        return Served::Dropped { frames: received };
                    }
                    awaiting_pong = true;
                    let frame = WsMessage::Text(r#"{"type":"ping"}"#.into());
                    if sink.send(frame).await.is_err() {
                        return Served::Dropped { frames: received };
                    }
                }
            }
        }
    }

    /// Decodes a server frame; `None` for frames the caller does not see (pong, error,
    /// an event already delivered).
    fn decode(&mut self, text: &str) -> Option<Delivery> {
        let frame: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(target: EVENTS, error = %e, "events socket: a frame is not JSON; ignored");
                return None;
            }
        };
        let kind = frame.get("type").and_then(Value::as_str)?.to_string();
        let seq = frame.get("seq").and_then(Value::as_u64);
        let data = frame.get("data").cloned().unwrap_or(Value::Null);
        let text_of = |name: &str| {
            data.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        match (kind.as_str(), seq) {
            ("pong", _) => None,
            ("error", _) => {
                tracing::warn!(target: EVENTS, message = %text_of("message"), "events socket: the server refused a client frame");
                None
            }
            ("typing", _) => Some(Delivery {
                seq: None,
                event: Event::Typing {
                    conversation_id: text_of("conversationId"),
                    user_id: text_of("userId"),
                },
            }),
            ("resync", Some(seq)) => {
                self.last_seq = Some(seq);
                Some(Delivery {
                    seq: Some(seq),
                    event: Event::Resync { seq },
                })
            }
            (_, Some(seq)) => {
                if self.last_seq.is_some_and(|last| seq <= last) {
                    return None;
                }
                self.last_seq = Some(seq);
                Some(Delivery {
                    seq: Some(seq),
                    event: Event::from_parts(&kind, data),
                })
            }
            (_, None) => Some(Delivery {
                seq: None,
                event: Event::from_parts(&kind, data),
            }),
        }
    }
}
