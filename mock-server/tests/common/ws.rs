//! A WebSocket client for the live-events socket, over a real connection.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Env;

/// An open live-events socket.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a frame before failing (a guard, not a synchronisation).
pub const GUARD: Duration = Duration::from_secs(10);

/// The WebSocket URL of `/v1/me/events` with a query string (`""` for none).
pub fn events_url(env: &Env, query: &str) -> String {
    let base = env.base.replacen("http://", "ws://", 1);
    if query.is_empty() {
        format!("{base}/v1/me/events")
    } else {
        format!("{base}/v1/me/events?{query}")
    }
}

/// Opens `/_mock/act-as/{user}/events`: the user's socket without a token.
#[allow(dead_code)]
pub async fn connect_as(env: &Env, user: &str) -> Ws {
    let url = format!(
        "{}/_mock/act-as/{user}/events",
        env.base.replacen("http://", "ws://", 1)
    );
    let (ws, response) = tokio::time::timeout(GUARD, tokio_tungstenite::connect_async(url))
        .await
        .expect("handshake timed out")
        .expect("act-as handshake accepted");
    assert_eq!(response.status().as_u16(), 101);
    ws
}

/// Opens the socket; on a refused handshake, the HTTP status and JSON body.
pub async fn try_connect(env: &Env, token: Option<&str>, query: &str) -> Result<Ws, (u16, Value)> {
    try_connect_seq(env, token, query).await.map(|(ws, _)| ws)
}

/// [`try_connect`], also returning the handshake's `Event-Seq` header (required).
#[allow(dead_code)]
pub async fn try_connect_seq(
    env: &Env,
    token: Option<&str>,
    query: &str,
) -> Result<(Ws, u64), (u16, Value)> {
    let mut request = events_url(env, query)
        .into_client_request()
        .expect("websocket request");
    if let Some(t) = token {
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {t}")).expect("header"),
        );
    }
    match tokio::time::timeout(GUARD, tokio_tungstenite::connect_async(request))
        .await
        .expect("handshake timed out")
    {
        Ok((ws, response)) => {
            assert_eq!(response.status().as_u16(), 101);
            let seq = response
                .headers()
                .get("event-seq")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .expect("the handshake carries Event-Seq");
            Ok((ws, seq))
        }
        Err(Error::Http(response)) => {
            let body = response
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            Err((response.status().as_u16(), body))
        }
        Err(e) => panic!("websocket handshake failed: {e}"),
    }
}

/// The status and body of a handshake the server must refuse.
pub async fn refused(env: &Env, token: Option<&str>, query: &str) -> (u16, Value) {
    match try_connect(env, token, query).await {
        Ok(_) => panic!("the handshake was accepted"),
        Err(refusal) => refusal,
    }
}

/// Opens the socket with a bearer token, optionally resuming after `since`.
pub async fn connect(env: &Env, token: &str, since: Option<u64>) -> Ws {
    let query = since.map(|s| format!("since={s}")).unwrap_or_default();
    match try_connect(env, Some(token), &query).await {
        Ok(ws) => ws,
        Err((status, body)) => panic!("handshake refused: {status} {body}"),
    }
}

/// What the socket yielded next.
#[derive(Debug)]
pub enum Next {
    /// A JSON text frame.
    Frame(Value),
    /// A close frame (the server closed the socket cleanly).
    Closed(Option<CloseFrame>),
    /// The connection ended without a close frame (or with an error).
    Dropped,
}

/// The next frame, close or drop; control frames are skipped. Fails the test after [`GUARD`].
pub async fn next(ws: &mut Ws) -> Next {
    loop {
        let item = tokio::time::timeout(GUARD, ws.next())
            .await
            .expect("no frame from the server within the guard time");
        match item {
            Some(Ok(Message::Text(t))) => {
                return Next::Frame(serde_json::from_str(t.as_str()).expect("a JSON frame"));
            }
            Some(Ok(Message::Close(frame))) => return Next::Closed(frame),
            Some(Ok(Message::Binary(_))) => panic!("unexpected binary frame"),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Next::Dropped,
        }
    }
}

/// The next JSON frame; fails the test if the socket closes instead.
pub async fn frame(ws: &mut Ws) -> Value {
    match next(ws).await {
        Next::Frame(v) => v,
        other => panic!("expected a frame, got {other:?}"),
    }
}

/// Sends a JSON text frame.
pub async fn send(ws: &mut Ws, value: Value) {
    ws.send(Message::text(value.to_string()))
        .await
        .expect("frame sent");
}

/// Publishes a test event for `user_id` through the control plane; returns its frame.
pub async fn publish(env: &Env, user_id: &str, kind: &str, data: Value) -> Value {
    let r = env
        .control(
            Method::POST,
            &format!("/_mock/events/{user_id}"),
            Some(json!({ "type": kind, "data": data })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

/// Publishes `n` numbered test events (`data.n` = 0..n) and returns their seqs.
pub async fn publish_many(env: &Env, user_id: &str, n: usize) -> Vec<u64> {
    let mut seqs = Vec::with_capacity(n);
    for i in 0..n {
        let frame = publish(env, user_id, "contact.changed", json!({ "n": i })).await;
        seqs.push(frame["seq"].as_u64().expect("seq"));
    }
    seqs
}
