//! `/v1/me/conversations` and their messages (DESIGN §2.8).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::extract::Path;
use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::resources::social::{self, Conversation, ascending, descending, person};
use crate::state::{AppState, World};
use crate::validate;

/// Largest number of other members in a conversation.
const MAX_MEMBERS: usize = 50;

/// Routes of chat.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/conversations", get(list).post(create))
        .route(
            "/v1/me/conversations/{id}/messages",
            get(list_messages).post(send),
        )
}

/// A conversation as the API shows it.
fn conversation_json(world: &World, id: &str, c: &Conversation) -> Value {
    let members: Vec<Value> = c.members.iter().map(|m| person(world, m)).collect();
    let mut v = json!({ "id": id, "members": members, "created": rfc3339(c.created) });
    if let Some(m) = &c.last_message {
        v["lastMessage"] = (**m).clone();
    }
    v
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("chat")?;
    let user = caller.user()?.to_string();
    social::list(
        &app,
        &user,
        "conversations",
        uri.path(),
        raw.as_deref(),
        &app.spec.conversation,
        |world| {
            Ok(world
                .social
                .conversations
                .iter()
                .filter(|(_, c)| c.members.contains(&user))
                .map(|(id, c)| {
                    (
                        format!("{}{id}", descending(c.last_seq)),
                        Arc::new(conversation_json(world, id, c)),
                    )
                })
                .collect())
        },
    )
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("chat")?;
    let user = caller.user()?.to_string();
    let input = validate::object(&body)?;
    let items = validate::array(
        input.get("members").unwrap_or(&Value::Null),
        "members",
        MAX_MEMBERS,
    )?;
    let mut others = Vec::new();
    for (i, m) in items.iter().enumerate() {
        let id = validate::string(m, &format!("members/{i}"), 1, 100)?;
        if id != user {
            others.push((i, id));
        }
    }
    if others.is_empty() {
        return Err(ApiError::validation(
            "members",
            "'members' must name at least one other user",
        ));
    }
    let mut world = app.world.lock();
    for (i, id) in &others {
        if !world.users.contains_key(id) {
            return Err(ApiError::not_found("the user").target(format!("members/{i}")));
        }
        if !world.social.are_friends(&user, id) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "notFriends",
                "you can only chat with your friends",
            )
            .target(format!("members/{i}")));
        }
    }
    let members =
        social::distinct(std::iter::once(user.clone()).chain(others.into_iter().map(|(_, id)| id)));
    if members.len() == 2 {
        let existing =
            world.social.conversations.iter().find(|(_, c)| {
                c.members.len() == 2 && members.iter().all(|m| c.members.contains(m))
            });
        if let Some((id, c)) = existing {
            let value = conversation_json(&world, id, c);
            return Ok((StatusCode::OK, axum::Json(value)).into_response());
        }
    }
    let id = world.new_id("conv");
    let seq = world.social.next_seq();
    let conversation = Conversation {
        members,
        created: world.now(),
        last_seq: seq,
        last_message: None,
        messages: BTreeMap::new(),
        client_ids: HashMap::new(),
    };
    let value = conversation_json(&world, &id, &conversation);
    world.social.conversations.insert(id.clone(), conversation);
    drop(world);
    let mut response = (StatusCode::CREATED, axum::Json(value)).into_response();
    if let Ok(l) = HeaderValue::from_str(&format!(
        "{}/v1/me/conversations/{id}/messages",
        app.base_url()
    )) {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

/// The conversation if the user is a member, else 404.
fn membership<'a>(world: &'a World, user: &str, id: &str) -> ApiResult<&'a Conversation> {
    world
        .social
        .conversations
        .get(id)
        .filter(|c| c.members.iter().any(|m| m == user))
        .ok_or_else(|| ApiError::not_found("the conversation"))
}

async fn list_messages(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("chat")?;
    let user = caller.user()?.to_string();
    social::list(
        &app,
        &user,
        &format!("messages:{id}"),
        uri.path(),
        raw.as_deref(),
        &app.spec.message,
        |world| {
            let c = membership(world, &user, &id)?;
            Ok(c.messages
                .iter()
                .map(|(seq, m)| (ascending(*seq), m.clone()))
                .collect())
        },
    )
}

async fn send(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("chat")?;
    let user = caller.user()?.to_string();
    let input = validate::object(&body)?;
    let text = validate::text(input.get("text").unwrap_or(&Value::Null), "text", 4000)?;
    let client_message_id = match input.get("clientMessageId") {
        None | Some(Value::Null) => None,
        Some(v) => Some(validate::string(v, "clientMessageId", 1, 100)?),
    };
    let mut world = app.world.lock();
    let conversation = membership(&world, &user, &id)?;
    if let Some(cm) = &client_message_id
        && let Some(seq) = conversation.client_ids.get(&(user.clone(), cm.clone()))
        && let Some(original) = conversation.messages.get(seq)
    {
        let mut response = (StatusCode::OK, axum::Json((**original).clone())).into_response();
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }
    let message_id = world.new_id("msg");
    let seq = world.social.next_seq();
    let mut message = json!({
        "id": message_id,
        "conversationId": id,
        "sender": person(&world, &user),
        "text": text,
        "sent": rfc3339(world.now()),
    });
    if let Some(cm) = &client_message_id {
        message["clientMessageId"] = json!(cm);
    }
    let message = Arc::new(message);
    let members = match world.social.conversations.get_mut(&id) {
        Some(c) => {
            c.messages.insert(seq, message.clone());
            if let Some(cm) = client_message_id {
                c.client_ids.insert((user.clone(), cm), seq);
            }
            c.last_seq = seq;
            c.last_message = Some(message.clone());
            c.members.clone()
        }
        None => return Err(ApiError::not_found("the conversation")),
    };
    for member in members {
        crate::events::publish(&mut world, &member, "message.created", (*message).clone());
    }
    drop(world);
    Ok((StatusCode::CREATED, axum::Json((*message).clone())).into_response())
}
