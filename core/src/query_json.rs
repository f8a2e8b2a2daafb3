//! The one JSON form of [`Query`] and [`Filter`], for bindings and for storage
//! (`spec/query.schema.json` is its JSON Schema):
//!
//! ```json
//! {"filter": {"op": "and", "filters": [
//!      {"op": "eq", "property": "displayName", "value": "O'Brien"},
//!      {"op": "raw", "text": "isFriend eq false"}]},
//!  "orderBy": [{"property": "displayName", "desc": true}],
//!  "select": ["displayName", "emails"], "top": 10, "skip": 0, "count": true, "search": "ann"}
//! ```
//!
//! Filters: `{"op": "eq"|"ne"|"gt"|"ge"|"lt"|"le", "property", "value"}`,
//! `{"op": "startswith"|"endswith"|"contains", "property", "value": string}`,
//! `{"op": "in", "property", "values": [...]}`, `{"op": "and"|"or", "filters": [...]}`
//! (one or more), `{"op": "not", "filter"}`, `{"op": "any", "property", "filter"}`
//! (the inner filter's properties are the element's), `{"op": "raw", "text"}`. A value is
//! a JSON string, number, boolean or `null`, or `{"dateTime": "<RFC 3339>"}`.
//!
//! Reading is strict and bounded: unknown keys or operators, a wrong type, nesting deeper
//! than [`MAX_FILTER_DEPTH`], a text longer than a `$filter` may be, or a query whose
//! rendering the server would refuse, are [`Error::InvalidArgument`] naming the path of
//! the fault (e.g. `filter.filters[1].value`), before any request.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::limits::{MAX_FILTER_CHARS, MAX_FILTER_DEPTH, MAX_QUERY_FIELDS, MAX_SEARCH_CHARS};
use crate::odata::{CompareOp, Filter, Literal, Order, PocoFilterOp, PocoQuery, Query};

/// Largest JSON text [`Query::from_json`] and [`Filter::from_json`] read.
pub const MAX_QUERY_JSON_BYTES: usize = 64 * 1024;

impl Literal {
    /// The literal's JSON form (a date-time is `{"dateTime": "..."}`; a number that is
    /// not finite is `null`, as it renders).
    pub fn to_json(&self) -> Value {
        match self {
            Literal::String(s) => Value::String(s.clone()),
            Literal::Int(n) => json!(n),
            Literal::Float(x) => {
                serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number)
            }
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Null => Value::Null,
            Literal::DateTime(t) => {
                json!({"dateTime": t.to_rfc3339_opts(SecondsFormat::AutoSi, true)})
            }
        }
    }

    fn from_json(v: &Value, path: &str) -> Result<Literal> {
        Ok(match v {
            Value::Null => Literal::Null,
            Value::Bool(b) => Literal::Bool(*b),
            Value::String(s) => Literal::String(text(s, path)?.to_string()),
            Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Literal::Int(i),
                (None, Some(x)) if n.is_f64() => Literal::Float(x),
                _ => return Err(Error::invalid(path, "the number is out of range")),
            },
            Value::Object(o) if o.len() == 1 && o.contains_key("dateTime") => {
                let s = o["dateTime"]
                    .as_str()
                    .ok_or_else(|| Error::invalid(path, "`dateTime` must be a string"))?;
                let t = DateTime::parse_from_rfc3339(s).map_err(|_| {
                    Error::invalid(path, format!("`{s}` is not an RFC 3339 date-time"))
                })?;
                Literal::DateTime(t.with_timezone(&Utc))
            }
            _ => {
                return Err(Error::invalid(
                    path,
                    "must be a string, number, boolean, null or {\"dateTime\": ...}",
                ));
            }
        })
    }
}

/// A string of a filter: no longer than a whole `$filter` may be.
fn text<'a>(s: &'a str, path: &str) -> Result<&'a str> {
    if s.chars().count() > MAX_FILTER_CHARS {
        return Err(Error::invalid(
            path,
            format!("is longer than a $filter may be ({MAX_FILTER_CHARS} characters)"),
        ));
    }
    Ok(s)
}

/// An object's fields, checked against the keys allowed.
fn fields<'a>(v: &'a Value, path: &str, allowed: &[&str]) -> Result<&'a Map<String, Value>> {
    let obj = v
        .as_object()
        .ok_or_else(|| Error::invalid(path, "must be an object"))?;
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::invalid(
            path,
            format!("unknown key `{k}` (expected {})", allowed.join(", ")),
        ));
    }
    Ok(obj)
}

/// The `property` of a filter node: a property name (`a`, `a/b`).
fn property(obj: &Map<String, Value>, path: &str) -> Result<String> {
    let p = string_at(obj, "property", path)?;
    crate::odata::check_field(&p).map_err(|_| {
        Error::invalid(
            &format!("{path}.property"),
            format!("`{p}` is not a property name"),
        )
    })?;
    Ok(p)
}

fn string_at(obj: &Map<String, Value>, key: &str, path: &str) -> Result<String> {
    let at = format!("{path}.{key}");
    match obj.get(key) {
        Some(Value::String(s)) => Ok(text(s, &at)?.to_string()),
        Some(_) => Err(Error::invalid(&at, "must be a string")),
        None => Err(Error::invalid(&at, "is required")),
    }
}

impl Filter {
    /// The filter's JSON form (see the module's documentation). `and`/`or` chains are
    /// written as one list.
    pub fn to_json(&self) -> Value {
        match self {
            Filter::Compare(p, op, v) => {
                json!({"op": op.as_str(), "property": p, "value": v.to_json()})
            }
            Filter::Function(f, p, v) => json!({"op": f, "property": p, "value": v}),
            Filter::In(p, values) => json!({
                "op": "in",
                "property": p,
                "values": values.iter().map(Literal::to_json).collect::<Vec<_>>(),
            }),
            Filter::And(..) | Filter::Or(..) => {
                let and = matches!(self, Filter::And(..));
                let mut parts = Vec::new();
                self.flatten(and, &mut parts);
                json!({
                    "op": if and { "and" } else { "or" },
                    "filters": parts.iter().map(|f| f.to_json()).collect::<Vec<_>>(),
                })
            }
            Filter::Not(f) => json!({"op": "not", "filter": f.to_json()}),
            Filter::Any(p, f) => json!({"op": "any", "property": p, "filter": f.to_json()}),
            Filter::Raw(t) => json!({"op": "raw", "text": t}),
        }
    }

    /// The operands of a chain of `and` (or of `or`), left to right.
    fn flatten<'a>(&'a self, and: bool, out: &mut Vec<&'a Filter>) {
        match (self, and) {
            (Filter::And(a, b), true) | (Filter::Or(a, b), false) => {
                a.flatten(and, out);
                b.flatten(and, out);
            }
            _ => out.push(self),
        }
    }

    /// Reads a filter's JSON text, checked (see the module's documentation) and rendered
    /// once, so that any fault is found here.
    pub fn from_json(text: &str) -> Result<Filter> {
        let value = parse("filter", text)?;
        let filter = Filter::from_value(&value, "filter", 0)?;
        filter.render()?;
        Ok(filter)
    }

    /// Reads a filter's JSON form at `path` (for error messages), `depth` levels down.
    pub(crate) fn from_value(v: &Value, path: &str, depth: usize) -> Result<Filter> {
        if depth >= MAX_FILTER_DEPTH {
            return Err(Error::invalid(
                path,
                format!("filters nest at most {MAX_FILTER_DEPTH} levels deep"),
            ));
        }
        let op = v
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid(path, "must be an object with an `op` string"))?;
        let sub = |obj: &Map<String, Value>, key: &str| -> Result<Filter> {
            let at = format!("{path}.{key}");
            let inner = obj
                .get(key)
                .ok_or_else(|| Error::invalid(&at, "is required"))?;
            Filter::from_value(inner, &at, depth + 1)
        };
        Ok(match op {
            "eq" | "ne" | "gt" | "ge" | "lt" | "le" => {
                let obj = fields(v, path, &["op", "property", "value"])?;
                let value = obj
                    .get("value")
                    .ok_or_else(|| Error::invalid(&format!("{path}.value"), "is required"))?;
                Filter::Compare(
                    property(obj, path)?,
                    op.parse::<CompareOp>()?,
                    Literal::from_json(value, &format!("{path}.value"))?,
                )
            }
            "startswith" | "endswith" | "contains" => {
                let obj = fields(v, path, &["op", "property", "value"])?;
                let (p, value) = (property(obj, path)?, string_at(obj, "value", path)?);
                match op {
                    "startswith" => Filter::startswith(p, value),
                    "endswith" => Filter::endswith(p, value),
                    _ => Filter::contains(p, value),
                }
            }
            "in" => {
                let obj = fields(v, path, &["op", "property", "values"])?;
                let at = format!("{path}.values");
                let values = obj
                    .get("values")
                    .and_then(Value::as_array)
                    .ok_or_else(|| Error::invalid(&at, "must be an array"))?;
                if values.len() > MAX_FILTER_CHARS / 2 {
                    return Err(Error::invalid(
                        &at,
                        "has more values than a $filter may hold",
                    ));
                }
                let values = values
                    .iter()
                    .enumerate()
                    .map(|(i, x)| Literal::from_json(x, &format!("{at}[{i}]")))
                    .collect::<Result<Vec<_>>>()?;
                Filter::In(property(obj, path)?, values)
            }
            "and" | "or" => {
                let obj = fields(v, path, &["op", "filters"])?;
                let at = format!("{path}.filters");
                let parts = obj
                    .get("filters")
                    .and_then(Value::as_array)
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        Error::invalid(&at, "must be an array of one or more filters")
                    })?;
                if parts.len() > MAX_FILTER_CHARS / 4 {
                    return Err(Error::invalid(
                        &at,
                        "has more filters than a $filter may hold",
                    ));
                }
                let mut acc: Option<Filter> = None;
                for (i, part) in parts.iter().enumerate() {
                    let f = Filter::from_value(part, &format!("{at}[{i}]"), depth + 1)?;
                    acc = Some(match acc {
                        None => f,
                        Some(a) if op == "and" => a.and(f),
                        Some(a) => a.or(f),
                    });
                }
                acc.ok_or_else(|| Error::invalid(&at, "must not be empty"))?
            }
            "not" => sub(fields(v, path, &["op", "filter"])?, "filter")?.not(),
            "any" => {
                let obj = fields(v, path, &["op", "property", "filter"])?;
                Filter::any(property(obj, path)?, sub(obj, "filter")?)
            }
            "raw" => Filter::raw(string_at(fields(v, path, &["op", "text"])?, "text", path)?),
            other => {
                return Err(Error::invalid(
                    &format!("{path}.op"),
                    format!("`{other}` is not a filter operator"),
                ));
            }
        })
    }
}

/// serde in the JSON form: `to_json` out, `read` (checked, errors by path) in.
macro_rules! serde_via_json {
    ($ty:ty, $read:expr) => {
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                self.to_json().serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<$ty, D::Error> {
                let read: fn(&Value) -> Result<$ty> = $read;
                read(&Value::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_via_json!(Filter, |v| Filter::from_value(v, "filter", 0));
serde_via_json!(Query, Query::from_value);

impl Query {
    /// The query's JSON form (see the module's documentation): only the options set.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(f) = &self.filter {
            out.insert("filter".into(), f.to_json());
        }
        if !self.order_by.is_empty() {
            let keys = self
                .order_by
                .iter()
                .map(|(p, o)| json!({"property": p, "desc": *o == Order::Desc}));
            out.insert("orderBy".into(), Value::Array(keys.collect()));
        }
        if !self.select.is_empty() {
            out.insert("select".into(), json!(self.select));
        }
        if let Some(top) = self.top {
            out.insert("top".into(), json!(top));
        }
        if let Some(skip) = self.skip {
            out.insert("skip".into(), json!(skip));
        }
        if self.count {
            out.insert("count".into(), Value::Bool(true));
        }
        if let Some(search) = &self.search {
            out.insert("search".into(), json!(search));
        }
        Value::Object(out)
    }

    /// Reads a query's JSON text (at most 64 KiB), checked (see the module's
    /// documentation) and rendered once, so that any fault is found here; `null` is the
    /// empty query.
    pub fn from_json(text: &str) -> Result<Query> {
        let value = parse("query", text)?;
        let query = Query::from_value(&value)?;
        query.to_pairs()?;
        Ok(query)
    }

    /// Reads a query's JSON form (errors name the path, e.g. `filter.filters[0].value`).
    pub fn from_value(v: &Value) -> Result<Query> {
        if v.is_null() {
            return Ok(Query::new());
        }
        let allowed = [
            "filter", "orderBy", "select", "top", "skip", "count", "search",
        ];
        let obj = fields(v, "query", &allowed)?;
        let mut q = Query::new();
        for (key, v) in obj.iter().filter(|(_, v)| !v.is_null()) {
            match key.as_str() {
                "filter" => q.filter = Some(Filter::from_value(v, "filter", 0)?),
                "orderBy" => q.order_by = order_by(v)?,
                "select" => q.select = names(v, "select")?,
                "top" => q.top = Some(count(v, "top")?),
                "skip" => q.skip = Some(count(v, "skip")?),
                "count" => {
                    q.count = v
                        .as_bool()
                        .ok_or_else(|| Error::invalid("count", "must be a boolean"))?;
                }
                _ => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| Error::invalid("search", "must be a string"))?;
                    if s.chars().count() > MAX_SEARCH_CHARS {
                        return Err(Error::invalid(
                            "search",
                            format!("must be at most {MAX_SEARCH_CHARS} characters"),
                        ));
                    }
                    q.search = Some(s.to_string());
                }
            }
        }
        Ok(q)
    }
}

impl PocoQuery {
    /// Reads the JSON form of a Portable Contacts query, keyed by its parameter names:
    /// `{"filterBy", "filterOp": "equals"|"contains"|"startswith"|"present",
    /// "filterValue", "sortBy", "sortOrder": "ascending"|"descending", "startIndex",
    /// "count", "updatedSince": "<RFC 3339>", "fields": [...]}` (`null` values ignored;
    /// `null` is the empty query). Checked as [`PocoQuery::to_pairs`] checks it; errors
    /// name the key.
    pub fn from_value(v: &Value) -> Result<PocoQuery> {
        if v.is_null() {
            return Ok(PocoQuery::new());
        }
        let allowed = [
            "filterBy",
            "filterOp",
            "filterValue",
            "sortBy",
            "sortOrder",
            "startIndex",
            "count",
            "updatedSince",
            "fields",
        ];
        let obj = fields(v, "options", &allowed)?;
        let get = |k: &str| obj.get(k).filter(|v| !v.is_null());
        let string = |k: &str| -> Result<Option<&str>> {
            get(k)
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| Error::invalid(k, "must be a string"))
                })
                .transpose()
        };
        let mut q = PocoQuery::new();
        match (string("filterBy")?, string("filterOp")?) {
            (Some(by), Some(op)) => {
                let op: PocoFilterOp = op.parse().map_err(|_| {
                    let ops: Vec<&str> = PocoFilterOp::ALL.iter().map(|o| o.as_str()).collect();
                    Error::invalid(
                        "filterOp",
                        format!("`{op}` is not one of {}", ops.join(", ")),
                    )
                })?;
                q = q.filter(by, op, string("filterValue")?);
            }
            (None, None) if get("filterValue").is_none() => {}
            _ => {
                return Err(Error::invalid(
                    "filterBy",
                    "give filterBy and filterOp together (and filterValue with them)",
                ));
            }
        }
        match (string("sortBy")?, string("sortOrder")?) {
            (Some(by), None | Some("ascending")) => q = q.sort(by, false),
            (Some(by), Some("descending")) => q = q.sort(by, true),
            (None, None) => {}
            (Some(_), Some(other)) => {
                return Err(Error::invalid(
                    "sortOrder",
                    format!("`{other}` is not ascending or descending"),
                ));
            }
            (None, Some(_)) => return Err(Error::invalid("sortOrder", "needs sortBy")),
        }
        if let Some(v) = get("startIndex") {
            q = q.start_index(count(v, "startIndex")?);
        }
        if let Some(v) = get("count") {
            q = q.count(count(v, "count")?);
        }
        if let Some(t) = string("updatedSince")? {
            let at = DateTime::parse_from_rfc3339(t)
                .map_err(|_| Error::invalid("updatedSince", "must be an RFC 3339 date-time"))?;
            q = q.updated_since(at.with_timezone(&Utc));
        }
        if let Some(v) = get("fields") {
            q.fields = names(v, "fields")?;
        }
        q.to_pairs()?;
        Ok(q)
    }
}

/// JSON text of at most [`MAX_QUERY_JSON_BYTES`].
fn parse(name: &str, text: &str) -> Result<Value> {
    if text.len() > MAX_QUERY_JSON_BYTES {
        return Err(Error::invalid(
            name,
            format!("the JSON text is larger than {MAX_QUERY_JSON_BYTES} bytes"),
        ));
    }
    serde_json::from_str(text).map_err(|e| Error::invalid(name, format!("not valid JSON: {e}")))
}

fn count(v: &Value, name: &str) -> Result<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| Error::invalid(name, "must be a whole number ≥ 0"))
}

fn names(v: &Value, name: &str) -> Result<Vec<String>> {
    let list = v
        .as_array()
        .ok_or_else(|| Error::invalid(name, "must be an array of property names"))?;
    if list.len() > MAX_QUERY_FIELDS {
        return Err(Error::invalid(
            name,
            format!("must name at most {MAX_QUERY_FIELDS} properties"),
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, p)| {
            p.as_str()
                .map(str::to_string)
                .ok_or_else(|| Error::invalid(&format!("{name}[{i}]"), "must be a string"))
        })
        .collect()
}

fn order_by(v: &Value) -> Result<Vec<(String, Order)>> {
    let list = v
        .as_array()
        .ok_or_else(|| Error::invalid("orderBy", "must be an array of {property, desc}"))?;
    if list.len() > MAX_QUERY_FIELDS {
        return Err(Error::invalid(
            "orderBy",
            format!("must have at most {MAX_QUERY_FIELDS} keys"),
        ));
    }
    let mut keys = Vec::with_capacity(list.len());
    for (i, key) in list.iter().enumerate() {
        let path = format!("orderBy[{i}]");
        let obj = fields(key, &path, &["property", "desc"])?;
        let desc = match obj.get("desc") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(Error::invalid(&format!("{path}.desc"), "must be a boolean")),
        };
        let order = if desc { Order::Desc } else { Order::Asc };
        keys.push((string_at(obj, "property", &path)?, order));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_form_round_trips_and_renders_the_same() {
        let t = DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .to_utc();
        let f = Filter::eq("displayName", "O'Brien")
            .and(Filter::raw("isFriend eq false"))
            .and(Filter::ge("updated", t).or(Filter::is_in("id", [1, 2])))
            .and(Filter::any("emails", Filter::endswith("value", "@x.org")).not());
        let q = Query::new()
            .filter(f)
            .order_by("displayName", Order::Desc)
            .select(["displayName"])
            .top(10)
            .skip(0)
            .count(true)
            .search("ann");
        let text = serde_json::to_string(&q).unwrap();
        let back = Query::from_json(&text).unwrap();
        assert_eq!(back.to_pairs().unwrap(), q.to_pairs().unwrap());
        assert_eq!(back.to_json(), q.to_json());
        let json = q.to_json();
        assert_eq!(json["filter"]["op"], "and");
        assert_eq!(json["filter"]["filters"].as_array().unwrap().len(), 4);
        assert_eq!(
            json["filter"]["filters"][2]["filters"][0]["value"]["dateTime"],
            "2025-01-02T03:04:05Z"
        );
        assert_eq!(
            json["orderBy"][0],
            json!({"property": "displayName", "desc": true})
        );
    }

    #[test]
    fn faults_are_named_by_their_path() {
        let cases = [
            (
                r#"{"filter":{"op":"and","filters":[{"op":"eq","property":"a","value":1},{"op":"eq","property":"b"}]}}"#,
                "filter.filters[1].value",
            ),
            (
                r#"{"filter":{"op":"like","property":"a","value":1}}"#,
                "filter.op",
            ),
            (
                r#"{"filter":{"op":"eq","property":"a","value":[1]}}"#,
                "filter.value",
            ),
            (r#"{"filter":{"op":"eq","field":"a","value":1}}"#, "filter"),
            (
                r#"{"filter":{"op":"not","filter":{"op":"raw","text":7}}}"#,
                "filter.filter.text",
            ),
            (
                r#"{"orderBy":[{"property":"a","desc":"yes"}]}"#,
                "orderBy[0].desc",
            ),
            (r#"{"top":-1}"#, "top"),
            (r#"{"top":0}"#, "top"),
            (r#"{"tops":1}"#, "query"),
            (r#"{"select":["a b"]}"#, "select"),
            (
                r#"{"filter":{"op":"in","property":"a b","values":[]}}"#,
                "filter.property",
            ),
            (r#"[1]"#, "query"),
            (r#"{"#, "query"),
        ];
        for (text, path) in cases {
            match Query::from_json(text) {
                Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, path, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_eq!(Query::from_json("null").unwrap(), Query::new());
    }

    #[test]
    fn sizes_and_depths_are_bounded() {
        let big = format!(
            r#"{{"filter":{{"op":"eq","property":"a","value":"{}"}}}}"#,
            "x".repeat(1 << 20)
        );
        assert!(
            matches!(Query::from_json(&big), Err(Error::InvalidArgument { name, .. }) if name == "query")
        );
        let long = format!(
            r#"{{"filter":{{"op":"eq","property":"a","value":"{}"}}}}"#,
            "x".repeat(3000)
        );
        assert!(
            matches!(Query::from_json(&long), Err(Error::InvalidArgument { name, .. }) if name == "filter.value")
        );
        // Each value fits, the rendering does not.
        let values: Vec<String> = (0..30)
            .map(|i| format!("\"{i}{}\"", "y".repeat(100)))
            .collect();
        let wide = format!(
            r#"{{"filter":{{"op":"in","property":"a","values":[{}]}}}}"#,
            values.join(",")
        );
        assert!(
            matches!(Query::from_json(&wide), Err(Error::InvalidArgument { name, .. }) if name == "filter")
        );
        let mut deep = r#"{"op":"eq","property":"a","value":1}"#.to_string();
        for _ in 0..MAX_FILTER_DEPTH {
            deep = format!(r#"{{"op":"not","filter":{deep}}}"#);
        }
        let err = Filter::from_json(&deep).unwrap_err();
        assert!(err.to_string().contains("nest at most"), "{err}");
        // Far deeper than serde_json's own recursion limit: an error, no stack overflow.
        let deeper = format!(
            "{}{}",
            r#"{"op":"not","filter":"#.repeat(2500),
            "}".repeat(2500)
        );
        assert!(Filter::from_json(&deeper).is_err());
    }
}
