//! [`Control`]: the control plane in-process, as typed Rust calls on a running server,
//! and [`Control::call`], the same operations by name on JSON (what the language
//! bindings and the scenario files use).

use std::collections::BTreeMap;
use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ops;
use super::types::{
    ActAs, ActAsResponse, ArmedFault, ClockAdvance, ClockNow, ConsentGrant, DeviceAnswer,
    DeviceDecision, DeviceGrantInfo, EventLog, FaultId, FaultList, FaultSpec, JournalEntry,
    JournalFilter, MintedTokens, MockApp, MockSettings, MockStats, MockUser, NewApp, NewEvent,
    NewUser, Redirect, RequestList, ResetOptions, SettingsUpdate, TokenRequest, UserList,
};
use crate::error::ApiError;
use crate::state::AppState;

/// The operations of [`Control::call`], by name (camelCase; `Control::call` also accepts
/// them in snake_case). Each is the method of the same name on [`Control`], and each has
/// an HTTP form under `/_mock` (see the crate's README).
pub const OPERATIONS: &[&str] = &[
    "reset",
    "users",
    "createUser",
    "createApp",
    "grantConsent",
    "mintToken",
    "addFault",
    "faults",
    "removeFault",
    "clearFaults",
    "clock",
    "advanceClock",
    "requests",
    "clearRequests",
    "stats",
    "settings",
    "updateSettings",
    "actAs",
    "acceptInvitation",
    "events",
    "publishEvent",
    "approveDevice",
    "denyDevice",
    "authorize",
];

/// A refused control call: the same status, code, message and target the `/_mock` HTTP
/// endpoint answers with (`{"error": {"code", "message", "target"}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("mock control refused: {status} {code}: {message}{}", target.as_deref().map(|t| format!(" (target `{t}`)")).unwrap_or_default())]
pub struct ControlError {
    /// HTTP status (400 invalid input, 404 unknown id, 409 conflict...).
    pub status: u16,
    /// Machine-readable code, e.g. `validationFailed`, `notFound`.
    pub code: String,
    /// Human-readable message (never a secret).
    pub message: String,
    /// The field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl From<ApiError> for ControlError {
    fn from(e: ApiError) -> Self {
        ControlError {
            status: e.status.as_u16(),
            code: e.code.to_string(),
            message: e.message,
            target: e.target,
        }
    }
}

impl ControlError {
    fn invalid(target: &str, message: impl Into<String>) -> ControlError {
        ApiError::validation(target, message).into()
    }

    fn stopped() -> ControlError {
        ControlError {
            status: 503,
            code: "serverStopped".into(),
            message: "the mock server has stopped".into(),
            target: None,
        }
    }

    /// The error of a response body `{"error": {...}}` (or an OAuth `{"error", ...}`).
    fn from_body(status: u16, body: &Value) -> ControlError {
        let error = &body["error"];
        let text = |v: &Value| v.as_str().map(str::to_string);
        ControlError {
            status,
            code: text(&error["code"])
                .or_else(|| text(error))
                .unwrap_or_else(|| format!("status{status}")),
            message: text(&error["message"])
                .or_else(|| text(&body["error_description"]))
                .unwrap_or_else(|| format!("answered {status}")),
            target: text(&error["target"]),
        }
    }
}

/// Result of a control call.
pub type ControlResult<T> = Result<T, ControlError>;

/// The control plane of a running [`crate::MockServer`], in-process: every `/_mock`
/// operation as a typed call, with no HTTP hop (and no journal entry, except for
/// [`Control::act_as`], which runs a real request). Cheap to clone; usable from any
/// thread and any async runtime. Calls after the server stopped fail with status 503.
///
/// ```no_run
/// use messenger_connect_mock::control::{FaultSpec, JournalFilter, NewApp, TokenRequest};
/// use messenger_connect_mock::{MockConfig, MockServer};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::start(MockConfig::default())?;
/// let control = server.control();
/// let user = &control.users()[0];
/// let app = control.create_app(&NewApp::new("my test"))?;
/// let tokens = control.mint_token(&TokenRequest {
///     user_id: user.id.clone(),
///     client_id: app.client_id.clone(),
///     scopes: vec!["profile".into()],
///     expires_in: None,
/// })?;
/// control.add_fault(FaultSpec::status(503).on_path("/v1/me").times(1))?;
/// // ... run the code under test with `tokens.access_token` against `server.url()` ...
/// let seen = control.requests(&JournalFilter::path("/v1/me").method("GET"));
/// # let _ = (tokens, seen); Ok(()) }
/// ```
#[derive(Clone)]
pub struct Control {
    app: AppState,
    router: Router,
    runtime: tokio::runtime::Handle,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("url", &self.app.base_url())
            .finish_non_exhaustive()
    }
}

impl Control {
    pub(crate) fn new(app: AppState, router: Router, runtime: tokio::runtime::Handle) -> Control {
        Control {
            app,
            router,
            runtime,
        }
    }

    /// Drops all state (users, apps, consents, tokens, faults, journal, clock offset,
    /// events) and seeds fresh data; returns the new users. Same seed, same data. Options
    /// left out keep the server's start-up settings, and its fixtures are loaded again.
    pub fn reset(&self, options: &ResetOptions) -> ControlResult<Vec<MockUser>> {
        Ok(ops::reset(&self.app, options)?)
    }

    /// Every user, in id order, with their passwords.
    pub fn users(&self) -> Vec<MockUser> {
        ops::users(&self.app)
    }

    /// Adds a user who can sign in (a taken email is 409).
    pub fn create_user(&self, user: &NewUser) -> ControlResult<MockUser> {
        Ok(ops::create_user(&self.app, user)?)
    }

    /// Registers an app (a confidential one gets a secret).
    pub fn create_app(&self, app: &NewApp) -> ControlResult<MockApp> {
        Ok(ops::create_app(&self.app, app)?)
    }

    /// Records that a user already consented to an app's scopes: then
    /// `/oauth/authorize?prompt=none&login_hint=<user>` redirects at once with a code.
    pub fn grant_consent(&self, consent: &ConsentGrant) -> ControlResult<()> {
        Ok(ops::grant_consent(&self.app, consent)?)
    }

    /// Tokens for a user and an app, as `/oauth/token` would issue them.
    pub fn mint_token(&self, request: &TokenRequest) -> ControlResult<MintedTokens> {
        Ok(ops::mint_token(&self.app, request)?)
    }

    /// Arms a fault on the requests it matches; returns its id.
    pub fn add_fault(&self, fault: FaultSpec) -> ControlResult<String> {
        Ok(ops::add_fault(&self.app, fault)?.id)
    }

    /// The armed faults, in the order they are checked, with how often each fired.
    pub fn faults(&self) -> Vec<ArmedFault> {
        ops::faults(&self.app)
    }

    /// Disarms one fault (an unknown id is 404).
    pub fn remove_fault(&self, id: &str) -> ControlResult<()> {
        Ok(ops::remove_fault(&self.app, id)?)
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        ops::clear_faults(&self.app)
    }

    /// The server's current time (RFC 3339).
    pub fn clock(&self) -> String {
        ops::clock(&self.app).now
    }

    /// Moves the server's clock forward (expiry, retention) and forgets what expired;
    /// returns the new time. A jump past the clock's range is 400 naming
    /// `advanceSeconds`.
    pub fn advance_clock(&self, seconds: i64) -> ControlResult<String> {
        let advance = ClockAdvance {
            advance_seconds: seconds,
        };
        Ok(ops::advance_clock(&self.app, &advance)?.now)
    }

    /// The journal entries that pass `filter`, oldest first (secrets redacted).
    pub fn requests(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        ops::requests(&self.app, filter)
    }

    /// The `seq` of the last journal entry (0 before any): list what comes next with
    /// [`JournalFilter::since`].
    pub fn journal_position(&self) -> u64 {
        self.app.world.lock().journal.last_seq()
    }

    /// Empties the journal.
    pub fn clear_requests(&self) {
        ops::clear_requests(&self.app)
    }

    /// What the server holds in its bounded stores (journal, idempotency records,
    /// tokens, codes, device grants, sockets, users, contacts), to watch a long run.
    pub fn stats(&self) -> MockStats {
        ops::stats(&self.app)
    }

    /// The server's behaviour switches (`reset` turns them all off).
    pub fn settings(&self) -> MockSettings {
        ops::settings(&self.app)
    }

    /// Changes the switches given (absent ones keep their value); returns them all.
    pub fn update_settings(&self, update: &SettingsUpdate) -> ControlResult<MockSettings> {
        Ok(ops::update_settings(&self.app, update)?)
    }

    /// The invited person accepts an invitation (a friendship both ways); returns the
    /// accepted invitation.
    pub fn accept_invitation(&self, id: &str) -> ControlResult<Value> {
        Ok(crate::resources::invitations::accept_invitation(
            &self.app, id,
        )?)
    }

    /// A user's logged live events after `since` (0: every kept one).
    pub fn events(&self, user_id: &str, since: u64) -> ControlResult<EventLog> {
        Ok(ops::events(&self.app, user_id, since)?)
    }

    /// Logs an event for a user and pushes it to the user's sockets; returns its frame.
    pub fn publish_event(&self, user_id: &str, event: &NewEvent) -> ControlResult<Value> {
        Ok(ops::publish_event(&self.app, user_id, event)?)
    }

    /// The user allows the device with this user code, as on the device page (the
    /// consent is recorded; the device's next poll gets the tokens).
    pub fn approve_device(&self, user_code: &str, user_id: &str) -> ControlResult<DeviceGrantInfo> {
        self.decide_device(user_code, user_id, DeviceDecision::Allow)
    }

    /// The user denies the device with this user code (its next poll: `access_denied`).
    pub fn deny_device(&self, user_code: &str, user_id: &str) -> ControlResult<DeviceGrantInfo> {
        self.decide_device(user_code, user_id, DeviceDecision::Deny)
    }

    fn decide_device(
        &self,
        user_code: &str,
        user_id: &str,
        decision: DeviceDecision,
    ) -> ControlResult<DeviceGrantInfo> {
        let answer = DeviceAnswer {
            user_id: user_id.to_string(),
            decision,
        };
        Ok(ops::decide_device(&self.app, user_code, &answer)?)
    }

    /// Calls `/v1/me/{path}` as another user with every scope, through the server's
    /// whole request pipeline (journal, idempotency keys), as `/_mock/act-as` does. An
    /// answer of 400 or more is an error carrying its status, code and target.
    pub async fn act_as(&self, call: &ActAs) -> ControlResult<ActAsResponse> {
        self.on_server(act_as(self.app.clone(), self.router.clone(), call.clone()))
            .await?
    }

    /// [`Control::act_as`] for synchronous code (it blocks the calling thread while the
    /// server runs the request; do not call it from async code: use `act_as`).
    pub fn act_as_blocking(&self, call: &ActAs) -> ControlResult<ActAsResponse> {
        self.blocking(act_as(self.app.clone(), self.router.clone(), call.clone()))?
    }

    /// Opens an authorization URL of this server as a browser with no session would and
    /// returns where it was redirected: with `prompt=none` and `login_hint` after
    /// [`Control::grant_consent`], `redirect_uri?code=...&state=...`.
    pub async fn authorize(&self, url: &str) -> ControlResult<String> {
        self.on_server(authorize(
            self.app.clone(),
            self.router.clone(),
            url.to_string(),
        ))
        .await?
    }

    /// [`Control::authorize`] for synchronous code (blocks the calling thread).
    pub fn authorize_blocking(&self, url: &str) -> ControlResult<String> {
        self.blocking(authorize(
            self.app.clone(),
            self.router.clone(),
            url.to_string(),
        ))?
    }

    /// Runs operation `op` (one of [`OPERATIONS`], camelCase or snake_case) with its JSON
    /// arguments and returns its JSON answer: the same JSON as the operation's `/_mock`
    /// endpoint takes and answers (`null` where the endpoint answers 204). Arguments that
    /// name no body field (`id`, `userId`, `userCode`, `url`, `since`) are fields of
    /// `args` too, e.g. `call("removeFault", {"id": "f1"})`.
    pub async fn call(&self, op: &str, args: Value) -> ControlResult<Value> {
        match Op::parse(op)? {
            Op::ActAs => to_json(&self.act_as(&from_json::<ActAs>(args)?).await?),
            Op::Authorize => {
                let url = from_json::<UrlArg>(args)?.url;
                to_json(&Redirect {
                    location: self.authorize(&url).await?,
                })
            }
            other => self.call_sync(other, args),
        }
    }

    /// [`Control::call`] for synchronous code (blocks the calling thread for `actAs` and
    /// `authorize`, which run a request on the server).
    pub fn call_blocking(&self, op: &str, args: Value) -> ControlResult<Value> {
        match Op::parse(op)? {
            Op::ActAs => to_json(&self.act_as_blocking(&from_json::<ActAs>(args)?)?),
            Op::Authorize => {
                let url = from_json::<UrlArg>(args)?.url;
                to_json(&Redirect {
                    location: self.authorize_blocking(&url)?,
                })
            }
            other => self.call_sync(other, args),
        }
    }

    fn call_sync(&self, op: Op, args: Value) -> ControlResult<Value> {
        let args = if args.is_null() { json!({}) } else { args };
        match op {
            Op::Reset => to_json(&UserList {
                users: self.reset(&from_json(args)?)?,
            }),
            Op::Users => to_json(&UserList {
                users: self.users(),
            }),
            Op::CreateUser => to_json(&self.create_user(&from_json(args)?)?),
            Op::CreateApp => to_json(&self.create_app(&from_json(args)?)?),
            Op::GrantConsent => {
                self.grant_consent(&from_json(args)?)?;
                Ok(Value::Null)
            }
            Op::MintToken => to_json(&self.mint_token(&from_json(args)?)?),
            Op::AddFault => to_json(&FaultId {
                id: self.add_fault(from_json(args)?)?,
            }),
            Op::Faults => to_json(&FaultList {
                faults: self.faults(),
            }),
            Op::RemoveFault => {
                self.remove_fault(&from_json::<IdArg>(args)?.id)?;
                Ok(Value::Null)
            }
            Op::ClearFaults => {
                self.clear_faults();
                Ok(Value::Null)
            }
            Op::Clock => to_json(&ClockNow { now: self.clock() }),
            Op::AdvanceClock => to_json(&ops::advance_clock(&self.app, &from_json(args)?)?),
            Op::Requests => to_json(&RequestList {
                requests: self.requests(&from_json(args)?),
            }),
            Op::ClearRequests => {
                self.clear_requests();
                Ok(Value::Null)
            }
            Op::Stats => to_json(&self.stats()),
            Op::Settings => to_json(&self.settings()),
            Op::UpdateSettings => to_json(&self.update_settings(&from_json(args)?)?),
            Op::AcceptInvitation => self.accept_invitation(&from_json::<IdArg>(args)?.id),
            Op::Events => {
                let a: EventsArg = from_json(args)?;
                to_json(&self.events(&a.user_id, a.since.unwrap_or(0))?)
            }
            Op::PublishEvent => {
                let a: PublishArg = from_json(args)?;
                self.publish_event(&a.user_id, &a.event)
            }
            Op::ApproveDevice | Op::DenyDevice => {
                let a: DeviceArg = from_json(args)?;
                let decision = if op == Op::ApproveDevice {
                    DeviceDecision::Allow
                } else {
                    DeviceDecision::Deny
                };
                to_json(&self.decide_device(&a.user_code, &a.user_id, decision)?)
            }
            Op::ActAs | Op::Authorize => Err(ControlError::invalid(
                "op",
                "this operation runs a request: use `call`",
            )),
        }
    }

    /// Runs `fut` on the server's runtime and awaits it from any runtime.
    async fn on_server<T: Send + 'static>(
        &self,
        fut: impl Future<Output = T> + Send + 'static,
    ) -> ControlResult<T> {
        self.runtime
            .spawn(fut)
            .await
            .map_err(|_| ControlError::stopped())
    }

    /// Runs `fut` on the server's runtime and waits for it on this thread.
    fn blocking<T: Send + 'static>(
        &self,
        fut: impl Future<Output = T> + Send + 'static,
    ) -> ControlResult<T> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.runtime.spawn(async move {
            let _ = tx.send(fut.await);
        });
        rx.recv().map_err(|_| ControlError::stopped())
    }
}

/// The operations, parsed from their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Reset,
    Users,
    CreateUser,
    CreateApp,
    GrantConsent,
    MintToken,
    AddFault,
    Faults,
    RemoveFault,
    ClearFaults,
    Clock,
    AdvanceClock,
    Requests,
    ClearRequests,
    Stats,
    Settings,
    UpdateSettings,
    ActAs,
    AcceptInvitation,
    Events,
    PublishEvent,
    ApproveDevice,
    DenyDevice,
    Authorize,
}

impl Op {
    const ALL: [Op; 24] = [
        Op::Reset,
        Op::Users,
        Op::CreateUser,
        Op::CreateApp,
        Op::GrantConsent,
        Op::MintToken,
        Op::AddFault,
        Op::Faults,
        Op::RemoveFault,
        Op::ClearFaults,
        Op::Clock,
        Op::AdvanceClock,
        Op::Requests,
        Op::ClearRequests,
        Op::Stats,
        Op::Settings,
        Op::UpdateSettings,
        Op::ActAs,
        Op::AcceptInvitation,
        Op::Events,
        Op::PublishEvent,
        Op::ApproveDevice,
        Op::DenyDevice,
        Op::Authorize,
    ];

    /// `addFault`, `add_fault` and `AddFault` name the same operation.
    fn parse(name: &str) -> ControlResult<Op> {
        let key = |s: &str| s.replace('_', "").to_ascii_lowercase();
        let wanted = key(name);
        OPERATIONS
            .iter()
            .position(|op| key(op) == wanted)
            .map(|i| Op::ALL[i])
            .ok_or_else(|| {
                ControlError::invalid(
                    "op",
                    format!("unknown operation; known: {}", OPERATIONS.join(", ")),
                )
            })
    }
}

#[derive(Deserialize)]
struct IdArg {
    id: String,
}

#[derive(Deserialize)]
struct UrlArg {
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventsArg {
    user_id: String,
    since: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublishArg {
    user_id: String,
    #[serde(flatten)]
    event: NewEvent,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceArg {
    user_code: String,
    user_id: String,
}

/// JSON arguments as `T`, or 400 naming the field (as the HTTP endpoints answer).
fn from_json<T: DeserializeOwned>(args: Value) -> ControlResult<T> {
    let body =
        serde_json::to_vec(&args).map_err(|e| ControlError::invalid("args", e.to_string()))?;
    Ok(super::parse(&body)?)
}

fn to_json<T: Serialize>(value: &T) -> ControlResult<Value> {
    serde_json::to_value(value).map_err(|e| ControlError {
        status: 500,
        code: "internalServerError".into(),
        message: format!("cannot serialise the answer: {e}"),
        target: None,
    })
}

/// A request run in-process through the server's pipeline; status, headers and JSON body.
async fn run(
    app: AppState,
    router: Router,
    request: Request<Body>,
) -> ControlResult<(u16, BTreeMap<String, String>, Value)> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| ControlError::invalid("body", e.to_string()))?
        .to_bytes();
    let response = crate::pipeline::sub_request(app, router, parts, body).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|_| ControlError::stopped())?
        .to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Ok((status, headers, body))
}

async fn act_as(app: AppState, router: Router, call: ActAs) -> ControlResult<ActAsResponse> {
    let method = Method::from_bytes(call.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| ControlError::invalid("method", "not an HTTP method"))?;
    if call.user_id.is_empty() || call.user_id.contains(['/', '?', '#']) {
        return Err(ControlError::invalid("userId", "not a user id"));
    }
    let user: String = url::form_urlencoded::byte_serialize(call.user_id.as_bytes()).collect();
    let uri = format!("/_mock/act-as/{user}/{}", call.path.trim_start_matches('/'));
    let mut request = Request::builder().method(method).uri(&uri);
    // The caller holds the server itself, so it passes the control plane's token check.
    if let Some(token) = &app.settings.control_token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(key) = &call.idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let body = match &call.body {
        Some(b) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(b).unwrap_or_default())
        }
        None => Body::empty(),
    };
    let request = request
        .body(body)
        .map_err(|e| ControlError::invalid("path", e.to_string()))?;
    let (status, headers, body) = run(app, router, request).await?;
    if status >= 400 {
        return Err(ControlError::from_body(status, &body));
    }
    Ok(ActAsResponse {
        status,
        headers,
        body,
    })
}

async fn authorize(app: AppState, router: Router, url: String) -> ControlResult<String> {
    let base = url::Url::parse(&app.base_url())
        .map_err(|e| ControlError::invalid("url", e.to_string()))?;
    let parsed = base
        .join(&url)
        .map_err(|_| ControlError::invalid("url", "not a URL"))?;
    if parsed.origin() != base.origin() {
        return Err(ControlError::invalid("url", "not a URL of this server"));
    }
    let target = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_string(),
    };
    let request = Request::builder()
        .method(Method::GET)
        .uri(target)
        .body(Body::empty())
        .map_err(|e| ControlError::invalid("url", e.to_string()))?;
    let (status, headers, body) = run(app, router, request).await?;
    match headers.get("location") {
        Some(location) if (300..400).contains(&status) => Ok(base
            .join(location)
            .map(String::from)
            .unwrap_or_else(|_| location.clone())),
        _ if status >= 400 => Err(ControlError::from_body(status, &body)),
        _ => Err(ControlError {
            status,
            code: "noRedirect".into(),
            message: format!(
                "the server answered {status} without a redirect (a sign-in page: use prompt=none, login_hint and a consent)"
            ),
            target: Some("url".into()),
        }),
    }
}
