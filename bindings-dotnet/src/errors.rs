//! `MessengerConnectError`: core's [`messenger_connect::Error`] as one uniffi error enum
//! (the C# layer makes an exception class of each variant). API errors are split by status
//! like the Python binding's hierarchy. No variant ever carries a secret: core's errors
//! hold none, and the binding adds none.

use messenger_connect::{ApiError, Error};

/// One entry of an API error's `details`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ErrorDetail {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The field at fault.
    pub target: Option<String>,
}

/// Why a call failed. Every variant has `message`, the full human-readable text.
///
/// The API variants (`Api`, `Auth`, `NotFound`, `Conflict`, `PreconditionFailed`,
/// `Validation`, `RateLimited`, `Server`) share their fields: `status`, `code` (e.g.
/// `notFound`), `server_message` (the server's own message), `request_id`, `target`,
/// `retry_after_ms` and `details`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum MessengerConnectError {
    /// The API answered with an error whose status has no variant of its own.
    #[error("{message}")]
    Api {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 401 or 403: the token was refused or lacks a scope.
    #[error("{message}")]
    Auth {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 404.
    #[error("{message}")]
    NotFound {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 409 (e.g. `alreadyFriends`).
    #[error("{message}")]
    Conflict {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 412 `preconditionFailed`: the ETag given as `if_match` is stale.
    #[error("{message}")]
    PreconditionFailed {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 400 or 422: an invalid value (`target` names the field).
    #[error("{message}")]
    Validation {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 429, after the retries.
    #[error("{message}")]
    RateLimited {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 5xx, after the retries.
    #[error("{message}")]
    Server {
        /// Full text.
        message: String,
        /// HTTP status.
        status: u16,
        /// Machine-readable code.
        code: String,
        /// The server's message.
        server_message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
        /// The field or query option at fault.
        target: Option<String>,
        /// `Retry-After` in milliseconds, when the server sent one.
        retry_after_ms: Option<u64>,
        /// Details the server gave.
        details: Vec<ErrorDetail>,
    },
    /// 410 `resyncRequired`: the delta link is too old; sync again from scratch.
    #[error("{message}")]
    ResyncRequired {
        /// Full text.
        message: String,
        /// The `request-id` of the response.
        request_id: Option<String>,
    },
    /// An OAuth 2.0 / OpenID Connect error (from the server, the redirect, or the client:
    /// `state_mismatch`, `invalid_id_token`, `no_refresh_token`...).
    #[error("{message}")]
    OAuth {
        /// Full text.
        message: String,
        /// HTTP status, when it came from an endpoint.
        status: Option<u16>,
        /// The RFC 6749 `error` (or client-side code).
        code: String,
        /// The `error_description`.
        description: Option<String>,
    },
    /// No answer: connection refused or reset, timeout, body cut short.
    #[error("{message}")]
    Network {
        /// Full text.
        message: String,
        /// The failure was a timeout.
        timeout: bool,
    },
    /// An answer that could not be decoded.
    #[error("{message}")]
    Decode {
        /// Full text.
        message: String,
        /// HTTP status of the response.
        status: u16,
        /// The `request-id` of the response.
        request_id: Option<String>,
    },
    /// An argument refused before any request was sent.
    #[error("{message}")]
    InvalidArgument {
        /// Full text.
        message: String,
        /// The argument (or field) at fault.
        name: String,
    },
    /// The client's configuration is invalid or incomplete for this call.
    #[error("{message}")]
    Config {
        /// Full text.
        message: String,
    },
    /// New tokens were obtained and are in use, but a `TokensChanged` handler threw (or
    /// did not finish in time) while saving them: save `tokens` (the server retired the
    /// previous refresh token). The C# exception is the `InnerException`.
    #[error("{message}")]
    TokenStore {
        /// Full text.
        message: String,
        /// The new tokens (in use by the client, not saved).
        tokens: crate::auth::TokenSet,
        /// The handler's exception, kept on the C# side under this id (the generator
        /// turns the field into the exception's `InnerException`).
        inner_exception_id: Option<u64>,
    },
    /// The object (client, event subscription, mock server) was closed.
    #[error("{message}")]
    Closed {
        /// Full text.
        message: String,
    },
    /// A defect in the binding (not a panic: panics are uniffi's unexpected errors).
    #[error("{message}")]
    Internal {
        /// Full text.
        message: String,
    },
}

/// Result of every fallible export.
pub type Result<T, E = MessengerConnectError> = std::result::Result<T, E>;

impl MessengerConnectError {
    /// An `InvalidArgument` for argument `name`.
    pub(crate) fn invalid(name: &str, what: impl std::fmt::Display) -> Self {
        MessengerConnectError::InvalidArgument {
            message: format!("invalid argument `{name}`: {what}"),
            name: name.to_string(),
        }
    }

    /// A `Closed` error for this kind of object.
    pub(crate) fn closed(what: &str) -> Self {
        MessengerConnectError::Closed {
            message: format!("the {what} is closed"),
        }
    }

    /// An `Internal` error.
    pub(crate) fn internal(what: impl std::fmt::Display) -> Self {
        MessengerConnectError::Internal {
            message: format!("internal error: {what}"),
        }
    }
}

fn api_variant(e: &ApiError, message: String) -> MessengerConnectError {
    let details = e
        .details
        .iter()
        .map(|d| ErrorDetail {
            code: d.code.clone(),
            message: d.message.clone(),
            target: d.target.clone(),
        })
        .collect();
    let status = e.status;
    let code = e.code.clone();
    let server_message = e.message.clone();
    let request_id = e.request_id.clone();
    let target = e.target.clone();
    let retry_after_ms = e
        .retry_after
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    macro_rules! variant {
        ($v:ident) => {
            MessengerConnectError::$v {
                message,
                status,
                code,
                server_message,
                request_id,
                target,
                retry_after_ms,
                details,
            }
        };
    }
    match status {
        401 | 403 => variant!(Auth),
        404 => variant!(NotFound),
        409 => variant!(Conflict),
        412 => variant!(PreconditionFailed),
        400 | 422 => variant!(Validation),
        429 => variant!(RateLimited),
        500..=599 => variant!(Server),
        _ => variant!(Api),
    }
}

impl From<Error> for MessengerConnectError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::Api(api) => api_variant(&api, message),
            Error::OAuth {
                status,
                error,
                description,
                ..
            } => MessengerConnectError::OAuth {
                message,
                status,
                code: error,
                description,
            },
            Error::ResyncRequired { request_id, .. } => MessengerConnectError::ResyncRequired {
                message,
                request_id,
            },
            Error::Network { timeout, .. } => MessengerConnectError::Network { message, timeout },
            Error::Decode {
                status, request_id, ..
            } => MessengerConnectError::Decode {
                message,
                status,
                request_id,
            },
            Error::InvalidArgument { name, .. } => {
                MessengerConnectError::InvalidArgument { message, name }
            }
            Error::Config(_) => MessengerConnectError::Config { message },
            Error::TokenStore { tokens, cause } => MessengerConnectError::TokenStore {
                message,
                tokens: crate::auth::TokenSet::from(*tokens),
                inner_exception_id: cause
                    .get_ref()
                    .downcast_ref::<crate::token_changes::HandlerFailed>()
                    .and_then(|h| h.exception_id),
            },
            _ => MessengerConnectError::Internal { message },
        }
    }
}

/// An error of the API family for this status (used for the mock's control plane).
pub(crate) fn api_error(
    status: u16,
    code: String,
    message: String,
    server_message: String,
) -> MessengerConnectError {
    let api = ApiError {
        status,
        code,
        message: server_message,
        request_id: None,
        target: None,
        retry_after: None,
        details: Vec::new(),
    };
    api_variant(&api, message)
}
