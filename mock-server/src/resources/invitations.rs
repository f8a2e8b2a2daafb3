//! `/v1/me/invitations` and `POST /_mock/invitations/{id}/accept` (DESIGN §2.7, §2.8).

use std::sync::Arc;

use crate::extract::Path;
use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::resources::social::{self, Invitation};
use crate::state::{AppState, User, World};
use crate::validate;

/// Routes of invitations (and the control-plane acceptance).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/invitations", get(list).post(create))
        .route("/v1/me/invitations/{id}", delete(cancel))
        .route("/_mock/invitations/{id}/accept", post(accept))
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("friends.invite")?;
    let user = caller.user()?.to_string();
    social::list(
        &app,
        &user,
        "invitations",
        uri.path(),
        raw.as_deref(),
        &app.spec.invitation,
        |world| {
            Ok(world
                .social
                .invitations
                .iter()
                .filter(|(_, inv)| inv.owner == user)
                .map(|(id, inv)| (id.clone(), Arc::new(inv.value.clone())))
                .collect())
        },
    )
}

/// The primary email of a contact, else its first one.
fn contact_email(contact: &Value) -> Option<String> {
    let emails = contact["emails"].as_array()?;
    emails
        .iter()
        .find(|e| e["primary"] == json!(true))
        .or_else(|| emails.first())
        .and_then(|e| e["value"].as_str())
        .map(str::to_string)
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("friends.invite")?;
    let user_id = caller.user()?.to_string();
    let input = validate::object(&body)?;
    let message = match input.get("message") {
        None | Some(Value::Null) => None,
        Some(v) => Some(validate::string(v, "message", 0, 500)?),
    };
    let email_field = input.get("email").filter(|v| !v.is_null());
    let contact_field = input.get("contactId").filter(|v| !v.is_null());
    let mut world = app.world.lock();
    let (email, contact_id, target) = match (email_field, contact_field) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "contactId",
                "give either 'email' or 'contactId', not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::validation(
                "email",
                "'email' or 'contactId' is required",
            ));
        }
        (Some(e), None) => (validate::email(e, "email")?, None, "email"),
        (None, Some(c)) => {
            let id = validate::string(c, "contactId", 1, 100)?;
            let contact = world
                .contacts
                .get(&user_id)
                .and_then(|b| b.items.get(&id))
                .cloned()
                .ok_or_else(|| ApiError::not_found("the contact").target("contactId"))?;
            let email = contact_email(&contact.to_value()).ok_or_else(|| {
                ApiError::validation("contactId", "this contact has no email address to invite")
            })?;
            (email, Some(id), "contactId")
        }
    };
    let me = world
        .users
        .get(&user_id)
        .ok_or_else(|| ApiError::not_found("the user"))?;
    if me.email.eq_ignore_ascii_case(&email) {
        return Err(ApiError::validation(target, "you cannot invite yourself"));
    }
    if let Some(other) = world.user_by_email(&email)
        && world.social.are_friends(&user_id, &other.id)
    {
        return Err(ApiError::conflict(
            "alreadyFriends",
            "the person with this email is already your friend",
        )
        .target(target));
    }
    let id = world.new_id("inv");
    let mut value = json!({
        "id": id,
        "email": email,
        "status": "pending",
        "created": rfc3339(world.now()),
    });
    if let Some(c) = contact_id {
        value["contactId"] = json!(c);
    }
    if let Some(m) = message {
        value["message"] = json!(m);
    }
    world.social.invitations.insert(
        id.clone(),
        Invitation {
            owner: user_id,
            value: value.clone(),
        },
    );
    drop(world);
    let mut response = (StatusCode::CREATED, axum::Json(value)).into_response();
    if let Ok(l) = HeaderValue::from_str(&format!("{}/v1/me/invitations/{id}", app.base_url())) {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

async fn cancel(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller.require("friends.invite")?;
    let user_id = caller.user()?.to_string();
    let mut world = app.world.lock();
    let inv = world
        .social
        .invitations
        .get_mut(&id)
        .filter(|inv| inv.owner == user_id)
        .ok_or_else(|| ApiError::not_found("the invitation"))?;
    match inv.value["status"].as_str() {
        Some("accepted") => Err(ApiError::conflict(
            "invitationNotPending",
            "the invitation was already accepted",
        )),
        _ => {
            inv.value["status"] = json!("cancelled");
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// A new user for an invited email, with a generated password.
fn new_user(world: &mut World, email: &str) -> String {
    let id = world.new_id("u");
    let password = world.new_secret("pw-")[..15].to_string();
    let local = email.split('@').next().unwrap_or(email);
    let display_name = local
        .split(['.', '_', '-', '+'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = if display_name.is_empty() {
        email.to_string()
    } else {
        display_name
    };
    let now = world.now();
    let user = User::new(id.clone(), email.to_string(), password, display_name, now);
    world.users.insert(id.clone(), user);
    world.contacts.entry(id.clone()).or_default();
    id
}

async fn accept(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    accept_invitation(&app, &id).map(axum::Json)
}

/// The invited person accepts invitation `id` (`POST /_mock/invitations/{id}/accept`):
/// the existing user with its email, or a new one made for it, and the inviter become
/// friends; the inviter's contact, if the invitation came from one, becomes a friend too.
/// Returns the accepted invitation.
pub fn accept_invitation(app: &crate::state::App, id: &str) -> ApiResult<Value> {
    let mut world = app.world.lock();
    let inv = world
        .social
        .invitations
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("the invitation"))?;
    if inv.value["status"] != json!("pending") {
        return Err(ApiError::conflict(
            "invitationNotPending",
            format!(
                "the invitation is {}, not pending",
                inv.value["status"].as_str().unwrap_or("unknown")
            ),
        ));
    }
    let email = inv.value["email"].as_str().unwrap_or_default().to_string();
    let friend_id = match world.user_by_email(&email) {
        Some(u) => u.id.clone(),
        None => new_user(&mut world, &email),
    };
    let now = world.now();
    world.social.befriend(&inv.owner, &friend_id, now);
    let mut value = inv.value.clone();
    value["status"] = json!("accepted");
    value["friendId"] = json!(friend_id);
    if let Some(stored) = world.social.invitations.get_mut(id) {
        stored.value = value.clone();
    }
    // The inviter's contact, if the invitation came from one, is now a friend.
    if let Some(contact_id) = value["contactId"].as_str() {
        let current = world
            .contacts
            .get(&inv.owner)
            .and_then(|b| b.items.get(contact_id))
            .cloned();
        if let Some(current) = current {
            let version = world.next_version();
            let mut contact = current.to_value();
            contact["isFriend"] = json!(true);
            contact["friendId"] = json!(friend_id);
            contact["updated"] = json!(rfc3339(now));
            contact["@odata.etag"] = json!(crate::resources::contacts::etag(version));
            crate::resources::contacts::commit(
                &mut world,
                &inv.owner,
                contact_id,
                Some(contact.clone()),
            );
            crate::events::publish(&mut world, &inv.owner, "contact.changed", contact);
        }
    }
    Ok(value)
}
