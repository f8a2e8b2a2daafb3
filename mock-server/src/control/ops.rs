//! What each control-plane operation does, over the server's state and on typed values:
//! the `/_mock` HTTP handlers and the in-process [`super::Control`] both call these, so
//! the two behave alike (same checks, same errors naming the field).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::types::{
    ArmedFault, ClockAdvance, ClockNow, ConsentGrant, DeviceAnswer, DeviceDecision,
    DeviceGrantInfo, EventLog, FaultId, FaultSpec, IdempotencyStats, JournalEntry, JournalFilter,
    JournalStats, MintedTokens, MockApp, MockSettings, MockStats, MockUser, NewApp, NewEvent,
    NewUser, ResetOptions, SettingsUpdate, TokenRequest,
};
use crate::clock::rfc3339;
use crate::error::{ApiError, ApiResult};
use crate::oauth::issue::{self, Grant};
use crate::seed::{self, SeedParams};
use crate::state::{App, OAuthClient, User, World};
use crate::validate;

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

/// A string as the JSON value the field checks of [`validate`] read.
fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

/// Drops every piece of state and seeds fresh data; returns the new users. Every option
/// left out keeps what the server was started with (command line, environment or
/// `MockConfig`), and the start-up fixtures are loaded again, so a suite that resets
/// between tests keeps the server it configured.
pub fn reset(app: &App, o: &ResetOptions) -> ApiResult<Vec<MockUser>> {
    let d = &app.settings.defaults;
    let users = o.users.unwrap_or(d.users);
    if users > 1000 {
        return Err(ApiError::validation(
            "users",
            "'users' must be at most 1000",
        ));
    }
    let contacts = o.contacts_per_user.unwrap_or(d.contacts_per_user);
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
    let friends = o.friends_per_user.unwrap_or(d.friends_per_user);
    let activities = o.activities_per_user.unwrap_or(d.activities_per_user);
    if friends > 1000 || activities > 10_000 {
        let target = if friends > 1000 {
            "friendsPerUser"
        } else {
            "activitiesPerUser"
        };
        return Err(ApiError::validation(target, "too large"));
    }
    let rate_limit = o.rate_limit.unwrap_or(d.rate_limit);
    if rate_limit.limit == 0 || rate_limit.window_seconds == 0 {
        return Err(ApiError::validation(
            "rateLimit",
            "'rateLimit' needs a positive limit and windowSeconds",
        ));
    }
    let params = SeedParams {
        seed: o.seed.unwrap_or(d.seed),
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
    Ok(mock_users(&world))
}

/// Every user, with their passwords.
pub fn users(app: &App) -> Vec<MockUser> {
    mock_users(&app.world.lock())
}

/// A new user's fields, checked (what [`add_user`] takes).
pub(crate) struct UserFields {
    display_name: String,
    email: String,
    password: String,
}

/// Checks a new user's fields (the rules of `POST /_mock/users` and of the fixtures).
pub(crate) fn user_fields(u: &NewUser) -> ApiResult<UserFields> {
    Ok(UserFields {
        display_name: validate::text(&text(&u.display_name), "displayName", 100)?,
        email: validate::email(&text(&u.email), "email")?,
        password: validate::string(&text(&u.password), "password", 1, 256)?,
    })
}

/// Adds a user (with an empty contact book), with the id given or a new one; a taken
/// email (any case) or id is 409 `conflict`.
pub(crate) fn add_user(
    world: &mut World,
    id: Option<String>,
    f: UserFields,
) -> ApiResult<MockUser> {
    if world.user_by_email(&f.email).is_some() {
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
    let id = id.unwrap_or_else(|| world.new_id("u"));
    let user = User::new(id.clone(), f.email, f.password, f.display_name, now);
    let out = mock_user(&user);
    world.users.insert(id.clone(), user);
    world.contacts.entry(id).or_default();
    Ok(out)
}

/// Adds a user who can sign in; a taken email (any case) is 409 `conflict`.
pub fn create_user(app: &App, u: &NewUser) -> ApiResult<MockUser> {
    let fields = user_fields(u)?;
    add_user(&mut app.world.lock(), None, fields)
}

/// Checks a list of scopes: at most 64, each a scope of the contract (`target/i` names
/// the culprit).
fn scope_set(scopes: &[String], target: &str) -> ApiResult<BTreeSet<String>> {
    if scopes.len() > 64 {
        return Err(ApiError::validation(
            target,
            format!("'{target}' must have at most 64 items"),
        ));
    }
    let mut out = BTreeSet::new();
    for (i, s) in scopes.iter().enumerate() {
        if !crate::oauth::SCOPES.contains(&s.as_str()) {
            return Err(ApiError::validation(
                format!("{target}/{i}"),
                format!("unknown scope '{s}'"),
            ));
        }
        out.insert(s.clone());
    }
    Ok(out)
}

/// A new app's fields, checked (what [`add_app`] takes).
pub(crate) struct AppFields {
    name: String,
    redirect_uris: Vec<String>,
    web_origins: Vec<String>,
    public: bool,
    scopes: BTreeSet<String>,
}

/// Checks a new app's fields (the rules of `POST /_mock/clients` and of the fixtures).
pub(crate) fn app_fields(a: &NewApp) -> ApiResult<AppFields> {
    let name = validate::text(&text(&a.name), "name", 100)?;
    if a.redirect_uris.len() > 20 {
        return Err(ApiError::validation(
            "redirectUris",
            "'redirectUris' must have at most 20 items",
        ));
    }
    let mut redirect_uris = Vec::new();
    for (i, u) in a.redirect_uris.iter().enumerate() {
        let target = format!("redirectUris/{i}");
        let s = validate::string(&text(u), &target, 1, 2048)?;
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
    let scopes = match &a.scopes {
        None => crate::oauth::SCOPES.iter().map(|s| s.to_string()).collect(),
        Some(v) => scope_set(v, "scopes")?,
    };
    Ok(AppFields {
        name,
        redirect_uris,
        web_origins: web_origins(&a.web_origins)?,
        public: a.public,
        scopes,
    })
}

/// `webOrigins`: at most 20 origins (`scheme://host[:port]`, nothing more), for CORS.
fn web_origins(origins: &[String]) -> ApiResult<Vec<String>> {
    if origins.len() > 20 {
        return Err(ApiError::validation(
            "webOrigins",
            "'webOrigins' must have at most 20 items",
        ));
    }
    let mut out = Vec::new();
    for (i, o) in origins.iter().enumerate() {
        let target = format!("webOrigins/{i}");
        let s = validate::string(&text(o), &target, 1, 2048)?;
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

/// Registers an app; `id` and `secret` are generated unless given (a public app has no
/// secret). A taken client id is 409 `conflict`.
pub(crate) fn add_app(
    world: &mut World,
    f: AppFields,
    id: Option<String>,
    secret: Option<String>,
) -> ApiResult<MockApp> {
    if id.as_ref().is_some_and(|id| world.clients.contains_key(id)) {
        return Err(
            ApiError::conflict("conflict", "an app with this clientId already exists")
                .target("clientId"),
        );
    }
    let id = id.unwrap_or_else(|| world.new_id("app_"));
    let secret = match (f.public, secret) {
        (true, _) => None,
        (false, Some(s)) => Some(s),
        (false, None) => Some(world.new_secret("cs_")),
    };
    world.clients.insert(
        id.clone(),
        OAuthClient {
            id: id.clone(),
            secret: secret.clone(),
            name: f.name.clone(),
            redirect_uris: f.redirect_uris.clone(),
            web_origins: f.web_origins.clone(),
            scopes: f.scopes.clone(),
        },
    );
    Ok(MockApp {
        client_id: id,
        client_secret: secret,
        name: f.name,
        redirect_uris: f.redirect_uris,
        web_origins: f.web_origins,
        public: f.public,
        scopes: f.scopes.into_iter().collect(),
    })
}

/// Registers an app; a confidential one gets a secret.
pub fn create_app(app: &App, a: &NewApp) -> ApiResult<MockApp> {
    let fields = app_fields(a)?;
    add_app(&mut app.world.lock(), fields, None, None)
}

/// Checks that the user and the client exist and that the client may ask for the scopes.
fn grant_target(
    world: &World,
    user: &str,
    client: &str,
    scopes: &[String],
) -> ApiResult<BTreeSet<String>> {
    validate::string(&text(user), "userId", 1, 100)?;
    validate::string(&text(client), "clientId", 1, 100)?;
    let scopes = scope_set(scopes, "scopes")?;
    if !world.users.contains_key(user) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let c = world
        .clients
        .get(client)
        .ok_or_else(|| ApiError::not_found("the client").target("clientId"))?;
    if let Some(extra) = scopes.iter().find(|s| !c.scopes.contains(*s)) {
        return Err(ApiError::validation(
            "scopes",
            format!("the client may not ask for '{extra}'"),
        ));
    }
    Ok(scopes)
}

/// Records that the user already consented to these scopes for the app.
pub fn grant_consent(app: &App, c: &ConsentGrant) -> ApiResult<()> {
    let mut world = app.world.lock();
    let scopes = grant_target(&world, &c.user_id, &c.client_id, &c.scopes)?;
    issue::record_consent(&mut world, &c.user_id, &c.client_id, &scopes);
    Ok(())
}

/// Issues tokens as `/oauth/token` would (the consent is recorded too).
pub fn mint_token(app: &App, t: &TokenRequest) -> ApiResult<MintedTokens> {
    if let Some(e) = t.expires_in
        && !(1..=365 * 24 * 3600).contains(&e)
    {
        return Err(ApiError::validation(
            "expiresIn",
            "'expiresIn' must be 1 to 31536000 seconds",
        ));
    }
    let mut world = app.world.lock();
    let scopes = grant_target(&world, &t.user_id, &t.client_id, &t.scopes)?;
    issue::record_consent(&mut world, &t.user_id, &t.client_id, &scopes);
    let family = issue::new_family(&mut world, Some(&t.user_id), &t.client_id, &scopes);
    let now = world.now();
    let body = issue::issue(
        app,
        &mut world,
        Grant {
            family: &family,
            scopes,
            nonce: None,
            auth_time: now,
            expires_in: t.expires_in,
        },
    );
    serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            format!("issued tokens do not fit their schema: {e}"),
        )
    })
}

/// Arms a fault; returns its id.
pub fn add_fault(app: &App, spec: FaultSpec) -> ApiResult<FaultId> {
    spec.validate()?;
    let id = app.world.lock().faults.add(spec);
    Ok(FaultId { id })
}

/// The armed faults, in the order they are checked, with how often each fired.
pub fn faults(app: &App) -> Vec<ArmedFault> {
    app.world
        .lock()
        .faults
        .list()
        .iter()
        .map(|f| ArmedFault {
            id: f.id.clone(),
            spec: f.spec.clone(),
            fired: f.fired,
        })
        .collect()
}

/// Disarms one fault; an unknown id is 404.
pub fn remove_fault(app: &App, id: &str) -> ApiResult<()> {
    if app.world.lock().faults.remove(id) {
        Ok(())
    } else {
        Err(ApiError::not_found("the fault"))
    }
}

/// Disarms every fault.
pub fn clear_faults(app: &App) {
    app.world.lock().faults.clear();
}

/// The server's current time.
pub fn clock(app: &App) -> ClockNow {
    ClockNow {
        now: rfc3339(app.world.lock().now()),
    }
}

/// Moves the server's clock forward; returns the new time.
pub fn advance_clock(app: &App, a: &ClockAdvance) -> ApiResult<ClockNow> {
    if !(0..=10 * 365 * 24 * 3600).contains(&a.advance_seconds) {
        return Err(ApiError::validation(
            "advanceSeconds",
            "'advanceSeconds' must be an integer from 0 to 315360000",
        ));
    }
    let mut world = app.world.lock();
    world
        .clock
        .advance(a.advance_seconds)
        .map_err(|e| ApiError::validation("advanceSeconds", e))?;
    // What expired in the jump is forgotten now, not at the next periodic sweep.
    world.sweep();
    Ok(ClockNow {
        now: rfc3339(world.now()),
    })
}

/// The journal entries that pass `filter`, oldest first.
pub fn requests(app: &App, filter: &JournalFilter) -> Vec<JournalEntry> {
    app.world.lock().journal.find(filter)
}

/// Empties the journal (`seq` keeps growing).
pub fn clear_requests(app: &App) {
    app.world.lock().journal.clear();
}

/// What the server holds in its bounded stores, to watch a long run.
pub fn stats(app: &App) -> MockStats {
    let world = app.world.lock();
    MockStats {
        journal: JournalStats {
            entries: world.journal.len(),
            bytes: world.journal.bytes(),
            max_bytes: world.journal.max_bytes(),
        },
        idempotency: IdempotencyStats {
            records: world.idempotency.len(),
            bytes: world.idempotency.bytes(),
        },
        access_tokens: world.access_tokens.len(),
        refresh_tokens: world.refresh_tokens.len(),
        authorization_codes: world.codes.len(),
        device_grants: world.device_grants.len(),
        event_sockets: world.events.values().map(|l| l.subscribers.len()).sum(),
        users: world.users.len(),
        contacts: world.contacts.values().map(|b| b.items.len()).sum(),
        requests_in_progress: app.in_progress.load(std::sync::atomic::Ordering::Acquire),
    }
}

/// Longest refresh-token reuse grace period (a day).
const MAX_REUSE_GRACE_SECONDS: i64 = 24 * 3600;

/// The server's behaviour switches.
pub fn settings(app: &App) -> MockSettings {
    MockSettings {
        refresh_token_reuse_grace_seconds: app.world.lock().refresh_reuse_grace_seconds,
    }
}

/// Changes the switches given (absent ones keep their value); returns them all.
pub fn update_settings(app: &App, update: &SettingsUpdate) -> ApiResult<MockSettings> {
    if let Some(grace) = update.refresh_token_reuse_grace_seconds {
        if !(0..=MAX_REUSE_GRACE_SECONDS).contains(&grace) {
            return Err(ApiError::validation(
                "refreshTokenReuseGraceSeconds",
                "'refreshTokenReuseGraceSeconds' must be an integer from 0 to 86400",
            ));
        }
        app.world.lock().refresh_reuse_grace_seconds = grace;
    }
    Ok(settings(app))
}

/// A user's logged live events after `since` (all kept ones with 0).
pub fn events(app: &App, user_id: &str, since: u64) -> ApiResult<EventLog> {
    let mut world = app.world.lock();
    if !world.users.contains_key(user_id) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let (events, seq, resync) = crate::events::inspect(&mut world, user_id, since);
    Ok(EventLog {
        events,
        seq,
        resync,
    })
}

/// Logs a test event for the user and pushes it to the user's sockets; returns its frame.
pub fn publish_event(app: &App, user_id: &str, e: &NewEvent) -> ApiResult<Value> {
    let kind = validate::string(&text(&e.kind), "type", 1, 64)?;
    if matches!(kind.as_str(), "resync" | "typing" | "pong" | "error") {
        return Err(ApiError::validation(
            "type",
            format!("'{kind}' is a control frame, not an event type"),
        ));
    }
    let data = match &e.data {
        None | Some(Value::Null) => json!({}),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => return Err(ApiError::validation("data", "'data' must be an object")),
    };
    let mut world = app.world.lock();
    if !world.users.contains_key(user_id) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    Ok(crate::events::record(&mut world, user_id, &kind, data))
}

/// The user's answer to the pending device authorization with `user_code`, as if given on
/// the device page: allowing records the consent; the device's next poll gets the tokens
/// (or `access_denied`). An unknown, expired or already answered code is 404.
pub fn decide_device(app: &App, user_code: &str, a: &DeviceAnswer) -> ApiResult<DeviceGrantInfo> {
    let code = crate::oauth::device::normalize(user_code);
    let mut world = app.world.lock();
    if !world.users.contains_key(&a.user_id) {
        return Err(ApiError::not_found("the user").target("userId"));
    }
    let device_code = crate::oauth::device::find(&world, &code).ok_or_else(|| {
        ApiError::not_found("a pending device authorization with this user code").target("userCode")
    })?;
    let allow = a.decision == DeviceDecision::Allow;
    let (client_id, scopes) =
        crate::oauth::device::decide(&mut world, &device_code, &a.user_id, allow)
            .ok_or_else(|| ApiError::not_found("the device authorization"))?;
    Ok(DeviceGrantInfo {
        user_code: code,
        client_id,
        scopes: scopes.into_iter().collect(),
        user_id: a.user_id.clone(),
        decision: a.decision,
    })
}
