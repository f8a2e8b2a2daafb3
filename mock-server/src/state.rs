//! The server's in-memory world: every user, app, grant, token and resource.
//!
//! One `World` sits behind one mutex. Handlers lock it, do their work without awaiting,
//! and unlock: every request is atomic, which is what makes idempotency, single-use codes
//! and refresh-token rotation exact.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::clock::Clock;
use crate::config::{MockConfig, RateLimit};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::keys::Keys;
use crate::odata::{JsonDoc, Node, TokenSigner};
use crate::spec::Spec;

/// Everything shared by the handlers.
pub struct App {
    /// The mutable world.
    pub world: parking_lot::Mutex<World>,
    /// The id_token signing key and its JWK.
    pub keys: Keys,
    /// The OpenAPI document and the schemas derived from it.
    pub spec: Spec,
    /// Signs and verifies opaque tokens (skiptokens, delta tokens, CSRF tokens).
    pub signer: TokenSigner,
    /// What the server was started with; `POST /_mock/reset` starts from it again.
    pub settings: Settings,
    /// Set once the server is stopping (live sockets then close with 1001).
    pub stopping: std::sync::atomic::AtomicBool,
    /// Number of open live-event sockets.
    pub sockets: tokio::sync::watch::Sender<usize>,
    /// Requests being handled right now.
    pub in_progress: std::sync::atomic::AtomicUsize,
}

/// Counts one open live-event socket while it lives.
pub struct SocketGuard(AppState);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.0.sockets.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The server's start-up settings (command line, environment or [`MockConfig`]).
pub struct Settings {
    /// What a reset without a body builds (and what start-up built).
    pub defaults: crate::seed::SeedParams,
    /// `--public-url`, normalised; `None`: each request's `Host` decides.
    pub public_url: Option<String>,
    /// The bound address as a URL, used when a request has no usable `Host`.
    pub local_url: String,
    /// The bearer token `/_mock` requires, if any.
    pub control_token: Option<String>,
    /// Fixtures loaded after the generated data, at start and after every reset.
    pub fixtures: Option<crate::fixtures::Fixtures>,
}

/// Shared handle to the application state.
pub type AppState = Arc<App>;

/// A person with an account.
#[derive(Debug, Clone)]
pub struct User {
    /// Stable id, e.g. `u3f1c...`.
    pub id: String,
    /// Sign-in email (unique, compared case-insensitively).
    pub email: String,
    /// Sign-in password (the mock stores it plainly; the journal never shows it).
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Photo URL.
    pub photo: Option<String>,
    /// BCP 47 locale.
    pub locale: String,
    /// online, away, busy, invisible, offline.
    pub presence: String,
    /// Status message (≤ 280 chars).
    pub status_message: String,
    /// When the status last changed.
    pub status_updated: Option<DateTime<Utc>>,
    /// When the profile last changed.
    pub updated: DateTime<Utc>,
}

impl User {
    /// A new user who signs in with `email` and `password`: "Given Family" names both
    /// parts of `display_name`; offline, no status, `en-US`.
    pub fn new(
        id: String,
        email: String,
        password: String,
        display_name: String,
        now: DateTime<Utc>,
    ) -> User {
        let (given, family) = match display_name.split_once(' ') {
            Some((g, f)) => (g.to_string(), f.to_string()),
            None => (display_name.clone(), String::new()),
        };
        User {
            id,
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
        }
    }
}

/// A registered application (OAuth client).
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// Client id.
    pub id: String,
    /// Secret of a confidential client; `None` for a public one.
    pub secret: Option<String>,
    /// Name shown on the consent page and as an activity's generator.
    pub name: String,
    /// Exact redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Extra origins whose pages may call the API (CORS), besides the redirect URIs'.
    pub web_origins: Vec<String>,
    /// Scopes the app may ask for.
    pub scopes: BTreeSet<String>,
}

/// A user's standing consent to an app.
#[derive(Debug, Clone)]
pub struct Consent {
    /// Scopes consented to.
    pub scopes: BTreeSet<String>,
    /// When consent was first given.
    pub granted: DateTime<Utc>,
}

/// A grant family: everything issued from one authorization (a code exchange, a device
/// authorization, a client-credentials call). Revoking it revokes every token it issued.
#[derive(Debug, Clone)]
pub struct Family {
    /// The user (`None` for client credentials).
    pub user_id: Option<String>,
    /// The app.
    pub client_id: String,
    /// Scopes still granted (dropping a scope narrows every token of the family).
    pub scopes: BTreeSet<String>,
    /// Revoked families accept no token.
    pub revoked: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// Family it belongs to.
    pub family: String,
    /// Scopes it was issued with.
    pub scopes: BTreeSet<String>,
    /// Issue time.
    pub issued: DateTime<Utc>,
    /// Expiry.
    pub expires: DateTime<Utc>,
    /// Revoked on its own (RFC 7009).
    pub revoked: bool,
}

/// An issued refresh token. Rotation retires it on use; using a retired one again
/// revokes its family.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    /// Family it belongs to.
    pub family: String,
    /// Scopes it may refresh to.
    pub scopes: BTreeSet<String>,
    /// Expiry (90 days).
    pub expires: DateTime<Utc>,
    /// Already exchanged for a new one.
    pub retired: bool,
    /// When it was exchanged.
    pub retired_at: Option<DateTime<Utc>>,
    /// The token response its exchange gave, kept only while a reuse grace period is
    /// set (`/_mock/settings`): presented again within the grace period, it is answered
    /// with this instead of revoking the family.
    pub successor: Option<serde_json::Value>,
    /// Revoked on its own.
    pub revoked: bool,
    /// The id_token nonce is not carried across refreshes; the OIDC `auth_time` is.
    pub auth_time: DateTime<Utc>,
}

/// An authorization code, single-use, bound to its client, redirect URI and PKCE challenge.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// The signed-in user.
    pub user_id: String,
    /// The app.
    pub client_id: String,
    /// The redirect URI it was issued for.
    pub redirect_uri: String,
    /// Scopes granted.
    pub scopes: BTreeSet<String>,
    /// PKCE S256 challenge, if any.
    pub code_challenge: Option<String>,
    /// OIDC nonce.
    pub nonce: Option<String>,
    /// Expiry (60 s).
    pub expires: DateTime<Utc>,
    /// When the user authenticated.
    pub auth_time: DateTime<Utc>,
    /// Set once redeemed: the family it created (revoked if the code is replayed).
    pub redeemed_family: Option<String>,
}

/// A pending device authorization (RFC 8628).
#[derive(Debug, Clone)]
pub struct DeviceGrant {
    /// The app.
    pub client_id: String,
    /// The code the user types.
    pub user_code: String,
    /// Scopes asked for.
    pub scopes: BTreeSet<String>,
    /// Expiry.
    pub expires: DateTime<Utc>,
    /// Minimum polling interval in seconds (grows on `slow_down`).
    pub interval: i64,
    /// Last poll, for `slow_down`.
    pub last_poll: Option<DateTime<Utc>>,
    /// `None` while pending; `Some(Ok(user))` approved; `Some(Err(()))` denied.
    pub decision: Option<Result<String, ()>>,
    /// Already exchanged for tokens.
    pub redeemed: bool,
}

/// One change in a contact book's change log (for delta sync).
#[derive(Debug, Clone)]
pub struct Change {
    /// Sequence number, growing per user.
    pub seq: u64,
    /// The contact that changed.
    pub id: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One user's contacts and their change log.
#[derive(Debug, Default, Clone)]
pub struct ContactBook {
    /// Contacts by id, as their JSON representation (including `@odata.etag`).
    pub items: BTreeMap<String, StoredContact>,
    /// Change log, oldest first, pruned by retention.
    pub log: VecDeque<Change>,
    /// The last sequence number handed out.
    pub seq: u64,
    /// Every change with a sequence number ≤ this has been pruned from the log.
    pub floor: u64,
    /// The items in the order of an `$orderby` (by its canonical text), made on first use
    /// and dropped at every change: an ordered index that a sorted, filtered page walks
    /// instead of sorting. At most [`SORTED_ORDERS`] orders are kept.
    pub sorted: HashMap<String, Arc<Vec<StoredContact>>>,
}

/// Orders a contact book keeps sorted at once (the oldest set is dropped beyond this).
pub const SORTED_ORDERS: usize = 8;

impl ContactBook {
    /// The items in the order of `keys` (canonical text `order`), sorted on first use.
    pub fn sorted(
        &mut self,
        order: &str,
        keys: &[crate::odata::OrderKey],
    ) -> Arc<Vec<StoredContact>> {
        if let Some(s) = self.sorted.get(order) {
            return s.clone();
        }
        if self.sorted.len() >= SORTED_ORDERS {
            self.sorted.clear();
        }
        let s = Arc::new(crate::odata::sort_items(&self.items, keys));
        self.sorted.insert(order.to_string(), s.clone());
        s
    }
}

/// A stored version of a contact: its JSON text with the offsets of its members
/// ([`JsonDoc`]), which listings, filters, sorting and `GET` read in place and pages copy
/// as they are (about a tenth of the memory of a `serde_json::Value` tree). Every change
/// stores a new `StoredContact`. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct StoredContact(Arc<JsonDoc>);

impl StoredContact {
    /// Stores a contact's JSON representation.
    pub fn new(value: Value) -> StoredContact {
        StoredContact(Arc::new(JsonDoc::new(&value)))
    }

    /// The JSON text.
    pub fn wire(&self) -> &[u8] {
        self.0.text().as_bytes()
    }

    /// A member of the contact, read in place.
    pub fn get(&self, key: &str) -> Option<Node<'_>> {
        self.0.get(key)
    }

    /// The contact, parsed (for changing it).
    pub fn to_value(&self) -> Value {
        self.0.to_value()
    }
}

impl crate::odata::Item for StoredContact {
    fn node(&self) -> Node<'_> {
        Node::Doc(&self.0)
    }
}

/// A remembered response to an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct IdempotentResponse {
    /// Digest of the request (method, path, body) the key was first used with.
    pub fingerprint: [u8; 32],
    /// Status of the original response.
    pub status: u16,
    /// Headers worth replaying (Location, ETag, Content-Type).
    pub headers: Vec<(String, String)>,
    /// The original body.
    pub body: axum::body::Bytes,
    /// Expiry (24 h).
    pub expires: DateTime<Utc>,
}

/// A browser session of the HTML pages (cookie → user).
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user.
    pub user_id: String,
    /// When the user signed in.
    pub auth_time: DateTime<Utc>,
}

/// Per-token rate-limit window.
#[derive(Debug, Clone)]
pub struct Window {
    /// Window start.
    pub start: DateTime<Utc>,
    /// Requests counted in it.
    pub used: u64,
}

/// The whole mutable state.
pub struct World {
    /// Server clock.
    pub clock: Clock,
    /// Deterministic randomness (ids, secrets), seeded by `reset`.
    pub rng: ChaCha8Rng,
    /// Users by id.
    pub users: BTreeMap<String, User>,
    /// Apps by client id.
    pub clients: BTreeMap<String, OAuthClient>,
    /// Consents by (user id, client id).
    pub consents: BTreeMap<(String, String), Consent>,
    /// Grant families by id.
    pub families: HashMap<String, Family>,
    /// Access tokens by value.
    pub access_tokens: HashMap<String, AccessToken>,
    /// Refresh tokens by value.
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// Authorization codes by value.
    pub codes: HashMap<String, AuthCode>,
    /// Device authorizations by device code.
    pub device_grants: HashMap<String, DeviceGrant>,
    /// Browser sessions by cookie value.
    pub sessions: HashMap<String, Session>,
    /// Contact books by user id.
    pub contacts: HashMap<String, ContactBook>,
    /// Idempotency records by (caller, key), bounded and expiring.
    pub idempotency: crate::idempotency::Store,
    /// Idempotency keys whose first request is still running.
    pub idempotency_in_flight: HashSet<String>,
    /// Rate-limit windows by access token.
    pub windows: HashMap<String, Window>,
    /// Rate limit in force.
    pub rate_limit: RateLimit,
    /// Seconds during which a rotated refresh token presented again returns the tokens
    /// its exchange gave instead of revoking the grant (0: off, the default).
    pub refresh_reuse_grace_seconds: i64,
    /// Injected faults.
    pub faults: Faults,
    /// Request journal.
    pub journal: Journal,
    /// Monotonic counter for ETags.
    pub version: u64,
    /// Changes at every reset, so links and tokens from before a reset are recognised
    /// (delta links then answer 410 `resyncRequired`).
    pub epoch: u64,
    /// Friendships, invitations, activities and conversations.
    pub social: crate::resources::social::Social,
    /// Live-event logs by user id.
    pub events: HashMap<String, crate::events::EventLog>,
}

/// Codes are remembered this long after they expire (a replay then still revokes).
const CODE_MEMORY_MINUTES: i64 = 10;
/// Expired access tokens, refresh tokens and device grants are remembered this long (so
/// a client is told "expired", not "not recognised"), then forgotten.
const EXPIRED_MEMORY_HOURS: i64 = 24;

impl World {
    /// An empty world with the given seed, rate limit and journal budget.
    pub fn new(seed: u64, rate_limit: RateLimit, journal_max_bytes: usize) -> Self {
        World {
            clock: Clock::default(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            users: BTreeMap::new(),
            clients: BTreeMap::new(),
            consents: BTreeMap::new(),
            families: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            codes: HashMap::new(),
            device_grants: HashMap::new(),
            sessions: HashMap::new(),
            contacts: HashMap::new(),
            idempotency: crate::idempotency::Store::default(),
            idempotency_in_flight: HashSet::new(),
            windows: HashMap::new(),
            rate_limit,
            refresh_reuse_grace_seconds: 0,
            faults: Faults::default(),
            journal: Journal::new(journal_max_bytes),
            version: 0,
            events: HashMap::new(),
            social: Default::default(),
            epoch: rand::random(),
        }
    }

    /// The server's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Forgets every record that expired by the server clock: idempotency records, codes
    /// (10 minutes after expiry), access and refresh tokens and device grants (24 hours
    /// after expiry, so a client is still told "expired" for a while), the token answers
    /// kept for the refresh-token reuse grace period once that period is over, the
    /// rate-limit windows of forgotten tokens, and grant families nothing refers to any
    /// more. Run by every clock change and periodically (see `server.rs`).
    pub fn sweep(&mut self) {
        let now = self.now();
        let code_horizon = now - chrono::Duration::minutes(CODE_MEMORY_MINUTES);
        let horizon = now - chrono::Duration::hours(EXPIRED_MEMORY_HOURS);
        self.idempotency.purge(now, None);
        self.codes.retain(|_, c| c.expires > code_horizon);
        self.access_tokens.retain(|_, t| t.expires > horizon);
        self.refresh_tokens.retain(|_, t| t.expires > horizon);
        let grace = chrono::Duration::seconds(self.refresh_reuse_grace_seconds);
        for t in self.refresh_tokens.values_mut() {
            if t.successor.is_some() && t.retired_at.is_none_or(|at| at + grace <= now) {
                t.successor = None;
            }
        }
        self.device_grants.retain(|_, g| g.expires > horizon);
        let tokens = &self.access_tokens;
        self.windows.retain(|token, _| tokens.contains_key(token));
        let mut live: HashSet<&str> = HashSet::new();
        live.extend(self.access_tokens.values().map(|t| t.family.as_str()));
        live.extend(self.refresh_tokens.values().map(|t| t.family.as_str()));
        live.extend(
            self.codes
                .values()
                .filter_map(|c| c.redeemed_family.as_deref()),
        );
        self.families.retain(|id, _| live.contains(id.as_str()));
    }

    /// A new id: `prefix` followed by 16 lowercase hex digits from the seeded generator.
    pub fn new_id(&mut self, prefix: &str) -> String {
        format!("{prefix}{:016x}", self.rng.r#gen::<u64>())
    }

    /// A new unguessable secret (tokens, codes): 32 url-safe characters.
    pub fn new_secret(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let tail: String = (0..32)
            .map(|_| ALPHABET[self.rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        format!("{prefix}{tail}")
    }

    /// The next ETag version.
    pub fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// A user looked up by email (case-insensitive).
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// A user looked up by id or email (for `login_hint`).
    pub fn user_by_hint(&self, hint: &str) -> Option<&User> {
        self.users.get(hint).or_else(|| self.user_by_email(hint))
    }
}

impl App {
    /// Builds the state for a server bound at `local_url` and seeds it from `config`
    /// (generated data, then the fixtures). Fails on a bad public URL or fixture.
    pub fn new(config: &MockConfig, local_url: String) -> Result<App, String> {
        let spec = Spec::load()?;
        let public_url = config
            .public_url
            .as_deref()
            .map(crate::config::normalise_public_url)
            .transpose()?;
        let fixtures = config
            .fixtures
            .as_ref()
            .map(|doc| crate::fixtures::Fixtures::parse(doc, &spec))
            .transpose()?;
        let settings = Settings {
            defaults: crate::seed::SeedParams {
                seed: config.seed,
                users: config.users,
                contacts_per_user: config.contacts_per_user,
                friends_per_user: config.friends_per_user,
                activities_per_user: config.activities_per_user,
                rate_limit: config.rate_limit,
            },
            public_url,
            local_url,
            control_token: config.control_token.clone().filter(|t| !t.is_empty()),
            fixtures,
        };
        let mut world = World::new(config.seed, config.rate_limit, config.journal_max_bytes);
        crate::seed::reset(&mut world, &settings.defaults);
        if let Some(f) = &settings.fixtures {
            f.apply(&mut world)?;
        }
        let key: [u8; 32] = rand::random();
        Ok(App {
            world: parking_lot::Mutex::new(world),
            keys: Keys::load()?,
            spec,
            signer: TokenSigner::new(&key),
            settings,
            stopping: std::sync::atomic::AtomicBool::new(false),
            sockets: tokio::sync::watch::Sender::new(0),
            in_progress: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// Registers an open live-event socket until the guard is dropped.
    pub fn socket_opened(self: &Arc<Self>) -> SocketGuard {
        self.sockets.send_modify(|n| *n += 1);
        SocketGuard(self.clone())
    }

    /// Marks the server as stopping and ends delivery to every live socket (each closes
    /// with 1001 "going away").
    pub fn begin_shutdown(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::Release);
        for log in self.world.lock().events.values_mut() {
            log.subscribers.clear();
        }
    }

    /// True once [`App::begin_shutdown`] ran.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Resolves when no live-event socket is open.
    pub async fn sockets_closed(&self) {
        let mut rx = self.sockets.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// The base URL of the request being served (see [`crate::public_url`]): the OIDC
    /// issuer and the base of every link. Outside a request, the configured public URL
    /// or the bound address.
    pub fn base_url(&self) -> String {
        crate::public_url::current().unwrap_or_else(|| {
            self.settings
                .public_url
                .clone()
                .unwrap_or_else(|| self.settings.local_url.clone())
        })
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn a_stored_contact_is_its_json_text() {
        let value = serde_json::json!({"id": "c1", "v": 1, "s": "a\"b"});
        let first = StoredContact::new(value.clone());
        assert_eq!(first.wire(), br#"{"id":"c1","s":"a\"b","v":1}"#);
        assert_eq!(first.wire(), serde_json::to_vec(&value).unwrap());
        assert!(std::ptr::eq(first.wire(), first.clone().wire())); // shared
        assert_eq!(first.to_value(), value);
        assert_eq!(first.get("v").and_then(Node::as_f64), Some(1.0));
        assert_eq!(
            first.get("s").and_then(Node::as_str).as_deref(),
            Some("a\"b")
        );
        let second = StoredContact::new(serde_json::json!({"id": "c1", "v": 2}));
        assert_eq!(second.wire(), br#"{"id":"c1","v":2}"#);
    }
}

#[cfg(test)]
mod sweep_tests {
    use super::*;

    /// A refresh token retired at `retired_at`, holding the answer its exchange gave.
    fn retired(world: &World, retired_at: DateTime<Utc>) -> RefreshToken {
        RefreshToken {
            family: "f1".into(),
            scopes: BTreeSet::new(),
            expires: world.now() + chrono::Duration::days(90),
            retired: true,
            retired_at: Some(retired_at),
            successor: Some(serde_json::json!({"access_token": "at-next"})),
            revoked: false,
            auth_time: world.now(),
        }
    }

    #[test]
    fn sweep_drops_reuse_grace_answers_once_the_grace_period_is_over() {
        let mut world = World::new(1, RateLimit::default(), 1 << 20);
        world.refresh_reuse_grace_seconds = 60;
        let now = world.now();
        world.refresh_tokens.insert(
            "rt-old".into(),
            retired(&world, now - chrono::Duration::seconds(61)),
        );
        world.refresh_tokens.insert(
            "rt-new".into(),
            retired(&world, now - chrono::Duration::seconds(5)),
        );
        world.sweep();
        // The token itself stays (its reuse must still revoke the family); only the
        // kept answer goes.
        assert!(world.refresh_tokens["rt-old"].successor.is_none());
        assert!(world.refresh_tokens["rt-new"].successor.is_some());

        // Past the grace period by the mock clock, the other answer goes too.
        world.clock.advance(60).expect("the clock advances");
        world.sweep();
        assert!(world.refresh_tokens["rt-new"].successor.is_none());
        assert!(world.refresh_tokens["rt-new"].retired);
    }

    #[test]
    fn sweep_drops_every_kept_answer_when_the_grace_period_is_turned_off() {
        let mut world = World::new(1, RateLimit::default(), 1 << 20);
        let now = world.now();
        world
            .refresh_tokens
            .insert("rt".into(), retired(&world, now));
        world.refresh_reuse_grace_seconds = 0;
        world.sweep();
        assert!(world.refresh_tokens["rt"].successor.is_none());
    }
}
