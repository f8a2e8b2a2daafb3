//! Error responses: the resource form of DESIGN §2.6 and the OAuth form of RFC 6749.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A resource error: `{"error":{"code","message","target"?,"details"?,"innerError"}}`.
///
/// `innerError` (request id and date) is filled in by the server's outer layer, which
/// knows the request id; handlers only say what went wrong.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code, e.g. `validationFailed`.
    pub code: &'static str,
    /// Human-readable message (never contains a secret).
    pub message: String,
    /// The field or query option at fault.
    pub target: Option<String>,
    /// Extra headers (e.g. `WWW-Authenticate`, `Retry-After`).
    pub headers: Vec<(header::HeaderName, String)>,
}

/// Handlers return `Result<T, ApiError>`.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A new error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            target: None,
            headers: Vec::new(),
        }
    }

    /// Names the field or option at fault.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: header::HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// 400 `validationFailed` naming the field.
    pub fn validation(target: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "validationFailed", message).target(target)
    }

    /// 404 `notFound`.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "notFound",
            format!("{what} was not found"),
        )
    }

    /// 401 `invalidToken` with the RFC 6750 challenge.
    pub fn invalid_token(description: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalidToken", description.to_string()).header(
            header::WWW_AUTHENTICATE,
            format!(
                "Bearer realm=\"messenger-connect\", error=\"invalid_token\", error_description=\"{description}\""
            ),
        )
    }

    /// 401 for a request that carried no token: the RFC 6750 challenge has no error code.
    pub fn missing_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalidToken",
            "an access token is required (Authorization: Bearer ...)",
        )
        .header(
            header::WWW_AUTHENTICATE,
            "Bearer realm=\"messenger-connect\"",
        )
    }

    /// 403 `insufficientScope` with the RFC 6750 challenge naming the scope needed.
    pub fn insufficient_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficientScope",
            format!("this request needs the '{scope}' scope"),
        )
        .header(
            header::WWW_AUTHENTICATE,
            format!(
                "Bearer realm=\"messenger-connect\", error=\"insufficient_scope\", scope=\"{scope}\""
            ),
        )
    }

    /// 409 `conflict`.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// The JSON body, without `innerError` (added by the outer layer).
    pub fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(target) = &self.target {
            error["target"] = json!(target);
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().append(name.clone(), value);
            }
        }
        response
    }
}

impl From<crate::odata::ODataError> for ApiError {
    fn from(e: crate::odata::ODataError) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, e.code, e.message).target(e.target)
    }
}

/// An OAuth 2.0 error (RFC 6749 §5.2): `{"error","error_description"}`.
#[derive(Debug, Clone)]
pub struct OAuthError {
    /// HTTP status (400, or 401 for `invalid_client`).
    pub status: StatusCode,
    /// RFC 6749 / 8628 error code, e.g. `invalid_grant`.
    pub error: &'static str,
    /// Human-readable description (never contains a secret).
    pub description: String,
}

impl OAuthError {
    /// 400 with the given OAuth error code.
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
        }
    }

    /// 401 `invalid_client`.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"messenger-connect\""),
            );
        }
        response
    }
}
