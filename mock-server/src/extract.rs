//! Extractors whose rejections are API errors in the documented shape (DESIGN §2.6),
//! instead of axum's `text/plain` ones.

use axum::extract::FromRequestParts;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Path parameters, like `axum::extract::Path`; a parameter that is not valid
/// percent-encoded UTF-8 (`/v1/me/contacts/%FF%FE`) is 400 `validationFailed` naming it.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(rejection) => Err(path_error(&rejection)),
        }
    }
}

fn path_error(rejection: &PathRejection) -> ApiError {
    let (target, message) = match rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => (
                key.clone(),
                format!("the path parameter '{key}' is not valid percent-encoded UTF-8"),
            ),
            ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::DeserializeError { key, .. } => (
                key.clone(),
                format!("the path parameter '{key}' is not valid"),
            ),
            _ => ("path".to_string(), e.body_text()),
        },
        other => ("path".to_string(), other.body_text()),
    };
    ApiError::validation(target, message)
}
