//! The one error table of the project: which kind (and so which exception class, in every
//! binding) each failure is. [`ErrorKind::classify`] maps an HTTP status and an error code
//! to a kind; [`crate::Error::kind`] adds the failures that never reached the server.
//! [`ErrorInfo`] is an error as one flat record, for bindings to project.
//!
//! The class hierarchy every binding builds from [`ErrorKind::parent`]:
//!
//! ```text
//! MessengerConnectError
//! ├── ApiError ── NotFoundError, AuthError, ValidationError, ConflictError,
//! │               PreconditionFailedError, ResyncRequiredError, RateLimitedError, ServerError
//! ├── InvalidArgumentError
//! ├── NetworkError ── TimeoutError
//! ├── ConfigError
//! ├── TokenStoreError
//! └── InternalError
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorDetail};

/// What kind of failure an [`Error`] is. Each kind is one exception class in every
/// binding, named by [`ErrorKind::class_name`], under [`ErrorKind::parent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An error answered by the server that has no finer kind (e.g. 405, 410 without
    /// `resyncRequired`, 424), or a response that could not be decoded.
    Api,
    /// 404: the resource does not exist (or is not the caller's).
    NotFound,
    /// 401 or 403, and the OAuth errors that mean "sign in again" or "not allowed"
    /// (`invalid_grant`, `invalid_client`, `invalid_token`, `access_denied`...).
    Auth,
    /// 400, 413 or 422, and the OAuth errors of a malformed request (`invalid_request`,
    /// `invalid_scope`, `unsupported_grant_type`...): `target` names the field.
    Validation,
    /// 409 (e.g. `alreadyFriends`, `invitationNotPending`).
    Conflict,
    /// 412 `preconditionFailed`: the ETag given as `If-Match` is stale.
    PreconditionFailed,
    /// `resyncRequired` (410): the delta link is too old; sync again from scratch.
    ResyncRequired,
    /// 429, once the retries are spent: `retry_after` says when to try again.
    RateLimited,
    /// 5xx (and the OAuth `server_error`, `temporarily_unavailable`), once the retries are spent.
    Server,
    /// An argument refused before any request was sent: `target` names it.
    InvalidArgument,
    /// No usable answer: connection refused or reset, body cut short.
    Network,
    /// A [`ErrorKind::Network`] failure that was a timeout (connect, request or total).
    Timeout,
    /// The client is not configured for the call, or its configuration is invalid.
    Config,
    /// The token store (or `on_tokens` callback) failed to persist rotated tokens; the
    /// error carries the new tokens and the cause.
    TokenStore,
    /// A defect of this library (a panic, a background task that failed): please report it.
    Internal,
}

/// The OAuth 2.0 / OpenID Connect error codes that mean the caller is not (or no longer)
/// authenticated or authorized: server codes (RFC 6749, 6750, 8628, OIDC) and the
/// client's own (`state_mismatch`, `invalid_id_token`, `no_refresh_token`, `no_tokens`).
const OAUTH_AUTH_CODES: &[&str] = &[
    "invalid_grant",
    "invalid_client",
    "unauthorized_client",
    "invalid_token",
    "insufficient_scope",
    "access_denied",
    "expired_token",
    "authorization_pending",
    "slow_down",
    "login_required",
    "consent_required",
    "interaction_required",
    "account_selection_required",
    "state_mismatch",
    "invalid_id_token",
    "no_refresh_token",
    "no_tokens",
];

/// The OAuth error codes of a request the server cannot use as sent.
const OAUTH_VALIDATION_CODES: &[&str] = &[
    "invalid_request",
    "invalid_scope",
    "unsupported_grant_type",
    "unsupported_response_type",
    "unsupported_token_type",
    "invalid_redirect_uri",
];

/// The OAuth error codes of a server that cannot answer now.
const OAUTH_SERVER_CODES: &[&str] = &["server_error", "temporarily_unavailable"];

impl ErrorKind {
    /// Every kind, parents before their children.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Api,
        ErrorKind::NotFound,
        ErrorKind::Auth,
        ErrorKind::Validation,
        ErrorKind::Conflict,
        ErrorKind::PreconditionFailed,
        ErrorKind::ResyncRequired,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::InvalidArgument,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Config,
        ErrorKind::TokenStore,
        ErrorKind::Internal,
    ];

    /// The name of the root class every binding's errors derive from.
    pub const ROOT_CLASS_NAME: &'static str = "MessengerConnectError";

    /// THE table: the kind of an error answered with `status` (none for an error the
    /// client detected in an OAuth flow) and `code` (the API's `error.code`, or the
    /// OAuth `error`). A known code decides first (`resyncRequired`, OAuth codes); else
    /// the status: 400, 413, 422 → `Validation`; 401, 403 → `Auth`; 404 → `NotFound`;
    /// 409 → `Conflict`; 412 → `PreconditionFailed`; 429 → `RateLimited`; 5xx →
    /// `Server`; anything else → `Api`.
    pub fn classify(status: Option<u16>, code: Option<&str>) -> ErrorKind {
        match code {
            Some("resyncRequired") => return ErrorKind::ResyncRequired,
            Some(c) if OAUTH_AUTH_CODES.contains(&c) => return ErrorKind::Auth,
            Some(c) if OAUTH_VALIDATION_CODES.contains(&c) => return ErrorKind::Validation,
            Some(c) if OAUTH_SERVER_CODES.contains(&c) => return ErrorKind::Server,
            _ => {}
        }
        match status {
            Some(400 | 413 | 422) => ErrorKind::Validation,
            Some(401 | 403) => ErrorKind::Auth,
            Some(404) => ErrorKind::NotFound,
            Some(409) => ErrorKind::Conflict,
            Some(412) => ErrorKind::PreconditionFailed,
            Some(429) => ErrorKind::RateLimited,
            Some(500..=599) => ErrorKind::Server,
            _ => ErrorKind::Api,
        }
    }

    /// The kind this one specialises: `Api` for the API kinds, `Network` for `Timeout`,
    /// `None` for the kinds directly under the root class.
    pub fn parent(self) -> Option<ErrorKind> {
        match self {
            ErrorKind::NotFound
            | ErrorKind::Auth
            | ErrorKind::Validation
            | ErrorKind::Conflict
            | ErrorKind::PreconditionFailed
            | ErrorKind::ResyncRequired
            | ErrorKind::RateLimited
            | ErrorKind::Server => Some(ErrorKind::Api),
            ErrorKind::Timeout => Some(ErrorKind::Network),
            _ => None,
        }
    }

    /// `Api` or one of its children: an error about a response of the server, with
    /// status, code, message, target, request id, retry-after and details.
    pub fn is_api(self) -> bool {
        self == ErrorKind::Api || self.parent() == Some(ErrorKind::Api)
    }

    /// The class name every binding uses (modulo its case conventions), e.g.
    /// `NotFoundError`.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::Api => "ApiError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Auth => "AuthError",
            ErrorKind::Validation => "ValidationError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::PreconditionFailed => "PreconditionFailedError",
            ErrorKind::ResyncRequired => "ResyncRequiredError",
            ErrorKind::RateLimited => "RateLimitedError",
            ErrorKind::Server => "ServerError",
            ErrorKind::InvalidArgument => "InvalidArgumentError",
            ErrorKind::Network => "NetworkError",
            ErrorKind::Timeout => "TimeoutError",
            ErrorKind::Config => "ConfigError",
            ErrorKind::TokenStore => "TokenStoreError",
            ErrorKind::Internal => "InternalError",
        }
    }

    /// The kind's identifier (camelCase, e.g. `notFound`): its `Display`, `FromStr` and
    /// serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "api",
            ErrorKind::NotFound => "notFound",
            ErrorKind::Auth => "auth",
            ErrorKind::Validation => "validation",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PreconditionFailed => "preconditionFailed",
            ErrorKind::ResyncRequired => "resyncRequired",
            ErrorKind::RateLimited => "rateLimited",
            ErrorKind::Server => "server",
            ErrorKind::InvalidArgument => "invalidArgument",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Config => "config",
            ErrorKind::TokenStore => "tokenStore",
            ErrorKind::Internal => "internal",
        }
    }

    /// The kind whose class is named `name` (e.g. `NotFoundError`).
    pub fn from_class_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.class_name() == name)
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ErrorKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<ErrorKind, Error> {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid("kind", format!("`{s}` is not an error kind")))
    }
}

impl Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ErrorKind, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An [`Error`] as one flat record: what a binding needs to raise its exception, with no
/// matching on [`Error`]'s variants. Serialized in camelCase (`retryAfter` in seconds).
/// Like [`Error`], it never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The kind: which class to raise.
    pub kind: ErrorKind,
    /// [`ErrorKind::class_name`] of `kind`.
    pub class_name: &'static str,
    /// The whole human-readable text (the error's `Display`).
    pub message: String,
    /// The explanation alone: the server's `message`, the OAuth `error_description`, or
    /// what is wrong with the argument, the configuration or the connection.
    pub description: Option<String>,
    /// HTTP status, when the error came with one.
    pub status: Option<u16>,
    /// The API's `error.code`, the OAuth `error`, or `invalidResponse`.
    pub code: Option<String>,
    /// The field or query option at fault (the server's `target`, or the argument's name).
    pub target: Option<String>,
    /// The `request-id` of the response.
    pub request_id: Option<String>,
    /// `Retry-After`, when the server sent one.
    #[serde(serialize_with = "seconds")]
    pub retry_after: Option<Duration>,
    /// The server's `details`.
    pub details: Vec<ErrorDetail>,
}

fn seconds<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&d.as_secs_f64()),
        None => s.serialize_none(),
    }
}

impl ErrorInfo {
    /// The record of an error.
    pub fn of(error: &Error) -> ErrorInfo {
        let kind = error.kind();
        let mut info = ErrorInfo {
            kind,
            class_name: kind.class_name(),
            message: error.to_string(),
            description: None,
            status: error.status(),
            code: error.code().map(str::to_string),
            target: None,
            request_id: error.request_id().map(str::to_string),
            retry_after: None,
            details: Vec::new(),
        };
        match error {
            Error::Api(api) => {
                info.description = Some(api.message.clone());
                info.target = api.target.clone();
                info.retry_after = api.retry_after;
                info.details = api.details.clone();
            }
            Error::OAuth { description, .. } => info.description = description.clone(),
            Error::ResyncRequired { message, .. } => info.description = Some(message.clone()),
            Error::InvalidArgument { name, message } => {
                info.description = Some(message.clone());
                info.target = Some(name.clone());
            }
            Error::Network { message, .. }
            | Error::Decode { message, .. }
            | Error::Config(message)
            | Error::Internal(message) => info.description = Some(message.clone()),
            Error::TokenStore { cause, .. } => info.description = Some(cause.to_string()),
        }
        info
    }
}

impl From<&Error> for ErrorInfo {
    fn from(error: &Error) -> ErrorInfo {
        ErrorInfo::of(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_parents_are_one_level() {
        for &kind in ErrorKind::ALL {
            assert_eq!(kind.as_str().parse::<ErrorKind>().ok(), Some(kind));
            assert_eq!(ErrorKind::from_class_name(kind.class_name()), Some(kind));
            assert!(kind.class_name().ends_with("Error"));
            if let Some(parent) = kind.parent() {
                assert_eq!(parent.parent(), None, "{kind}");
                let at = |k: ErrorKind| ErrorKind::ALL.iter().position(|&x| x == k);
                assert!(at(parent) < at(kind), "{kind}: parents come first");
            }
        }
        assert!("nope".parse::<ErrorKind>().is_err());
        assert!(ErrorKind::ResyncRequired.is_api() && ErrorKind::Api.is_api());
        assert!(!ErrorKind::Timeout.is_api() && !ErrorKind::TokenStore.is_api());
    }

    #[test]
    fn codes_decide_before_statuses() {
        use ErrorKind::*;
        let cases: &[(Option<u16>, Option<&str>, ErrorKind)] = &[
            (Some(410), Some("resyncRequired"), ResyncRequired),
            (Some(410), Some("gone"), Api),
            (Some(400), Some("invalid_grant"), Auth),
            (Some(400), Some("invalid_request"), Validation),
            (Some(401), Some("invalid_client"), Auth),
            (None, Some("state_mismatch"), Auth),
            (None, Some("something_new"), Api),
            (Some(400), Some("something_new"), Validation),
            (Some(503), Some("temporarily_unavailable"), Server),
            (Some(403), Some("notFriends"), Auth),
            (Some(413), Some("payloadTooLarge"), Validation),
            (Some(422), Some("idempotencyKeyReused"), Validation),
            (Some(424), Some("failedDependency"), Api),
            (Some(599), None, Server),
            (Some(200), Some("invalidResponse"), Api),
        ];
        for &(status, code, kind) in cases {
            assert_eq!(
                ErrorKind::classify(status, code),
                kind,
                "{status:?} {code:?}"
            );
        }
    }

    #[test]
    fn info_is_flat_and_serializes_in_camel_case() {
        let error = Error::Api(Box::new(crate::ApiError {
            status: 429,
            code: "tooManyRequests".into(),
            message: "slow down".into(),
            request_id: Some("r1".into()),
            target: None,
            retry_after: Some(Duration::from_millis(1500)),
            details: vec![],
        }));
        let json = serde_json::to_value(error.info()).expect("serializes");
        assert_eq!(json["kind"], "rateLimited");
        assert_eq!(json["className"], "RateLimitedError");
        assert_eq!(json["retryAfter"], 1.5);
        assert_eq!(json["requestId"], "r1");
        assert_eq!(json["description"], "slow down");
        let bad = Error::invalid("top", "page size must be 1 to 1000").info();
        assert_eq!(
            (bad.kind, bad.target.as_deref()),
            (ErrorKind::InvalidArgument, Some("top"))
        );
    }
}
