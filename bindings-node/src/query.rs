//! OData query options and filters from their JS form (`Filter.*` objects in `index.js`,
//! or a filter string passed as-is with core's `Filter::raw`).

use messenger_connect::{CompareOp, Filter, Literal, Order, Query};
use serde_json::Value;

use crate::error::{arg, invalid};

fn literal(value: &Value) -> napi::Result<Literal> {
    Ok(match value {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(*b),
        Value::String(s) => Literal::String(s.clone()),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Literal::Int(i),
            None => Literal::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::Object(o) if o.contains_key("$date") => {
            let text = o["$date"].as_str().unwrap_or_default();
            let t = text
                .parse::<chrono::DateTime<chrono::Utc>>()
                .map_err(|_| invalid("filter", format!("`{text}` is not an RFC 3339 date")))?;
            Literal::DateTime(t)
        }
        other => return Err(invalid("filter", format!("`{other}` is not a literal"))),
    })
}

/// A filter: a string (an OData expression sent as-is), or an object as `Filter` in
/// `index.js` builds it: `{op: "eq"|"ne"|"gt"|"ge"|"lt"|"le", field, value}`,
/// `{op: "startswith"|"endswith"|"contains", field, value}`, `{op: "in", field, values}`,
/// `{op: "and"|"or", filters: [...]}`, `{op: "not", filter}`, `{op: "any", field, filter}`,
/// `{op: "raw", expression}`.
pub(crate) fn filter(value: &Value) -> napi::Result<Filter> {
    let bad = |m: &str| invalid("filter", m);
    if let Value::String(text) = value {
        return Ok(Filter::raw(text.clone()));
    }
    let obj = value
        .as_object()
        .ok_or_else(|| bad("must be a string or a filter object (Filter.eq(...) and friends)"))?;
    let op = obj.get("op").and_then(Value::as_str).unwrap_or_default();
    let string = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| bad(&format!("needs a `{key}` string")))
    };
    let compare = |op: CompareOp| -> napi::Result<Filter> {
        Ok(Filter::Compare(
            string("field")?,
            op,
            literal(obj.get("value").unwrap_or(&Value::Null))?,
        ))
    };
    let sub = |key: &str| -> napi::Result<Filter> {
        filter(obj.get(key).ok_or_else(|| bad("needs a nested `filter`"))?)
    };
    Ok(match op {
        "eq" => compare(CompareOp::Eq)?,
        "ne" => compare(CompareOp::Ne)?,
        "gt" => compare(CompareOp::Gt)?,
        "ge" => compare(CompareOp::Ge)?,
        "lt" => compare(CompareOp::Lt)?,
        "le" => compare(CompareOp::Le)?,
        "startswith" => Filter::startswith(string("field")?, string("value")?),
        "endswith" => Filter::endswith(string("field")?, string("value")?),
        "contains" => Filter::contains(string("field")?, string("value")?),
        "raw" => Filter::raw(string("expression")?),
        "in" => {
            let values = obj
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("`in` needs a `values` array"))?;
            Filter::In(
                string("field")?,
                values.iter().map(literal).collect::<napi::Result<_>>()?,
            )
        }
        "and" | "or" => {
            let parts = obj
                .get("filters")
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| bad("`and`/`or` need a non-empty `filters` array"))?;
            let mut it = parts.iter();
            let mut acc = filter(it.next().unwrap_or(&Value::Null))?;
            for p in it {
                let f = filter(p)?;
                acc = if op == "and" { acc.and(f) } else { acc.or(f) };
            }
            acc
        }
        "not" => sub("filter")?.not(),
        "any" => Filter::any(string("field")?, sub("filter")?),
        other => return Err(bad(&format!("unknown operator `{other}`"))),
    })
}

fn order_keys(v: &Value) -> napi::Result<Vec<String>> {
    match v {
        Value::String(s) => Ok(s.split(',').map(|k| k.trim().to_string()).collect()),
        Value::Array(a) => a
            .iter()
            .map(|k| k.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid("orderby", "must be strings")),
        _ => Err(invalid("orderby", "must be a string or an array")),
    }
}

/// `{filter, orderby, select, top, skip, count, search}` as JSON text → [`Query`];
/// `orderby`: `"displayName desc"`, or an array of such strings. The query is rendered
/// once here so that every invalid option fails before any request.
pub(crate) fn query(json: Option<&str>) -> napi::Result<Query> {
    let value: Value = match json {
        None => return Ok(Query::new()),
        Some(text) => arg("options", text)?,
    };
    let obj = match &value {
        Value::Null => return Ok(Query::new()),
        Value::Object(o) => o,
        _ => return Err(invalid("options", "must be an object")),
    };
    let mut q = Query::new();
    for (key, v) in obj {
        if v.is_null() {
            continue;
        }
        let text = v.to_string();
        match key.as_str() {
            "filter" => q = q.filter(filter(v)?),
            "orderby" | "orderBy" => {
                for k in order_keys(v)? {
                    let mut parts = k.split_whitespace();
                    let field = parts.next().unwrap_or_default().to_string();
                    let order = match parts.next() {
                        None | Some("asc") => Order::Asc,
                        Some("desc") => Order::Desc,
                        Some(o) => {
                            return Err(invalid("orderby", format!("`{o}` is not asc/desc")));
                        }
                    };
                    q = q.order_by(field, order);
                }
            }
            "select" => q = q.select(arg::<Vec<String>>("select", &text)?),
            "top" => q = q.top(arg("top", &text)?),
            "skip" => q = q.skip(arg("skip", &text)?),
            "count" => q = q.count(arg("count", &text)?),
            "search" => q = q.search(arg::<String>("search", &text)?),
            other => return Err(invalid("options", format!("unknown option `{other}`"))),
        }
    }
    q.to_pairs().map_err(crate::error::to_js)?;
    Ok(q)
}
