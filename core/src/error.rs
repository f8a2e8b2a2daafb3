//! The crate's error type: every failure is plain data (status, codes, request id), and no
//! secret (token, client secret, code) ever appears in its `Debug` or `Display`.

use std::time::Duration;

pub use crate::error_kind::{ErrorInfo, ErrorKind};

/// The code [`Error::code`] gives a response that could not be decoded.
pub const INVALID_RESPONSE: &str = "invalidResponse";

/// Result of every fallible call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error (`{"error":{"code","message",...}}`).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// An OAuth 2.0 / OpenID Connect error: from the server (RFC 6749 `error`,
    /// `error_description`), from the redirect (`?error=access_denied`), or detected by the
    /// client (`state_mismatch`, `invalid_id_token`, `no_refresh_token`...).
    #[error("OAuth error `{error}`{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// HTTP status when the error came from an endpoint.
        status: Option<u16>,
        /// The RFC 6749 error code, or a client-side code.
        error: String,
        /// Human-readable description.
        description: Option<String>,
        /// The `request-id` of the response, when the error came from an endpoint.
        request_id: Option<String>,
    },
    /// A delta link is too old for the server's change log (410 `resyncRequired`): start a
    /// full sync again.
    #[error("resync required: {message}")]
    ResyncRequired {
        /// The server's explanation.
        message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
    },
    /// The request could not be sent or its response not read (connection refused or reset,
    /// timeout, body cut short).
    #[error("network error: {message}")]
    Network {
        /// What happened (never contains a secret).
        message: String,
        /// The failure was a timeout.
        timeout: bool,
    },
    /// A response could not be decoded.
    #[error("cannot decode the response (status {status}): {message}")]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// What was wrong (the error class and position, never the content).
        message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
    },
    /// An argument was refused before any request was sent.
    #[error("invalid argument `{name}`: {message}")]
    InvalidArgument {
        /// The argument.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// The client is not configured for this call (e.g. no redirect URI), or its
    /// configuration is invalid.
    #[error("configuration error: {0}")]
    Config(String),
    /// New tokens were obtained (a refresh, code exchange, device flow or client
    /// credentials) and are in use, but the [`crate::TokenStore`] could not save them.
    /// The server has retired the previous refresh token, so persist `tokens` (or
    /// [`crate::Client::tokens`]) before the process ends, or the grant is lost.
    #[error("the new tokens could not be saved by the token store: {cause}")]
    TokenStore {
        /// The new tokens (in use by the client; `Debug` shows no secret).
        tokens: Box<crate::TokenSet>,
        /// Why the store failed (the store's own error, see [`StoreFailure::get_ref`]).
        #[source]
        cause: StoreFailure,
    },
    /// A defect of this library (e.g. a background task that panicked): please report it.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The error a [`crate::TokenStore`] failed with, shared by the clones of an
/// [`Error::TokenStore`].
#[derive(Clone)]
pub struct StoreFailure(std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

impl StoreFailure {
    /// Wraps a store's error.
    pub fn new(cause: crate::tokens::StoreError) -> StoreFailure {
        StoreFailure(std::sync::Arc::from(cause))
    }

    /// The store's own error (e.g. to downcast it to the type the store returned).
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Debug for StoreFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for StoreFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Two failures are equal when they are clones of one.
impl PartialEq for StoreFailure {
    fn eq(&self, other: &StoreFailure) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// An error answered by the resource API (DESIGN §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Machine-readable code, e.g. `validationFailed`, `notFound`, `preconditionFailed`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The `request-id` of the response.
    pub request_id: Option<String>,
    /// The field or query option at fault.
    pub target: Option<String>,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
    /// Details the server gave, as `(code, message, target)`.
    pub details: Vec<ErrorDetail>,
}

/// One entry of an error's `details`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The field at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "API error {} `{}`: {}",
            self.status, self.code, self.message
        )?;
        if let Some(t) = &self.target {
            write!(f, " (target `{t}`)")?;
        }
        if let Some(r) = &self.request_id {
            write!(f, " [request-id {r}]")?;
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status the error came with, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::OAuth { status, .. } => *status,
            Error::ResyncRequired { .. } => Some(410),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error code (`notFound`...) or OAuth error (`invalid_grant`...), if any;
    /// `invalidResponse` for a response that could not be decoded.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.code),
            Error::OAuth { error, .. } => Some(error),
            Error::ResyncRequired { .. } => Some("resyncRequired"),
            Error::Decode { .. } => Some(INVALID_RESPONSE),
            _ => None,
        }
    }

    /// What kind of failure this is: the class every binding raises for it (see
    /// [`ErrorKind`] and the table in `core/README.md`).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(_) | Error::OAuth { .. } | Error::ResyncRequired { .. } => {
                ErrorKind::classify(self.status(), self.code())
            }
            // The server answered, but not as the contract says.
            Error::Decode { .. } => ErrorKind::Api,
            Error::Network { timeout: true, .. } => ErrorKind::Timeout,
            Error::Network { .. } => ErrorKind::Network,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::Config(_) => ErrorKind::Config,
            Error::Internal(_) => ErrorKind::Internal,
            Error::TokenStore { .. } => ErrorKind::TokenStore,
        }
    }

    /// Every field of the error in one flat record, for bindings (see [`ErrorInfo`]).
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo::of(self)
    }

    /// The `request-id` of the response that carried the error, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::ResyncRequired { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::OAuth { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The new tokens a failed token store could not save ([`Error::TokenStore`]).
    pub fn unsaved_tokens(&self) -> Option<&crate::TokenSet> {
        match self {
            Error::TokenStore { tokens, .. } => Some(tokens),
            _ => None,
        }
    }

    /// The API error, when this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn invalid(name: &str, message: impl Into<String>) -> Error {
        Error::InvalidArgument {
            name: name.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn oauth(error: &str, description: impl Into<String>) -> Error {
        Error::OAuth {
            status: None,
            error: error.to_string(),
            description: Some(description.into()),
            request_id: None,
        }
    }

    /// A reqwest error, without its URL (which may carry opaque tokens) and with the
    /// chain of causes.
    pub(crate) fn network(e: reqwest::Error) -> Error {
        let timeout = e.is_timeout();
        let e = e.without_url();
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error::Network { message, timeout }
    }

    /// A JSON decoding failure: its class and position only, never the offending content.
    pub(crate) fn decode(e: &serde_json::Error, status: u16, request_id: Option<String>) -> Error {
        let class = match e.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected JSON shape",
            serde_json::error::Category::Eof => "JSON cut short",
        };
        Error::Decode {
            status,
            message: format!("{class} at line {} column {}", e.line(), e.column()),
            request_id,
        }
    }
}

/// Checks an id argument: non-empty, at most 1024 characters, no control characters.
pub(crate) fn check_id(name: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(name, "must not be empty"));
    }
    if value.len() > 1024 {
        return Err(Error::invalid(name, "must be at most 1024 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "must not contain control characters"));
    }
    Ok(())
}
