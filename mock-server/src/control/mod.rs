//! The mock's control plane under `/_mock` (DESIGN §2.7): stable JSON that tests drive.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::{RawQuery, State};

use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::rfc3339;
use crate::config::RateLimit;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultSpec;
use crate::oauth::issue::{self, Grant};
use crate::seed::{self, SeedParams};
use crate::state::{AppState, OAuthClient, User, World};
use crate::validate;

pub mod act_as;
pub mod events;

/// Client id reported for requests made through `/_mock/act-as`.
pub const ACT_AS_CLIENT: &str = "mock-act-as";

/// Routes of the control plane.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_mock/reset", post(reset))
        .route("/_mock/users", get(list_users).post(create_user))
        .route("/_mock/clients", post(create_client))
        .route("/_mock/consents", post(create_consent))
        .route("/_mock/tokens", post(create_token))
        .route(
            "/_mock/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_mock/faults/{id}", delete(remove_fault))
        .route("/_mock/clock", get(get_clock).post(advance_clock))
        .route("/_mock/requests", get(list_requests).delete(clear_requests))
        .route("/_mock/stats", get(stats))
}

/// A user as the control plane shows it: with the password, so tests can sign in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MockUser {
    /// User id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Sign-in password.
    pub password: String,
}

/// Every user, in id order.
pub fn mock_users(world: &World) -> Vec<MockUser> {
    world.users.values().map(mock_user).collect()
}

fn mock_user(u: &User) -> MockUser {
    MockUser {
        id: u.id.clone(),
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        password: u.password.clone(),
    }
}

/// Parses a JSON body into `T`, turning serde's complaint into 400 naming the field.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let map = validate::object(body)?;
    serde_json::from_value::<T>(Value::Object(map.clone())).map_err(|e| {
        let msg = e.to_string();
        let target = culprit::<T>(&map, &msg).unwrap_or_else(|| "body".to_string());
        ApiError::validation(target, msg)
    })
}

/// The top-level field a deserialisation error is about: the one named by "missing
/// field", or else the first field whose removal makes the error go away or change.
/// (serde's messages quote the offending *value* for type errors, not the field.)
fn culprit<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    msg: &str,
) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return rest.split('`').next().map(str::to_string);
    }
    map.keys()
        .find(|k| {
            let mut without = map.clone();
            without.remove(k.as_str());
            match serde_json::from_value::<T>(Value::Object(without)) {
                Ok(_) => true,
                Err(e) => e.to_string() != msg,
            }
        })
        .cloned()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetBody {
    seed: Option<u64>,
    users: Option<usize>,
    contacts_per_user: Option<usize>,
    friends_per_user: Option<usize>,
    activities_per_user: Option<usize>,
    rate_limit: Option<RateLimit>,
}

/// `POST /_mock/reset`: every field left out keeps what the server was started with
/// (command line, environment or `MockConfig`), and the start-up fixtures are loaded
/// again, so a suite that resets between tests keeps the server it configured.
async fn reset(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    let b: ResetBody = if body.is_empty() {
        parse(b"{}")?
    } else {
        parse(&body)?
    };
    let d = &app.settings.defaults;
    let users = b.users.unwrap_or(d.users);
    if users > 1000 {
        return Err(ApiError::validation(
            "users",
            "'users' must be at most 1000",
        ));
    }
    let contacts = b.contacts_per_user.unwrap_or(d.contacts_per_user);
    if contacts > 1_000_000 {
        return Err(ApiError::validation(
            "contactsPerUser",
            "'contactsPerUser' must be at most 1000000",
        ));
    }
    if users.saturating_mul(contacts) > 2_000_000 {
        return Err(ApiError::validation(
            "contactsPerUser",
            "users × contactsPerUser must be at most 2000000",
        ));
    }
    let friends = b.friends_per_user.unwrap_or(d.friends_per_user);
    let activities = b.activities_per_user.unwrap_or(d.activities_per_user);
    if friends > 1000 || activities > 10_000 {
        let target = if friends > 1000 {
            "friendsPerUser"
        } else {
            "activitiesPerUser"
        };
        return Err(ApiError::validation(target, "too large"));
    }
    let rate_limit = b.rate_limit.unwrap_or(d.rate_limit);
    if rate_limit.limit == 0 || rate_limit.window_seconds == 0 {
        return Err(ApiError::validation(
            "rateLimit",
            "'rateLimit' needs a positive limit and windowSeconds",
        ));
    }
    let params = SeedParams {
        seed: b.seed.unwrap_or(d.seed),
        users,
        contacts_per_user: contacts,
        friends_per_user: friends,
        activities_per_user: activities,
        rate_limit,
    };
    let mut world = app.world.lock();
    seed::reset(&mut world, &params);
    if let Some(f) = &app.settings.fixtures {
        f.apply(&mut world)
            .map_err(|e| ApiError::validation("fixtures", e))?;
    }
    Ok(axum::Json(json!({ "users": mock_users(&world) })))
}

async fn list_users(State(app): State<AppState>) -> axum::Json<Value> {
    axum::Json(json!({ "users": mock_users(&app.world.lock()) }))
}

/// The fields of a new user (`displayName`, `email`, `password`), validated.
pub(crate) fn user_fields(
    map: &serde_json::Map<String, Value>,
) -> ApiResult<(String, String, String)> {
    let field = |k: &str| map.get(k).cloned().unwrap_or(Value::Null);
    let display_name = validate::text(&field("displayName"), "displayName", 100)?;
    let email = validate::email(&field("email"), "email")?;
    let password = validate::string(&field("password"), "password", 1, 256)?;
    Ok((display_name, email, password))
}

/// Adds a user (with an empty contact book); 409 when the email or id is taken.
pub(crate) fn add_user(
    world: &mut World,
    id: Option<String>,
    (display_name, email, password): (String, String, String),
) -> ApiResult<MockUser> {
    if world.user_by_email(&email).is_some() {
        return Err(
            ApiError::conflict("conflict", "a user with this email already exists").target("email"),
        );
    }
    if id.as_ref().is_some_and(|id| world.users.contains_key(id)) {
        return Err(
            ApiError::conflict("conflict", "a user with this id already exists").target("id"),
        );
    }
    let now = world.now();
    let id = match id {
        Some(id) => id,
        None => world.new_id("u"),
    };
    let (given, family) = match display_name.split_once(' ') {
        Some((g, f)) => (g.to_string(), f.to_string()),
        None => (display_name.clone(), String::new()),
    };
    let user = User {
        id: id.clone(),
        email,
        password,
        display_name,
        given_name: given,
        family_name: family,
        photo: None,
        locale: "en-US".into(),
        presence: "offline".into(),
        status_message: String::new(),
        status_updated: None,
        updated: now,
    };
    let out = mock_user(&user);
    world.users.insert(id.clone(), user);
    world.contacts.entry(id).or_default();
    Ok(out)
}

async fn create_user(State(app): State<AppState>, body: axum::body::Bytes) -> ApiResult<Response> {
    let fields = user_fields(&validate::object(&body)?)?;
    let out = add_user(&mut app.world.lock(), None, fields)?;
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

fn scopes_field(value: Option<&Value>, target: &str) -> ApiResult<BTreeSet<String>> {
    let items = validate::array(value.unwrap_or(&Value::Null), target, 64)?;
    let mut out = BTreeSet::new();
    for (i, s) in items.iter().enumerate() {
        let s = s.as_str().ok_or_else(|| {
            ApiError::validation(format!("{target}/{i}"), "a scope must be a string")
        })?;
        if !crate::oauth::SCOPES.contains(&s) {
            return Err(ApiError::validation(
                format!("{target}/{i}"),
                format!("unknown scope '{s}'"),
            ));
        }
        out.insert(s.to_string());
    }
    Ok(out)
}

/// The fields of a new app, validated.
pub(crate) struct ClientFields {
    name: String,
    redirect_uris: Vec<String>,
    web_origins: Vec<String>,
    public: bool,
    scopes: BTreeSet<String>,
}

/// Reads `name`, `redirectUris`, `webOrigins`, `public` and `scopes` (every scope when
/// absent).
pub(crate) fn client_fields(map: &serde_json::Map<String, Value>) -> ApiResult<ClientFields> {
    let name = validate::text(map.get("name").unwrap_or(&Value::Null), "name", 100)?;
    let no_uris = json!([]);
    let uris = validate::array(
        map.get("redirectUris").unwrap_or(&no_uris),
        "redirectUris",
        20,
    )?;
    let mut redirect_uris = Vec::new();
    for (i, u) in uris.iter().enumerate() {
        let target = format!("redirectUris/{i}");
        let s = validate::string(u, &target, 1, 2048)?;
        match url::Url::parse(&s) {
            Ok(parsed) if parsed.fragment().is_none() && !parsed.cannot_be_a_base() => {
                redirect_uris.push(s)
            }
            _ => {
                return Err(ApiError::validation(
                    target,
                    "a redirect URI must be an absolute URL without a fragment",
                ));
            }
        }
    }
    let web_origins = web_origins_field(map.get("webOrigins"))?;
    let public = match map.get("public") {
        None => false,
        Some(v) => validate::boolean(v, "public")?,
    };
    let scopes = match map.get("scopes") {
        None => crate::oauth::SCOPES.iter().map(|s| s.to_string()).collect(),
        Some(v) => scopes_field(Some(v), "scopes")?,
    };
    Ok(ClientFields {
        name,
        redirect_uris,
        web_origins,
        public,
        scopes,
    })
}

/// Registers an app; `id` and `secret` are generated unless given (a public app has no
/// secret). Returns the app as `POST /_mock/clients` shows it.
pub(crate) fn add_client(
    world: &mut World,
    fields: ClientFields,
    id: Option<String>,
    secret: Option<String>,
) -> ApiResult<Value> {
    if id.as_ref().is_some_and(|id| world.clients.contains_key(id)) {
        return Err(
            ApiError::conflict("conflict", "an app with this clientId already exists")
                .target("clientId"),
        );
    }
    let id = match id {
        Some(id) => id,
        None => world.new_id("app_"),
    };
    let secret = match (fields.public, secret) {
        (true, _) => None,
        (false, Some(s)) => Some(s),
        (false, None) => Some(world.new_secret("cs_")),
    };
    let client = OAuthClient {
        id: id.clone(),
        secret: secret.clone(),
        name: fields.name.clone(),
        redirect_uris: fields.redirect_uris.clone(),
        web_origins: fields.web_origins.clone(),
        scopes: fields.scopes.clone(),
    };
    world.clients.insert(id.clone(), client);
    let mut out = json!({
        "clientId": id, "name": fields.name, "redirectUris": fields.redirect_uris,
        "webOrigins": fields.web_origins, "public": fields.public, "scopes": fields.scopes,
    });
    if let Some(s) = secret {
        out["clientSecret"] = json!(s);
    }
    Ok(out)
}

async fn create_client(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let fields = client_fields(&validate::object(&body)?)?;
    let out = add_client(&mut app.world.lock(), fields, None, None)?;
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

/// `webOrigins`: at most 20 origins (`scheme://host[:port]`, nothing more), for CORS.
fn web_origins_field(value: Option<&Value>) -> ApiResult<Vec<String>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, o) in validate::array(value, "webOrigins", 20)?.iter().enumerate() {
        let target = format!("webOrigins/{i}");
        let s = validate::string(o, &target, 1, 2048)?;
        if crate::cors::origin_of(&s).as_deref() != Some(s.as_str()) {
            return Err(ApiError::validation(
                target,
                "an origin is 'scheme://host[:port]' with no path, e.g. 'http://127.0.0.1:8080'",
            ));
        }
        out.push(s);
    }
    Ok(out)
}

/// Reads `userId`, `clientId` and `scopes` and checks they exist and fit the client.
fn grant_target(
    world: &World,
    map: &serde_json::Map<String, Value>,
) -> ApiResult<(String, String, BTreeSet<String>)> {
    let user = validate::string(map.get("userId").unwrap_or(&Value::Null), "userId", 1, 100)?;
    let client = validate::string(
        map.get("clientId").unwrap_or(&Value::Null),
        "clientId",
        1,
        100,
    )?;
    let scopes = scopes_field(map.get("scopes"), "scopes")?;
    if !world.users.contains_key(&user) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let c = world
        .clients
        .get(&client)
        .ok_or_else(|| ApiError::not_found("the client").target("clientId"))?;
    if let Some(extra) = scopes.iter().find(|s| !c.scopes.contains(*s)) {
        return Err(ApiError::validation(
            "scopes",
            format!("the client may not ask for '{extra}'"),
        ));
    }
    Ok((user, client, scopes))
}

async fn create_consent(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let map = validate::object(&body)?;
    let mut world = app.world.lock();
    let (user, client, scopes) = grant_target(&world, &map)?;
    issue::record_consent(&mut world, &user, &client, &scopes);
    Ok(StatusCode::NO_CONTENT)
}

async fn create_token(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    let map = validate::object(&body)?;
    let expires_in = match map.get("expiresIn") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .filter(|n| (1..=365 * 24 * 3600).contains(n))
                .ok_or_else(|| {
                    ApiError::validation("expiresIn", "'expiresIn' must be 1 to 31536000 seconds")
                })?,
        ),
    };
    let mut world = app.world.lock();
    let (user, client, scopes) = grant_target(&world, &map)?;
    issue::record_consent(&mut world, &user, &client, &scopes);
    let family = issue::new_family(&mut world, Some(&user), &client, &scopes);
    let now = world.now();
    let body = issue::issue(
        &app,
        &mut world,
        Grant {
            family: &family,
            scopes,
            nonce: None,
            auth_time: now,
            expires_in,
        },
    );
    Ok(axum::Json(body))
}

async fn list_faults(State(app): State<AppState>) -> axum::Json<Value> {
    axum::Json(json!({ "faults": app.world.lock().faults.list() }))
}

async fn add_fault(State(app): State<AppState>, body: axum::body::Bytes) -> ApiResult<Response> {
    let spec: FaultSpec = parse(&body)?;
    spec.validate()?;
    let id = app.world.lock().faults.add(spec);
    Ok((StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response())
}

async fn clear_faults(State(app): State<AppState>) -> StatusCode {
    app.world.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn remove_fault(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if app.world.lock().faults.remove(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("the fault"))
    }
}

async fn get_clock(State(app): State<AppState>) -> axum::Json<Value> {
    axum::Json(json!({ "now": rfc3339(app.world.lock().now()) }))
}

async fn advance_clock(
    State(app): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<axum::Json<Value>> {
    let map = validate::object(&body)?;
    let seconds = map
        .get("advanceSeconds")
        .and_then(Value::as_i64)
        .filter(|s| (0..=10 * 365 * 24 * 3600).contains(s))
        .ok_or_else(|| {
            ApiError::validation(
                "advanceSeconds",
                "'advanceSeconds' must be an integer from 0 to 315360000",
            )
        })?;
    let mut world = app.world.lock();
    world
        .clock
        .advance(seconds)
        .map_err(|e| ApiError::validation("advanceSeconds", e))?;
    // What expired in the jump is forgotten now, not at the next periodic sweep.
    world.sweep();
    Ok(axum::Json(json!({ "now": rfc3339(world.now()) })))
}

/// `GET /_mock/requests?path=&method=`: each parameter at most once (400 naming it).
async fn list_requests(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::Json<Value>> {
    let mut path = None;
    let mut method = None;
    for (k, v) in crate::pipeline::query_pairs(raw.as_deref()) {
        let slot = match k.as_str() {
            "path" => &mut path,
            "method" => &mut method,
            _ => continue,
        };
        if slot.is_some() {
            return Err(ApiError::validation(
                k.clone(),
                format!("'{k}' is given more than once"),
            ));
        }
        *slot = Some(v);
    }
    let entries = app
        .world
        .lock()
        .journal
        .find(path.as_deref(), method.as_deref());
    Ok(axum::Json(json!({ "requests": entries })))
}

async fn clear_requests(State(app): State<AppState>) -> StatusCode {
    app.world.lock().journal.clear();
    StatusCode::NO_CONTENT
}

/// `GET /_mock/stats`: what the server holds in its bounded stores, to watch a long run.
async fn stats(State(app): State<AppState>) -> axum::Json<Value> {
    let world = app.world.lock();
    let sockets: usize = world.events.values().map(|l| l.subscribers.len()).sum();
    let contacts: usize = world.contacts.values().map(|b| b.items.len()).sum();
    axum::Json(json!({
        "journal": {
            "entries": world.journal.len(),
            "bytes": world.journal.bytes(),
            "maxBytes": world.journal.max_bytes(),
        },
        "idempotency": {
            "records": world.idempotency.len(),
            "bytes": world.idempotency.bytes(),
        },
        "accessTokens": world.access_tokens.len(),
        "refreshTokens": world.refresh_tokens.len(),
        "authorizationCodes": world.codes.len(),
        "deviceGrants": world.device_grants.len(),
        "eventSockets": sockets,
        "users": world.users.len(),
        "contacts": contacts,
        "requestsInProgress": app.in_progress.load(std::sync::atomic::Ordering::Acquire),
    }))
}
