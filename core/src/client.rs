//! `Client` and `ClientBuilder`: configuration, the shared connection pool, and the token
//! session a client calls the API with.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::call_options::CallOptions;
use crate::error::{Error, Result};
use crate::process::ProcessLocal;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::session::Session;
use crate::tokens::{TokenSet, TokenStore};

/// What every clone of a client shares: HTTP pool and configuration.
pub(crate) struct Shared {
    /// The connection pool of this process (rebuilt in a forked child, see `process`).
    http: ProcessLocal<reqwest::Client>,
    /// How `http` is built (again, after a fork).
    http_config: HttpConfig,
    /// Base URL, always ending with `/`.
    pub(crate) base: Url,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) issuer: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) prefetch: bool,
    pub(crate) refresh_skew: Duration,
    pub(crate) store_timeout: Duration,
    pub(crate) jwks: tokio::sync::Mutex<Option<Arc<jsonwebtoken::jwk::JwkSet>>>,
}

impl Shared {
    /// The connection pool of this process: the one built with the client, or after a
    /// `fork()`, one built in the child on first use (the inherited one is never used or
    /// dropped there: its sockets are the parent's).
    pub(crate) fn http(&self) -> Result<reqwest::Client> {
        self.http.get_or_try(|| {
            tracing::info!(
                target: crate::targets::HTTP,
                "a new connection pool for this process (forked)"
            );
            self.http_config.build()
        })
    }
}

/// Everything the HTTP client is built from.
#[derive(Clone)]
struct HttpConfig {
    user_agent: String,
    connect_timeout: Option<Duration>,
    no_proxy: bool,
    proxy: Option<String>,
    https_only: bool,
}

impl HttpConfig {
    fn build(&self) -> Result<reqwest::Client> {
        let mut http = reqwest::Client::builder()
            .user_agent(self.user_agent.as_str())
            .gzip(true)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(self.https_only);
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        if self.no_proxy {
            http = http.no_proxy();
        }
        if let Some(p) = &self.proxy {
            let proxy = reqwest::Proxy::all(p.as_str())
                .map_err(|e| Error::Config(format!("invalid proxy URL: {}", e.without_url())))?;
            http = http.proxy(proxy);
        }
        http.build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// The Messenger Connect client. Cheap to clone (an `Arc` inside), `Send + Sync`; clones
/// share the connection pool and the tokens. Every method returns owned data.
///
/// ```no_run
/// # async fn run() -> messenger_connect::Result<()> {
/// use messenger_connect::{Client, TokenSet};
/// let client = Client::builder("https://api.example.com")
///     .client_id("app_123")
///     .tokens(TokenSet::bearer("at_..."))
///     .build()?;
/// let me = client.me().await?;
/// println!("{}", me.display_name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    pub(crate) session: Arc<Session>,
    /// What this view changes for its calls ([`Client::with_options`]).
    pub(crate) call: Arc<CallOptions>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base.as_str())
            .field("client_id", &self.shared.client_id)
            .field("client_secret", &self.shared.client_secret)
            .field("tokens", &self.tokens())
            .finish()
    }
}

impl Client {
    /// A builder for a client of the API at `base_url` (e.g. `https://api.example.com`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The base URL (with a trailing `/`).
    pub fn base_url(&self) -> &str {
        self.shared.base.as_str()
    }

    /// The tokens the client calls the API with, if any.
    pub fn tokens(&self) -> Option<TokenSet> {
        self.session.tokens()
    }

    /// Replaces the tokens (e.g. loaded from storage). The token store is not called.
    /// Tokens that could never be sent are refused ([`TokenSet::check`]).
    pub fn set_tokens(&self, tokens: TokenSet) -> Result<()> {
        tokens.check()?;
        self.session
            .set_renewal(crate::session::Renewal::RefreshToken);
        self.session.set(Some(tokens));
        Ok(())
    }

    /// Forgets the tokens.
    pub fn clear_tokens(&self) {
        self.session.set(None);
    }

    /// A client sharing this one's connection pool and configuration (and token store) but
    /// with its own tokens: one per user for a job that serves many users.
    /// Tokens that could never be sent are refused ([`TokenSet::check`]).
    pub fn with_tokens(&self, tokens: TokenSet) -> Result<Client> {
        tokens.check()?;
        Ok(self.with_session(Session::new(Some(tokens), self.session.store())))
    }

    /// Like [`Client::with_tokens`], with a token store of its own (`None`: none), so each
    /// user's rotated tokens go where that user's are kept (a row per user, say).
    pub fn with_tokens_and_store(
        &self,
        tokens: TokenSet,
        store: Option<Arc<dyn TokenStore>>,
    ) -> Result<Client> {
        tokens.check()?;
        Ok(self.with_session(Session::new(Some(tokens), store)))
    }

    fn with_session(&self, session: Session) -> Client {
        Client {
            shared: self.shared.clone(),
            session: Arc::new(session),
            call: self.call.clone(),
        }
    }

    /// A view of this client whose calls use `options` (timeouts, retry policy, a
    /// cancellation token) over this one's; it shares the connection pool, configuration,
    /// tokens and token store. Options left `None` keep this client's. A zero timeout or
    /// a policy of zero attempts is an [`Error::InvalidArgument`] (a view cannot lift the
    /// client's limits).
    pub fn with_options(&self, options: CallOptions) -> Result<Client> {
        options.check()?;
        Ok(Client {
            shared: self.shared.clone(),
            session: self.session.clone(),
            call: Arc::new(options.over(&self.call)),
        })
    }

    /// The URL of these path segments under the base URL (each segment percent-encoded).
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.shared.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Like [`Client::endpoint`], with query parameters.
    pub(crate) fn endpoint_with(&self, segments: &[&str], query: &[(String, String)]) -> Url {
        let mut url = self.endpoint(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    pub(crate) fn client_id(&self) -> Result<&str> {
        self.shared.client_id.as_deref().ok_or_else(|| {
            Error::Config("this call needs a client id (ClientBuilder::client_id)".into())
        })
    }
}

/// Configures and builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    redirect_uri: Option<String>,
    issuer: Option<String>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    user_agent: String,
    proxy: Option<String>,
    no_proxy: bool,
    retry: RetryPolicy,
    prefetch: bool,
    allow_insecure_http: bool,
    refresh_skew: Duration,
    store_timeout: Duration,
    tokens: Option<TokenSet>,
    store: Option<Arc<dyn TokenStore>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: 10 s connect timeout, 30 s per attempt, 120 s per
    /// call, the default [`RetryPolicy`], page prefetch on, 60 s refresh skew, 30 s for
    /// the token store to save new tokens.
    pub fn new(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            issuer: None,
            connect_timeout: Some(Duration::from_secs(10)),
            request_timeout: Some(Duration::from_secs(30)),
            total_timeout: Some(Duration::from_secs(120)),
            user_agent: concat!("messenger-connect-rust/", env!("CARGO_PKG_VERSION")).to_string(),
            proxy: None,
            no_proxy: false,
            retry: RetryPolicy::default(),
            prefetch: true,
            allow_insecure_http: false,
            refresh_skew: Duration::from_secs(60),
            store_timeout: Duration::from_secs(30),
            tokens: None,
            store: None,
        }
    }

    /// The app's client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The app's client secret (confidential clients; sent with HTTP Basic).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(secret));
        self
    }

    /// The redirect URI registered for the app (authorization-code flow).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// The id tokens' expected issuer (default: the base URL without a trailing `/`).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Time allowed to open a connection (`None`: no limit).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, response body included (`None`: no limit).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Time allowed for one call, retries and their waits included (`None`: no limit).
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or `socks5://` URL).
    pub fn proxy(mut self, proxy_url: impl Into<String>) -> Self {
        self.proxy = Some(proxy_url.into());
        self
    }

    /// Ignores the proxies of the environment (`HTTP_PROXY`...).
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// How failed requests are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether item streams fetch the next page while the caller consumes the current one.
    pub fn page_prefetch(mut self, enabled: bool) -> Self {
        self.prefetch = enabled;
        self
    }

    /// Allows plain `http://` to hosts other than loopback (never do this in production).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Refreshes an access token this long before it expires.
    pub fn refresh_skew(mut self, skew: Duration) -> Self {
        self.refresh_skew = skew;
        self
    }

    /// The tokens to start with (e.g. loaded from storage).
    pub fn tokens(mut self, tokens: TokenSet) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// Receives every new token set (after each refresh, with the rotated refresh token).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Like [`ClientBuilder::token_store`], with a closure returning `()` or a
    /// `Result` (an `Err` fails the call that obtained the tokens, with
    /// [`Error::TokenStore`]).
    pub fn on_tokens<F, R>(self, callback: F) -> Self
    where
        F: Fn(&TokenSet) -> R + Send + Sync + 'static,
        R: crate::tokens::SaveOutcome,
    {
        self.token_store(Arc::new(callback))
    }

    /// How long the token store may take to save new tokens; a slower save fails the
    /// call with [`Error::TokenStore`] (the tokens stay in use). Default 30 s.
    pub fn token_store_timeout(mut self, timeout: Duration) -> Self {
        self.store_timeout = timeout;
        self
    }

    /// Checks the configuration (and the tokens, [`TokenSet::check`]) and builds the
    /// client.
    pub fn build(self) -> Result<Client> {
        if let Some(tokens) = &self.tokens {
            tokens.check()?;
        }
        let mut base = Url::parse(self.base_url.trim())
            .map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
        match base.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || crate::tls::is_loopback(&base) => {}
            "http" => {
                return Err(Error::Config(
                    "plain http:// is only allowed to loopback hosts; use https:// or allow_insecure_http(true)"
                        .into(),
                ));
            }
            other => return Err(Error::Config(format!("unsupported URL scheme `{other}`"))),
        }
        if base.query().is_some() || base.fragment().is_some() || base.cannot_be_a_base() {
            return Err(Error::Config(
                "the base URL must not have a query or fragment".into(),
            ));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(Error::Config(
                "the base URL must not carry credentials".into(),
            ));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        if let Some(id) = &self.client_id {
            crate::error::check_id("client_id", id).map_err(|e| Error::Config(e.to_string()))?;
        }
        if let Some(uri) = &self.redirect_uri {
            Url::parse(uri).map_err(|e| Error::Config(format!("invalid redirect URI: {e}")))?;
        }
        self.retry
            .check()
            .map_err(|e| Error::Config(format!("retry policy: {e}")))?;
        crate::tls::ensure_crypto_provider();
        let http_config = HttpConfig {
            user_agent: self.user_agent,
            connect_timeout: self.connect_timeout,
            no_proxy: self.no_proxy,
            proxy: self.proxy,
            https_only: !self.allow_insecure_http && base.scheme() == "https",
        };
        let http = ProcessLocal::new(http_config.build()?);
        let issuer = self
            .issuer
            .unwrap_or_else(|| base.as_str().trim_end_matches('/').to_string());
        let shared = Shared {
            http,
            http_config,
            base,
            client_id: self.client_id,
            client_secret: self.client_secret,
            redirect_uri: self.redirect_uri,
            issuer,
            retry: self.retry,
            request_timeout: self.request_timeout,
            total_timeout: self.total_timeout,
            prefetch: self.prefetch,
            refresh_skew: self.refresh_skew,
            store_timeout: self.store_timeout,
            jwks: tokio::sync::Mutex::new(None),
        };
        Ok(Client {
            shared: Arc::new(shared),
            session: Arc::new(Session::new(self.tokens, self.store)),
            call: Arc::default(),
        })
    }
}
