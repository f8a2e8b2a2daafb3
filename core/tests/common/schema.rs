//! A small JSON Schema validator for the subset `spec/openapi.yaml` uses: `$ref` (local
//! JSON pointers), `type` (one or several), `enum`, `required`, `properties`,
//! `additionalProperties`, `items`, `anyOf`, `oneOf`, `allOf`, `minLength`, `maxLength`,
//! `minItems`, `maxItems`, `minimum`, `maximum`, and the formats `date-time`, `date`,
//! `email` and `uri`. (`pattern` is not checked.)

use serde_json::Value;

/// Errors of `value` against `schema`, each with its JSON path.
pub fn validate(spec: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(spec, schema, value, "$", &mut errors, 0);
    errors
}

/// The schema `components.schemas.<name>` of the spec.
pub fn component<'a>(spec: &'a Value, name: &str) -> &'a Value {
    let schema = &spec["components"]["schemas"][name];
    assert!(schema.is_object(), "the spec has no schema {name}");
    schema
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn format_ok(format: &str, s: &str) -> bool {
    match format {
        "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        "email" => s
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
        "uri" => url::Url::parse(s).is_ok(),
        _ => true,
    }
}

fn check(
    spec: &Value,
    schema: &Value,
    v: &Value,
    path: &str,
    errors: &mut Vec<String>,
    depth: usize,
) {
    if depth > 64 {
        errors.push(format!("{path}: schema nested too deeply"));
        return;
    }
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{path}: not allowed"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            Some(target) => check(spec, target, v, path, errors, depth + 1),
            None => errors.push(format!("{path}: unresolved $ref {r}")),
        }
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!(
            "{path}: {v} is not one of {}",
            Value::Array(e.clone())
        ));
    }
    for (key, list) in [("allOf", 0), ("anyOf", 1), ("oneOf", 2)] {
        let Some(subs) = s.get(key).and_then(Value::as_array) else {
            continue;
        };
        let results: Vec<Vec<String>> = subs
            .iter()
            .map(|sub| validate_at(spec, sub, v, path, depth))
            .collect();
        let passing = results.iter().filter(|r| r.is_empty()).count();
        match list {
            0 => results.into_iter().for_each(|r| errors.extend(r)),
            1 if passing == 0 => errors.push(format!("{path}: matches none of anyOf: {results:?}")),
            2 if passing != 1 => errors.push(format!("{path}: matches {passing} of oneOf")),
            _ => {}
        }
    }
    match v {
        Value::Object(map) => {
            if let Some(req) = s.get("required").and_then(Value::as_array) {
                for name in req.iter().filter_map(Value::as_str) {
                    if !map.contains_key(name) {
                        errors.push(format!("{path}: missing required `{name}`"));
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, item) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(sub) => check(spec, sub, item, &format!("{path}.{k}"), errors, depth + 1),
                    None => {
                        if let Some(extra) = s.get("additionalProperties") {
                            check(spec, extra, item, &format!("{path}.{k}"), errors, depth + 1);
                        }
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(sub) = s.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(spec, sub, item, &format!("{path}[{i}]"), errors, depth + 1);
                }
            }
            let n = items.len() as u64;
            if s.get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n < m)
            {
                errors.push(format!("{path}: fewer than minItems"));
            }
            if s.get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
            {
                errors.push(format!("{path}: more than maxItems"));
            }
        }
        Value::String(text) => {
            let n = text.chars().count() as u64;
            if s.get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n < m)
            {
                errors.push(format!("{path}: shorter than minLength"));
            }
            if s.get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
            {
                errors.push(format!("{path}: longer than maxLength"));
            }
            if let Some(f) = s.get("format").and_then(Value::as_str)
                && !format_ok(f, text)
            {
                errors.push(format!("{path}: `{text}` is not a {f}"));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if s.get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x < m)
            {
                errors.push(format!("{path}: below minimum"));
            }
            if s.get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x > m)
            {
                errors.push(format!("{path}: above maximum"));
            }
        }
        _ => {}
    }
}

fn validate_at(spec: &Value, schema: &Value, v: &Value, path: &str, depth: usize) -> Vec<String> {
    let mut errors = Vec::new();
    check(spec, schema, v, path, &mut errors, depth + 1);
    errors
}
