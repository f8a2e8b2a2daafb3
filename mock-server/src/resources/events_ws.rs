//! `GET /v1/me/events`: the live-events WebSocket (DESIGN §2.5, §2.8).
//!
//! Before upgrading, the request is checked like any resource request: a bad token is
//! 401, a token without `chat` or `feed.read` is 403, a bad or future `since` is 400, and a
//! plain GET without the WebSocket handshake is 426. The token comes from the
//! `Authorization` header or, for browsers (which cannot set headers on a WebSocket), from
//! the `access_token` query parameter (redacted in the journal). A handshake from a web
//! page on an origin that no app registered is 403 `originNotAllowed` (`crate::cors`).
//!
//! After upgrading, the server sends text frames `{seq, type, data}` (first the replay
//! after `since`, or one `resync` frame, then live events), `{"type":"pong"}` for each
//! `{"type":"ping"}`, `{"type":"typing","data":{conversationId,userId}}` from the other
//! members of a conversation, and `{"type":"error","data":{message}}` for a client frame it
//! cannot use (the socket stays open). Before each frame the token is checked again: once
//! it is revoked or expired, or its grant lost both scopes, the socket is closed with code
//! 1008. A reset of the mock closes sockets with code 1012. A `closeSocket` fault closes
//! the connection abruptly (no close frame) after `afterFrames` frames.

use axum::Router;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use crate::events::Inbox;

use crate::auth::{ActAs, Caller};
use crate::error::{ApiError, ApiResult};
use crate::pipeline::{bearer_token, query_pairs};
use crate::state::{AppState, World};

/// Path of the live-events socket (also the path `closeSocket` faults match).
pub const EVENTS_PATH: &str = "/v1/me/events";

/// Handshake response header: the user's last `seq` when the socket subscribed.
const EVENT_SEQ: &str = "event-seq";

/// Close code sent when the token stops being valid.
const CLOSE_POLICY: u16 = 1008;
/// Close code sent when the mock server stops.
const CLOSE_GOING_AWAY: u16 = 1001;
/// Close code sent when the mock is reset under an open socket.
const CLOSE_RESTART: u16 = 1012;
/// Close code sent after `resync` to a reader that fell too far behind ("try again later").
const CLOSE_SLOW: u16 = 1013;
/// A frame the client does not take within this long ends the connection.
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Routes of the live-events socket.
pub fn routes() -> Router<AppState> {
    Router::new().route(EVENTS_PATH, get(events))
}

/// One open socket's identity and fault.
struct Session {
    user_id: String,
    /// The token to re-check before each frame (`None` under `/_mock/act-as`).
    token: Option<String>,
    /// The caller may send `typing` frames.
    chat: bool,
    /// Close abruptly once this many frames were sent.
    close_after: Option<u64>,
    sent: u64,
}

fn insufficient_scope() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "insufficientScope",
        "live events need the 'chat' or the 'feed.read' scope",
    )
    .header(
        header::WWW_AUTHENTICATE,
        "Bearer realm=\"messenger-connect\", error=\"insufficient_scope\", scope=\"chat feed.read\"",
    )
}

fn may_listen(caller: &Caller) -> bool {
    caller.has("chat") || caller.has("feed.read")
}

async fn events(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    act_as: Option<Extension<ActAs>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> ApiResult<Response> {
    crate::cors::check_socket_origin(&app, &headers)?;
    let query = query_pairs(query.as_deref());
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let token = match &act_as {
        Some(_) => None,
        None => Some(
            bearer_token(&headers)
                .or_else(|| param("access_token"))
                .ok_or_else(|| {
                    ApiError::invalid_token(
                        "an access token is required (Authorization: Bearer ...)",
                    )
                })?,
        ),
    };
    let since = match param("since") {
        None => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            ApiError::validation("since", "'since' must be a non-negative integer")
        })?),
    };
    let (session, inbox, ws, current) = {
        let mut world = app.world.lock();
        let caller = match (&act_as, &token) {
            (Some(Extension(ActAs(user))), _) => Caller::acting_as(user.clone()),
            (None, Some(token)) => Caller::from_token(&world, token)?,
            (None, None) => return Err(ApiError::invalid_token("an access token is required")),
        };
        let user_id = caller.user()?.to_string();
        if !may_listen(&caller) {
            return Err(insufficient_scope());
        }
        let current = world.events.get(&user_id).map_or(0, |l| l.seq);
        if since.is_some_and(|s| s > current) {
            return Err(ApiError::validation(
                "since",
                format!("'since' is beyond the last event's sequence number ({current})"),
            ));
        }
        let Ok(ws) = ws else {
            return Err(ApiError::new(
                StatusCode::UPGRADE_REQUIRED,
                "upgradeRequired",
                "this endpoint is a WebSocket: send the WebSocket handshake (Upgrade: websocket)",
            )
            .header(header::UPGRADE, "websocket"));
        };
        let inbox = crate::events::subscribe(&mut world, &user_id, since)?;
        let close_after = world
            .faults
            .take_socket(EVENTS_PATH)
            .map(|f| f.after_frames.unwrap_or(0));
        let session = Session {
            user_id,
            token,
            chat: caller.has("chat"),
            close_after,
            sent: 0,
        };
        (session, inbox, ws, current)
    };
    let mut response = ws.on_upgrade(move |socket| run(app, socket, inbox, session));
    // Subscribed under the same lock that read `current`: every later event comes here.
    response
        .headers_mut()
        .insert(EVENT_SEQ, header::HeaderValue::from(current));
    Ok(response)
}

/// Serves one socket until either side closes it.
async fn run(app: AppState, mut socket: WebSocket, mut inbox: Inbox, mut session: Session) {
    let _open = app.socket_opened();
    for frame in std::mem::take(&mut inbox.replay) {
        if session.close_after.is_some_and(|n| session.sent >= n) {
            return;
        }
        if !send(&app, &mut socket, &mut session, frame.to_string().into()).await {
            return;
        }
    }
    loop {
        if session.close_after.is_some_and(|n| session.sent >= n) {
            // The closeSocket fault: drop the connection without a close frame.
            return;
        }
        tokio::select! {
            frame = inbox.recv() => match frame {
                Some(frame) => {
                    if !send(&app, &mut socket, &mut session, frame).await {
                        return;
                    }
                }
                None if inbox.overflowed() => {
                    // A slow consumer: tell it to resync (it reconnects with `since`).
                    let seq = app.world.lock().events.get(&session.user_id).map_or(0, |l| l.seq);
                    let frame = crate::events::resync_frame(seq).to_string().into();
                    if send(&app, &mut socket, &mut session, frame).await {
                        close(&mut socket, CLOSE_SLOW, "the reader fell too far behind; resync").await;
                    }
                    return;
                }
                None if app.is_stopping() => {
                    close(&mut socket, CLOSE_GOING_AWAY, "the mock server is stopping").await;
                    return;
                }
                None => {
                    close(&mut socket, CLOSE_RESTART, "the mock server was reset").await;
                    return;
                }
            },
            message = socket.recv() => match message {
                None | Some(Err(_)) => return,
                Some(Ok(Message::Text(text))) => {
                    let reply = client_frame(&app, &session, text.as_str());
                    if let Some(reply) = reply
                        && !send(&app, &mut socket, &mut session, reply.to_string().into()).await
                    {
                        return;
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    let reply = error_frame("binary frames are not supported; send JSON text frames");
                    if !send(&app, &mut socket, &mut session, reply.to_string().into()).await {
                        return;
                    }
                }
                // Pings are answered by the WebSocket layer; a close is answered on the next read.
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Sends one frame after checking that the token still stands; false when the socket
/// is done (closed for a revoked token, or gone).
async fn send(
    app: &AppState,
    socket: &mut WebSocket,
    session: &mut Session,
    frame: axum::extract::ws::Utf8Bytes,
) -> bool {
    if let Some(token) = &session.token {
        let valid = {
            let world = app.world.lock();
            Caller::from_token(&world, token).is_ok_and(|c| may_listen(&c))
        };
        if !valid {
            close(socket, CLOSE_POLICY, "the access token is no longer valid").await;
            return false;
        }
    }
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(frame))).await {
        Ok(Ok(())) => {}
        // Gone, or not reading at all: end the connection (its queue goes with it).
        Ok(Err(_)) | Err(_) => return false,
    }
    session.sent += 1;
    true
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

fn error_frame(message: impl Into<String>) -> Value {
    json!({ "type": "error", "data": { "message": message.into() } })
}

/// Handles a client frame; returns the reply, if any.
fn client_frame(app: &AppState, session: &Session, text: &str) -> Option<Value> {
    let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
        return Some(error_frame("a client frame must be a JSON object"));
    };
    match frame.get("type").and_then(Value::as_str) {
        Some("ping") => Some(json!({ "type": "pong" })),
        Some("typing") => {
            let Some(conversation) = frame
                .get("conversationId")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                return Some(error_frame(
                    "a typing frame needs 'conversationId' (a string)",
                ));
            };
            if !session.chat {
                return Some(error_frame("typing needs the 'chat' scope"));
            }
            typing(&mut app.world.lock(), &session.user_id, conversation)
        }
        Some(other) => Some(error_frame(format!(
            "unknown frame type '{other}'; expected 'ping' or 'typing'"
        ))),
        None => Some(error_frame("a client frame needs a 'type' (a string)")),
    }
}

/// Sends `typing` to the other members of a conversation. A conversation that does not
/// exist, or that the user is not a member of, is ignored (no reply, nothing sent).
fn typing(world: &mut World, user_id: &str, conversation: &str) -> Option<Value> {
    let members = conversation_members(world, conversation)?;
    if !members.iter().any(|m| m == user_id) {
        return None;
    }
    let frame = json!({
        "type": "typing",
        "data": { "conversationId": conversation, "userId": user_id },
    });
    for member in members.iter().filter(|m| *m != user_id) {
        crate::events::notify(world, member, &frame);
    }
    None
}

/// The members of a conversation, if it exists.
fn conversation_members(world: &World, conversation: &str) -> Option<Vec<String>> {
    world
        .social
        .conversations
        .get(conversation)
        .map(|c| c.members.clone())
}
