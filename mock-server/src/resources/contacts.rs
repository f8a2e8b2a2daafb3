//! `/v1/me/contacts`: Portable Contacts fields, OData queries, ETags (DESIGN §2.2-2.3).

use std::collections::BTreeMap;

use crate::extract::Path;
use axum::Router;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::odata::Node;
use crate::resources::collection::ListQuery;
use crate::state::{AppState, ContactBook, StoredContact, World};
use crate::validate;

/// Routes of the contacts collection (delta sync included).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/me/contacts", get(list).post(create))
        .route("/v1/me/contacts/delta", get(super::delta::delta))
        .route(
            "/v1/me/contacts/{id}",
            get(get_one).patch(update).delete(remove),
        )
}

/// The server-owned part of a contact.
#[derive(Debug, Clone)]
pub struct Meta {
    /// Contact id.
    pub id: String,
    /// ETag version.
    pub version: u64,
    /// Creation time.
    pub published: DateTime<Utc>,
    /// Last change.
    pub updated: DateTime<Utc>,
    /// The contact is one of the user's friends.
    pub is_friend: bool,
    /// The friend's user id.
    pub friend_id: Option<String>,
}

const EMAIL_TYPES: &[&str] = &["home", "work", "other"];
const PHONE_TYPES: &[&str] = &["mobile", "home", "work", "other"];
const NAME_PARTS: &[&str] = &["givenName", "familyName", "middleName", "formatted"];
const ADDRESS_PARTS: &[&str] = &[
    "formatted",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
];

/// The full JSON representation of a contact from its writable fields and metadata.
/// Validates every writable field (unknown fields are ignored).
pub fn representation(fields: &Value, meta: &Meta) -> ApiResult<Value> {
    let input = validate::obj(fields, "body")?;
    let display_name = match input.get("displayName") {
        Some(v) => validate::text(v, "displayName", 256)?,
        None => {
            return Err(ApiError::validation(
                "displayName",
                "'displayName' is required",
            ));
        }
    };
    let mut name = Map::new();
    if let Some(v) = input.get("name").filter(|v| !v.is_null()) {
        let given = validate::obj(v, "name")?;
        for part in NAME_PARTS {
            if let Some(p) = given.get(*part).filter(|p| !p.is_null()) {
                name.insert(
                    part.to_string(),
                    json!(validate::string(p, &format!("name/{part}"), 0, 256)?),
                );
            }
        }
    }
    let optional_text = |key: &str, max: usize| -> ApiResult<Value> {
        match input.get(key) {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(v) => Ok(json!(validate::string(v, key, 0, max)?)),
        }
    };
    let nickname = optional_text("nickname", 256)?;
    let note = optional_text("note", 5000)?;
    let birthday = match input.get("birthday") {
        None | Some(Value::Null) => Value::Null,
        Some(v) => json!(validate::date(v, "birthday")?),
    };
    let list = |key: &str, max: usize| -> ApiResult<Vec<Value>> {
        match input.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(v) => Ok(validate::array(v, key, max)?.clone()),
        }
    };
    let mut emails = Vec::new();
    for (i, e) in list("emails", 20)?.iter().enumerate() {
        let t = format!("emails/{i}");
        let e = validate::obj(e, &t)?;
        let value = validate::email(
            e.get("value").unwrap_or(&Value::Null),
            &format!("{t}/value"),
        )?;
        let kind = match e.get("type") {
            None | Some(Value::Null) => "other".to_string(),
            Some(v) => validate::one_of(v, &format!("{t}/type"), EMAIL_TYPES)?,
        };
        let mut out = json!({ "value": value, "type": kind });
        if let Some(p) = e.get("primary").filter(|p| !p.is_null()) {
            out["primary"] = json!(validate::boolean(p, &format!("{t}/primary"))?);
        }
        emails.push(out);
    }
    let mut phones = Vec::new();
    for (i, p) in list("phoneNumbers", 20)?.iter().enumerate() {
        let t = format!("phoneNumbers/{i}");
        let p = validate::obj(p, &t)?;
        let value = validate::text(
            p.get("value").unwrap_or(&Value::Null),
            &format!("{t}/value"),
            64,
        )?;
        if !value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().x".contains(c))
        {
            return Err(ApiError::validation(
                format!("{t}/value"),
                format!("'{t}/value' must be a phone number"),
            ));
        }
        let kind = match p.get("type") {
            None | Some(Value::Null) => "mobile".to_string(),
            Some(v) => validate::one_of(v, &format!("{t}/type"), PHONE_TYPES)?,
        };
        phones.push(json!({ "value": value, "type": kind }));
    }
    let mut addresses = Vec::new();
    for (i, a) in list("addresses", 10)?.iter().enumerate() {
        let t = format!("addresses/{i}");
        let a = validate::obj(a, &t)?;
        let kind = match a.get("type") {
            None | Some(Value::Null) => "other".to_string(),
            Some(v) => validate::one_of(v, &format!("{t}/type"), EMAIL_TYPES)?,
        };
        let mut out = json!({ "type": kind });
        for part in ADDRESS_PARTS {
            if let Some(v) = a.get(*part).filter(|v| !v.is_null()) {
                out[*part] = json!(validate::string(v, &format!("{t}/{part}"), 0, 512)?);
            }
        }
        addresses.push(out);
    }
    let mut organizations = Vec::new();
    for (i, o) in list("organizations", 10)?.iter().enumerate() {
        let t = format!("organizations/{i}");
        let o = validate::obj(o, &t)?;
        let name = validate::text(
            o.get("name").unwrap_or(&Value::Null),
            &format!("{t}/name"),
            256,
        )?;
        let mut out = json!({ "name": name });
        if let Some(v) = o.get("title").filter(|v| !v.is_null()) {
            out["title"] = json!(validate::string(v, &format!("{t}/title"), 0, 256)?);
        }
        organizations.push(out);
    }
    let mut tags = Vec::new();
    for (i, tag) in list("tags", 50)?.iter().enumerate() {
        tags.push(json!(validate::text(tag, &format!("tags/{i}"), 64)?));
    }
    Ok(json!({
        "@odata.etag": etag(meta.version),
        "id": meta.id,
        "displayName": display_name,
        "name": name,
        "nickname": nickname,
        "emails": emails,
        "phoneNumbers": phones,
        "addresses": addresses,
        "organizations": organizations,
        "birthday": birthday,
        "note": note,
        "tags": tags,
        "isFriend": meta.is_friend,
        "friendId": meta.friend_id,
        "published": rfc3339(meta.published),
        "updated": rfc3339(meta.updated),
    }))
}

/// The ETag of a version.
pub fn etag(version: u64) -> String {
    format!("\"{version}\"")
}

/// Metadata read back from a stored representation.
pub fn meta_of(value: &Value, version: u64) -> Meta {
    let time = |k: &str| {
        value[k]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    Meta {
        id: value["id"].as_str().unwrap_or_default().to_string(),
        version,
        published: time("published"),
        updated: time("updated"),
        is_friend: value["isFriend"].as_bool().unwrap_or(false),
        friend_id: value["friendId"].as_str().map(str::to_string),
    }
}

/// Change-log retention (DESIGN §2.7): 7 days by the server clock.
const LOG_RETENTION_DAYS: i64 = 7;

/// Stores a contact (or removes it when `value` is None) and logs the change for delta
/// sync. Returns the stored version.
pub fn commit(
    world: &mut World,
    user_id: &str,
    id: &str,
    value: Option<Value>,
) -> Option<StoredContact> {
    let now = world.now();
    let book = world.contacts.entry(user_id.to_string()).or_default();
    book.sorted.clear();
    let stored = value.map(StoredContact::new);
    match &stored {
        Some(contact) => {
            book.items.insert(id.to_string(), contact.clone());
        }
        None => {
            book.items.remove(id);
        }
    }
    book.seq += 1;
    let seq = book.seq;
    book.log.push_back(crate::state::Change {
        seq,
        id: id.to_string(),
        at: now,
    });
    prune(book, now);
    stored
}

/// Drops log entries older than the retention; the floor remembers how far back it reaches.
pub fn prune(book: &mut ContactBook, now: DateTime<Utc>) {
    let horizon = now - chrono::Duration::days(LOG_RETENTION_DAYS);
    while book.log.front().is_some_and(|c| c.at < horizon) {
        if let Some(c) = book.log.pop_front() {
            book.floor = c.seq;
        }
    }
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    caller.require("contacts.read")?;
    let user = caller.user()?.to_string();
    let query = ListQuery::parse(
        &app,
        &user,
        "contacts",
        uri.path(),
        raw.as_deref(),
        &app.spec.contact,
    )?;
    let mut world = app.world.lock();
    // A sorted page walks the book's cached order (an ordered index) instead of sorting.
    if let Some(order) = query.sorted_order() {
        let keys = query.order_keys().to_vec();
        let sorted = world
            .contacts
            .entry(user.clone())
            .or_default()
            .sorted(&order, &keys);
        return query.respond_with(&app, &world, |opts, after| {
            crate::odata::page_presorted(&sorted, opts, after)
        });
    }
    let empty = BTreeMap::new();
    let items = world
        .contacts
        .get(&user)
        .map(|b| &b.items)
        .unwrap_or(&empty);
    query.respond(&app, &world, items)
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("contacts.write")?;
    let user = caller.user()?.to_string();
    let input = Value::Object(validate::object(&body)?);
    let mut world = app.world.lock();
    let now = world.now();
    let id = world.new_id("c");
    let version = world.next_version();
    let meta = Meta {
        id: id.clone(),
        version,
        published: now,
        updated: now,
        is_friend: false,
        friend_id: None,
    };
    let value = representation(&input, &meta)?;
    let stored = commit(&mut world, &user, &id, Some(value));
    drop(world);
    let location = format!("{}/v1/me/contacts/{id}", app.base_url());
    Ok(with_etag(
        StatusCode::CREATED,
        stored.as_ref(),
        version,
        Some(location),
    ))
}

/// A response with the contact's JSON text (empty when there is none) and its ETag.
fn with_etag(
    status: StatusCode,
    contact: Option<&StoredContact>,
    version: u64,
    location: Option<String>,
) -> Response {
    let body = contact.map(|c| c.wire().to_vec()).unwrap_or_default();
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    if let Some(l) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LOCATION, l);
    }
    response
}

fn version_of(contact: &StoredContact) -> u64 {
    contact
        .get("@odata.etag")
        .and_then(Node::as_str)
        .and_then(|e| e.trim_matches('"').parse().ok())
        .unwrap_or(0)
}

/// The contact of this user, or 404 (another user's contact is 404 too, never 403).
fn find(world: &World, user: &str, id: &str) -> ApiResult<StoredContact> {
    world
        .contacts
        .get(user)
        .and_then(|b| b.items.get(id))
        .cloned()
        .ok_or_else(|| ApiError::not_found("the contact"))
}

/// Checks `If-Match` against the current ETag (412 `preconditionFailed` on mismatch).
fn check_if_match(headers: &HeaderMap, current: &StoredContact) -> ApiResult<()> {
    let Some(wanted) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let wanted = wanted.to_str().unwrap_or("");
    let tag = etag(version_of(current));
    let matches = wanted
        .split(',')
        .map(str::trim)
        .any(|w| w == "*" || w == tag || w.strip_prefix("W/") == Some(tag.as_str()));
    if matches {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "preconditionFailed",
            "the contact changed since the ETag in If-Match was read",
        )
        .target("If-Match"))
    }
}

async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller.require("contacts.read")?;
    let user = caller.user()?;
    let contact = find(&app.world.lock(), user, &id)?;
    let version = version_of(&contact);
    Ok(with_etag(StatusCode::OK, Some(&contact), version, None))
}

async fn update(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.require("contacts.write")?;
    let user = caller.user()?.to_string();
    let patch = validate::object(&body)?;
    let mut world = app.world.lock();
    let current = find(&world, &user, &id)?;
    check_if_match(&headers, &current)?;
    let mut fields = current.to_value();
    let mut meta = meta_of(&fields, 0);
    for (k, v) in patch {
        if matches!(
            k.as_str(),
            "id" | "isFriend" | "friendId" | "published" | "updated"
        ) || k.starts_with('@')
        {
            continue;
        }
        if k == "name" && v.is_object() {
            let name = fields["name"].as_object_mut();
            if let (Some(name), Some(patch)) = (name, v.as_object()) {
                for (nk, nv) in patch {
                    if nv.is_null() {
                        name.remove(nk);
                    } else {
                        name.insert(nk.clone(), nv.clone());
                    }
                }
                continue;
            }
        }
        fields[k.as_str()] = v;
    }
    if fields.get("displayName").is_some_and(Value::is_null) {
        return Err(ApiError::validation(
            "displayName",
            "'displayName' cannot be removed",
        ));
    }
    let version = world.next_version();
    meta.version = version;
    meta.updated = world.now();
    let value = representation(&fields, &meta)?;
    let stored = commit(&mut world, &user, &id, Some(value));
    Ok(with_etag(StatusCode::OK, stored.as_ref(), version, None))
}

async fn remove(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller.require("contacts.write")?;
    let user = caller.user()?.to_string();
    let mut world = app.world.lock();
    let current = find(&world, &user, &id)?;
    check_if_match(&headers, &current)?;
    commit(&mut world, &user, &id, None);
    Ok(StatusCode::NO_CONTENT.into_response())
}
