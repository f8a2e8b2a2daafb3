//! Errors crossing to JS: every failure is a JS `Error` whose message is `MCERR:` followed
//! by core's [`ErrorInfo`] record as JSON (kind, className, message, description, status,
//! code, target, requestId, retryAfter, details) that `errors.js` raises as the class core
//! named. A token-store failure adds `tokens` and `causeId`. No record carries a secret
//! except `tokens`, which `errors.js` wraps in its redacting `TokenSet`.

use messenger_connect::{Error, ErrorInfo, ErrorKind};
use napi::Status;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Prefix of the message of every error this binding raises: the rest is JSON.
const ERROR_PREFIX: &str = "MCERR:";

/// A JS error carrying `record`.
fn raise(record: Value) -> napi::Error {
    napi::Error::new(Status::GenericFailure, format!("{ERROR_PREFIX}{record}"))
}

/// A core error as a JS error carrying core's record of it.
pub(crate) fn to_js(e: Error) -> napi::Error {
    let mut record = serde_json::to_value(ErrorInfo::of(&e)).unwrap_or_else(
        |_| json!({"kind": "internal", "className": "InternalError", "message": e.to_string()}),
    );
    if let Error::TokenStore { tokens, cause } = &e {
        record["tokens"] = serde_json::to_value(&**tokens).unwrap_or_default();
        record["causeId"] = json!(
            cause
                .get_ref()
                .downcast_ref::<crate::client::JsCause>()
                .map(|c| c.id)
        );
    }
    raise(record)
}

/// An argument that cannot be used: an `InvalidArgumentError` naming it.
pub(crate) fn invalid(name: &str, message: impl std::fmt::Display) -> napi::Error {
    to_js(Error::InvalidArgument {
        name: name.to_string(),
        message: message.to_string(),
    })
}

/// The client was closed: a `ConfigError`.
pub(crate) fn closed() -> napi::Error {
    to_js(Error::Config("the client is closed".into()))
}

/// Core's table of error kinds as JSON text, parents first: `[{kind, className, parent}]`
/// (`parent`: the parent kind's class name, or `null` under the root class). `errors.js`
/// makes its classes from it, so no kind, name or hierarchy is written in JS.
#[napi_derive::napi]
pub fn error_kinds() -> String {
    let kinds: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| {
            json!({
                "kind": k.as_str(),
                "className": k.class_name(),
                "parent": k.parent().map(ErrorKind::class_name),
            })
        })
        .collect();
    Value::Array(kinds).to_string()
}

/// Arguments whose decoding error must not echo the value (serde quotes what it rejects).
const SECRET_ARGS: &[&str] = &["tokens", "request", "device"];

/// Decodes an argument sent as JSON text (`JSON.stringify` on the JS side).
pub(crate) fn arg<T: DeserializeOwned>(name: &str, json: &str) -> napi::Result<T> {
    serde_json::from_str(json).map_err(|e| {
        if SECRET_ARGS.contains(&name) {
            invalid(name, "does not have the expected shape")
        } else {
            invalid(name, e)
        }
    })
}

/// Encodes a result as JSON text (`JSON.parse` on the JS side: one parse in V8 is cheaper
/// than building the object property by property through N-API).
pub(crate) fn out<T: Serialize>(value: &T) -> napi::Result<String> {
    serde_json::to_string(value)
        .map_err(|e| to_js(Error::Internal(format!("cannot encode the result: {e}"))))
}

/// A core result as JSON text, its error mapped.
pub(crate) fn reply<T: Serialize>(result: messenger_connect::Result<T>) -> napi::Result<String> {
    out(&result.map_err(to_js)?)
}

/// A non-empty id.
pub(crate) fn id(name: &str, value: &str) -> napi::Result<()> {
    if value.is_empty() {
        return Err(invalid(name, "must not be empty"));
    }
    Ok(())
}
