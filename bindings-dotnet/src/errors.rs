//! `MessengerConnectError`: core's [`messenger_connect::Error`] as one uniffi error enum
//! with a variant per [`ErrorKind`] (core's one table, `spec/scenarios/error-kinds.json`).
//! The C# generator makes an exception class of each variant and, following
//! `[bindings.dotnet.error_parents]` in `uniffi.toml`, the same hierarchy as every other
//! binding: `ApiException` → `NotFoundException`, `AuthException`...; `NetworkException` →
//! `TimeoutException`. No variant ever carries a secret: core's errors hold none, and the
//! binding adds none.

use messenger_connect::{Error, ErrorInfo, ErrorKind};

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

/// Declares the error enum: the API kinds share one field list (their C# classes derive
/// from `ApiException`, which declares the fields once).
macro_rules! error_enum {
    ($( $(#[$doc:meta])* $api:ident, )* ; $($rest:tt)*) => {
        /// Why a call failed: one variant per kind of core's error table. Every variant has
        /// `message`, the full human-readable text.
        ///
        /// The API kinds (`Api` and its children `NotFound`, `Auth`, `Validation`,
        /// `Conflict`, `PreconditionFailed`, `ResyncRequired`, `RateLimited`, `Server`)
        /// share their fields: `status`, `code` (e.g. `notFound`, or an OAuth `error` such
        /// as `invalid_grant`), `description` (the server's message or the OAuth
        /// `error_description`), `request_id`, `target`, `retry_after_ms` and `details`.
        #[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
        pub enum MessengerConnectError {
            $(
                $(#[$doc])*
                #[error("{message}")]
                $api {
                    /// Full text.
                    message: String,
                    /// HTTP status (none for an OAuth error found by the client, e.g. `no_refresh_token`).
                    status: Option<u16>,
                    /// Machine-readable code: the API's `error.code` or the OAuth `error`.
                    code: String,
                    /// The explanation alone: the server's message or the OAuth `error_description`.
                    description: Option<String>,
                    /// The `request-id` of the response.
                    request_id: Option<String>,
                    /// The field or query option at fault.
                    target: Option<String>,
                    /// `Retry-After` in milliseconds, when the server sent one.
                    retry_after_ms: Option<u64>,
                    /// Details the server gave.
                    details: Vec<ErrorDetail>,
                },
            )*
            $($rest)*
        }
    };
}

error_enum! {
    /// An error answered by the server that has no finer kind (e.g. 405, 424), or a
    /// response that could not be decoded (`code` `invalidResponse`). The parent of every
    /// API error: catch it to read `Status`, `Code` and `RequestId` of any of them.
    Api,
    /// 404: the resource does not exist (or is not the caller's).
    NotFound,
    /// 401 or 403, and the OAuth errors that mean "sign in again" or "not allowed"
    /// (`invalid_grant`, `invalid_client`, `no_refresh_token`...).
    Auth,
    /// 400, 413 or 422, and the OAuth errors of a malformed request (`invalid_scope`...):
    /// `target` names the field.
    Validation,
    /// 409 (e.g. `alreadyFriends`).
    Conflict,
    /// 412 `preconditionFailed`: the ETag given as `if_match` is stale.
    PreconditionFailed,
    /// 410 `resyncRequired`: the delta link is too old; sync again from scratch.
    ResyncRequired,
    /// 429, once the retries are spent: `retry_after_ms` says when to try again.
    RateLimited,
    /// 5xx (and the OAuth `server_error`, `temporarily_unavailable`), once the retries are spent.
    Server,
    ;
    /// An argument refused before any request was sent.
    #[error("{message}")]
    InvalidArgument {
        /// Full text.
        message: String,
        /// The argument (or field) at fault.
        name: String,
    },
    /// No usable answer: connection refused or reset, body cut short.
    #[error("{message}")]
    Network {
        /// Full text.
        message: String,
    },
    /// A network failure that was a timeout (connect, request or total).
    #[error("{message}")]
    Timeout {
        /// Full text.
        message: String,
    },
    /// The client is not configured for the call (or was closed), or its configuration is
    /// invalid.
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
    /// A defect of this library (a background task that failed; a panic caught at the FFI
    /// boundary is a `RustPanicException`, a subclass): please report it.
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

    /// The error of a call on a closed object (client, event subscription, mock server):
    /// a `Config` error, as in core.
    pub(crate) fn closed(what: &str) -> Self {
        MessengerConnectError::Config {
            message: format!("the {what} is closed"),
        }
    }

    /// An `Internal` error.
    pub(crate) fn internal(what: impl std::fmt::Display) -> Self {
        MessengerConnectError::Internal {
            message: format!("internal error: {what}"),
        }
    }

    /// The variant of core's error record: one variant per kind.
    fn from_info(
        info: ErrorInfo,
        tokens: Option<crate::auth::TokenSet>,
        inner: Option<u64>,
    ) -> Self {
        let message = info.message;
        macro_rules! api {
            ($v:ident) => {
                MessengerConnectError::$v {
                    message,
                    status: info.status,
                    code: info.code.unwrap_or_default(),
                    description: info.description,
                    request_id: info.request_id,
                    target: info.target,
                    retry_after_ms: info
                        .retry_after
                        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                    details: info
                        .details
                        .into_iter()
                        .map(|d| ErrorDetail {
                            code: d.code,
                            message: d.message,
                            target: d.target,
                        })
                        .collect(),
                }
            };
        }
        match info.kind {
            ErrorKind::Api => api!(Api),
            ErrorKind::NotFound => api!(NotFound),
            ErrorKind::Auth => api!(Auth),
            ErrorKind::Validation => api!(Validation),
            ErrorKind::Conflict => api!(Conflict),
            ErrorKind::PreconditionFailed => api!(PreconditionFailed),
            ErrorKind::ResyncRequired => api!(ResyncRequired),
            ErrorKind::RateLimited => api!(RateLimited),
            ErrorKind::Server => api!(Server),
            ErrorKind::InvalidArgument => MessengerConnectError::InvalidArgument {
                message,
                name: info.target.unwrap_or_default(),
            },
            ErrorKind::Network => MessengerConnectError::Network { message },
            ErrorKind::Timeout => MessengerConnectError::Timeout { message },
            ErrorKind::Config => MessengerConnectError::Config { message },
            ErrorKind::TokenStore => match tokens {
                Some(tokens) => MessengerConnectError::TokenStore {
                    message,
                    tokens,
                    inner_exception_id: inner,
                },
                None => MessengerConnectError::Internal { message },
            },
            _ => MessengerConnectError::Internal { message },
        }
    }
}

impl From<Error> for MessengerConnectError {
    fn from(e: Error) -> Self {
        let (tokens, inner) = match &e {
            Error::TokenStore { tokens, cause } => (
                Some(crate::auth::TokenSet::from((**tokens).clone())),
                cause
                    .get_ref()
                    .downcast_ref::<crate::token_changes::HandlerFailed>()
                    .and_then(|h| h.exception_id),
            ),
            _ => (None, None),
        };
        MessengerConnectError::from_info(e.info(), tokens, inner)
    }
}

/// A failed control call of the mock, as the error of its status (an API error).
pub(crate) fn api_error(
    status: u16,
    code: String,
    message: String,
    description: String,
    target: Option<String>,
) -> MessengerConnectError {
    let api = messenger_connect::ApiError {
        status,
        code,
        message: description,
        request_id: None,
        target,
        retry_after: None,
        details: Vec::new(),
    };
    let mut info = Error::Api(Box::new(api)).info();
    info.message = message;
    MessengerConnectError::from_info(info, None, None)
}
