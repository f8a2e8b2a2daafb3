//! Field checks for request bodies. Every failure names its field (`target`), with a
//! JSON-pointer-like path for nested fields (`emails/0/value`).

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// A JSON object body, or 400 naming the body.
pub fn object(body: &[u8]) -> ApiResult<Map<String, Value>> {
    if body.is_empty() {
        return Err(ApiError::validation(
            "body",
            "a JSON object body is required",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::validation(
            "body",
            "the body must be a JSON object",
        )),
        Err(e) => Err(ApiError::validation(
            "body",
            format!("the body is not valid JSON: {e}"),
        )),
    }
}

/// A string of `min..=max` characters (not bytes).
pub fn string(value: &Value, target: &str, min: usize, max: usize) -> ApiResult<String> {
    let s = value
        .as_str()
        .ok_or_else(|| ApiError::validation(target, format!("'{target}' must be a string")))?;
    let n = s.chars().count();
    if n < min || n > max {
        let msg = if min == max {
            format!("'{target}' must be {min} characters")
        } else if min == 0 {
            format!("'{target}' must be at most {max} characters")
        } else {
            format!("'{target}' must be {min} to {max} characters")
        };
        return Err(ApiError::validation(target, msg));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(ApiError::validation(
            target,
            format!("'{target}' must not contain control characters"),
        ));
    }
    Ok(s.to_string())
}

/// A string with leading/trailing whitespace trimmed and at least one visible character.
pub fn text(value: &Value, target: &str, max: usize) -> ApiResult<String> {
    let s = string(value, target, 1, max)?;
    if s.trim().is_empty() {
        return Err(ApiError::validation(
            target,
            format!("'{target}' must not be blank"),
        ));
    }
    Ok(s)
}

/// One of the allowed values.
pub fn one_of(value: &Value, target: &str, allowed: &[&str]) -> ApiResult<String> {
    match value.as_str() {
        Some(s) if allowed.contains(&s) => Ok(s.to_string()),
        _ => Err(ApiError::validation(
            target,
            format!("'{target}' must be one of: {}", allowed.join(", ")),
        )),
    }
}

/// A boolean.
pub fn boolean(value: &Value, target: &str) -> ApiResult<bool> {
    value
        .as_bool()
        .ok_or_else(|| ApiError::validation(target, format!("'{target}' must be true or false")))
}

/// An array of at most `max` items.
pub fn array<'a>(value: &'a Value, target: &str, max: usize) -> ApiResult<&'a Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| ApiError::validation(target, format!("'{target}' must be an array")))?;
    if items.len() > max {
        return Err(ApiError::validation(
            target,
            format!("'{target}' must have at most {max} items"),
        ));
    }
    Ok(items)
}

/// An object.
pub fn obj<'a>(value: &'a Value, target: &str) -> ApiResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| ApiError::validation(target, format!("'{target}' must be an object")))
}

/// An email address of a plain `local@domain.tld` form.
pub fn email(value: &Value, target: &str) -> ApiResult<String> {
    let s = string(value, target, 3, 254)?;
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.starts_with('.')
                && domain.contains('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>')
                && !domain.contains('@')
        }
        None => false,
    };
    if ok {
        Ok(s)
    } else {
        Err(ApiError::validation(
            target,
            format!("'{target}' must be an email address"),
        ))
    }
}

/// An absolute `http` or `https` URL, in ASCII (other characters percent-encoded), so it
/// is a valid URI as it stands.
pub fn http_url(value: &Value, target: &str) -> ApiResult<String> {
    let s = string(value, target, 1, 2048)?;
    match url::Url::parse(&s) {
        Ok(u)
            if (u.scheme() == "http" || u.scheme() == "https")
                && u.host().is_some()
                && s.is_ascii() =>
        {
            Ok(s)
        }
        _ => Err(ApiError::validation(
            target,
            format!("'{target}' must be an http or https URL"),
        )),
    }
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(value: &Value, target: &str) -> ApiResult<String> {
    let s = string(value, target, 10, 10)?;
    chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map(|_| s.clone())
        .map_err(|_| ApiError::validation(target, format!("'{target}' must be a date YYYY-MM-DD")))
}

/// A BCP 47 language tag such as `en-US`.
pub fn locale(value: &Value, target: &str) -> ApiResult<String> {
    let s = string(value, target, 2, 35)?;
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if first_ok && rest_ok {
        Ok(s)
    } else {
        Err(ApiError::validation(
            target,
            format!("'{target}' must be a language tag such as en-US"),
        ))
    }
}
