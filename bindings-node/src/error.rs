//! Errors crossing to JS: every failure is a JS `Error` whose message is `MCERR:` followed
//! by a JSON record (`kind`, `status`, `code`, `message`, `requestId`, `target`,
//! `retryAfter`, `details`) that `errors.js` turns into a `MessengerConnectError` class
//! (or a `TypeError` for `kind: "invalidArgument"`). No record carries a secret.

use napi::Status;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Prefix of the message of every error this binding raises: the rest is JSON.
const ERROR_PREFIX: &str = "MCERR:";

/// A JS error carrying `record`.
pub(crate) fn raise(record: Value) -> napi::Error {
    napi::Error::new(Status::GenericFailure, format!("{ERROR_PREFIX}{record}"))
}

/// A core error as a JS error carrying its fields.
pub(crate) fn to_js(e: messenger_connect::Error) -> napi::Error {
    use messenger_connect::Error as E;
    let mut record = json!({
        "status": e.status(),
        "code": e.code(),
        "requestId": e.request_id(),
        "message": e.to_string(),
    });
    let kind = match &e {
        E::Api(api) => {
            record["message"] = json!(api.message);
            record["target"] = json!(api.target);
            record["retryAfter"] = json!(api.retry_after.map(|d| d.as_secs_f64()));
            record["details"] = api
                .details
                .iter()
                .map(|d| json!({"code": d.code, "message": d.message, "target": d.target}))
                .collect();
            "api"
        }
        E::OAuth { .. } => "oauth",
        E::ResyncRequired { .. } => "resyncRequired",
        E::Network { timeout, .. } => {
            record["timeout"] = json!(timeout);
            "network"
        }
        E::Decode { .. } => "decode",
        E::InvalidArgument { name, .. } => {
            record["target"] = json!(name);
            "invalidArgument"
        }
        E::Config(_) => "config",
        _ => "other",
    };
    record["kind"] = json!(kind);
    raise(record)
}

/// An argument that cannot be used: a `TypeError` on the JS side.
pub(crate) fn invalid(name: &str, message: impl std::fmt::Display) -> napi::Error {
    raise(json!({
        "kind": "invalidArgument",
        "target": name,
        "message": format!("invalid argument `{name}`: {message}"),
    }))
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
    serde_json::to_string(value).map_err(|e| {
        raise(json!({"kind": "decode", "message": format!("cannot encode the result: {e}")}))
    })
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
