//! `$orderby`: sort keys, validated against a [`Schema`], and the total order they define.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};

use super::ODataError;
use super::node::Node;
use super::schema::{ScalarType, Schema};

/// Longest accepted `$orderby`, in characters.
const MAX_ORDERBY_LEN: usize = 2000;
/// Most sort keys accepted.
const MAX_KEYS: usize = 16;

/// One sort key: a path to a scalar property and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    /// Property path, e.g. `["name", "givenName"]`.
    pub path: Vec<String>,
    /// Descending when true.
    pub desc: bool,
    /// The property's type, which decides how values compare.
    pub kind: ScalarType,
}

fn err(message: impl std::fmt::Display, pos: usize) -> ODataError {
    ODataError::query_at("$orderby", message, pos)
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses `$orderby` (`a/b desc, c asc, d`) against `schema`; only scalar properties sort.
pub fn parse(input: &str, schema: &Schema) -> Result<Vec<OrderKey>, ODataError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_ORDERBY_LEN {
        return Err(err(
            format!("$orderby is longer than {MAX_ORDERBY_LEN} characters"),
            MAX_ORDERBY_LEN,
        ));
    }
    let mut keys = Vec::new();
    let mut start = 0;
    for part in chars.split(|c| *c == ',') {
        let part_start = start;
        start += part.len() + 1;
        if keys.len() == MAX_KEYS {
            return Err(err(format!("more than {MAX_KEYS} sort keys"), part_start));
        }
        // Words of this part with their positions.
        let mut words: Vec<(String, usize)> = Vec::new();
        let mut i = 0;
        while i < part.len() {
            if part[i].is_whitespace() {
                i += 1;
                continue;
            }
            let ws = i;
            while i < part.len() && !part[i].is_whitespace() {
                i += 1;
            }
            words.push((part[ws..i].iter().collect(), part_start + ws));
        }
        let (path_text, path_pos) = match words.first() {
            Some(w) => w.clone(),
            None => return Err(err("expected a property", part_start + part.len())),
        };
        let desc = match words.get(1) {
            None => false,
            Some((w, _)) if w.eq_ignore_ascii_case("asc") => false,
            Some((w, _)) if w.eq_ignore_ascii_case("desc") => true,
            Some((w, p)) => return Err(err(format!("expected 'asc' or 'desc', found '{w}'"), *p)),
        };
        if let Some((w, p)) = words.get(2) {
            return Err(err(format!("unexpected '{w}'"), *p));
        }
        let mut path = Vec::new();
        let mut seg_pos = path_pos;
        let mut ty: Option<&super::PropType> = None;
        for seg in path_text.split('/') {
            if !is_ident(seg) {
                return Err(err(format!("invalid property name '{seg}'"), seg_pos));
            }
            let found = match ty {
                None => schema.item_prop(seg),
                Some(super::PropType::Object(s)) => s.get(seg),
                Some(_) => {
                    return Err(err(
                        format!("'{}' has no property '{seg}'", path.join("/")),
                        seg_pos,
                    ));
                }
            };
            match found {
                Some(t) => ty = Some(t),
                None => return Err(err(format!("unknown property '{seg}'"), seg_pos)),
            }
            path.push(seg.to_string());
            seg_pos += seg.chars().count() + 1;
        }
        let kind = ty.and_then(|t| t.scalar()).ok_or_else(|| {
            err(
                format!(
                    "'{}' is not a scalar property and cannot be sorted",
                    path.join("/")
                ),
                path_pos,
            )
        })?;
        keys.push(OrderKey { path, desc, kind });
    }
    Ok(keys)
}

/// A sort key's value, normalised for comparison.
#[derive(Debug, Clone)]
pub(crate) enum SortVal<'a> {
    Null,
    Bool(bool),
    Num(f64),
    /// Compared case-insensitively first, then case-sensitively.
    Text(Cow<'a, str>),
    /// Compared ordinally (the `id` key, like the id tie-breaker and the map order).
    Raw(Cow<'a, str>),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

impl SortVal<'_> {
    fn rank(&self) -> u8 {
        match self {
            SortVal::Null => 0,
            SortVal::Bool(_) => 1,
            SortVal::Num(_) => 2,
            SortVal::Text(..) => 3,
            SortVal::Raw(_) => 4,
            SortVal::Time(_) => 5,
            SortVal::Date(_) => 6,
        }
    }

    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortVal::Bool(a), SortVal::Bool(b)) => a.cmp(b),
            (SortVal::Num(a), SortVal::Num(b)) => a.total_cmp(b),
            (SortVal::Text(a), SortVal::Text(b)) => cmp_text(a, b),
            (SortVal::Raw(a), SortVal::Raw(b)) => a.cmp(b),
            (SortVal::Time(a), SortVal::Time(b)) => a.cmp(b),
            (SortVal::Date(a), SortVal::Date(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// Case-insensitive order first, then case-sensitive (a total order).
fn cmp_text(a: &str, b: &str) -> Ordering {
    let folded = if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        fold(a).cmp(fold(b))
    };
    folded.then_with(|| a.cmp(b))
}

/// The lower-cased characters of `s`, without allocating.
fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The value at a key's path in `item` (`None` when missing).
pub(crate) fn key_value<'a>(item: Node<'a>, key: &OrderKey) -> Option<Node<'a>> {
    key.path.iter().try_fold(item, |v, seg| v.get(seg))
}

/// Normalises a JSON value for a key; missing, null and ill-typed values are `Null`.
pub(crate) fn sort_val<'a>(v: Option<Node<'a>>, key: &OrderKey) -> SortVal<'a> {
    let Some(v) = v else {
        return SortVal::Null;
    };
    let r = match key.kind {
        ScalarType::String if key.path.len() == 1 && key.path[0] == "id" => {
            v.as_str().map(SortVal::Raw)
        }
        ScalarType::String => v.as_str().map(SortVal::Text),
        ScalarType::Number => v.as_f64().map(SortVal::Num),
        ScalarType::Bool => v.as_bool().map(SortVal::Bool),
        ScalarType::DateTime => v
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|d| SortVal::Time(d.with_timezone(&Utc))),
        ScalarType::Date => v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
            .map(SortVal::Date),
    };
    r.unwrap_or(SortVal::Null)
}

/// The sort values of an item for all keys.
pub(crate) fn sort_vals<'a>(item: Node<'a>, keys: &[OrderKey]) -> Vec<SortVal<'a>> {
    keys.iter()
        .map(|k| sort_val(key_value(item, k), k))
        .collect()
}

/// Compares decorated items: keys in order (each possibly reversed), then id ascending.
pub(crate) fn compare_vals(
    a: &[SortVal<'_>],
    a_id: &str,
    b: &[SortVal<'_>],
    b_id: &str,
    keys: &[OrderKey],
) -> Ordering {
    for ((x, y), k) in a.iter().zip(b).zip(keys) {
        let o = x.cmp(y);
        let o = if k.desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    a_id.cmp(b_id)
}

/// Compares two items by `keys`, then by their `id` ascending (a total order).
///
/// Nulls (and missing values) sort first ascending; strings compare case-insensitively,
/// then case-sensitively; datetimes by instant; the `id` key ordinally.
pub fn compare<'a, 'b>(
    a: impl Into<Node<'a>>,
    b: impl Into<Node<'b>>,
    keys: &[OrderKey],
) -> Ordering {
    let (a, b) = (a.into(), b.into());
    compare_vals(
        &sort_vals(a, keys),
        &id_of(a),
        &sort_vals(b, keys),
        &id_of(b),
        keys,
    )
}

/// An item's `id` (empty when it has none).
pub(crate) fn id_of(item: Node<'_>) -> Cow<'_, str> {
    item.get("id").and_then(Node::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::PropType;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::new()
            .prop("displayName", PropType::String)
            .prop("age", PropType::Number)
            .prop("updated", PropType::DateTime)
            .prop("fav", PropType::Bool)
            .prop(
                "name",
                PropType::Object(Schema::new().prop("givenName", PropType::String)),
            )
            .prop("tags", PropType::Collection(Box::new(PropType::String)))
    }

    #[test]
    fn parses_keys() {
        let k = parse("name/givenName desc, age asc,displayName,id", &schema()).unwrap();
        assert_eq!(k.len(), 4);
        assert_eq!(k[0].path, vec!["name", "givenName"]);
        assert!(k[0].desc);
        assert!(!k[1].desc);
        assert!(!k[2].desc);
        assert_eq!(k[1].kind, ScalarType::Number);
        assert_eq!(k[3].kind, ScalarType::String);
        assert!(parse("age DESC", &schema()).unwrap()[0].desc);
    }

    #[test]
    fn errors_have_positions() {
        let s = schema();
        let e = parse("age, foo desc", &s).unwrap_err();
        assert_eq!(
            (e.code, e.target, e.position),
            ("invalidQuery", "$orderby", Some(5))
        );
        assert_eq!(e.message, "unknown property 'foo' at position 5");
        assert_eq!(parse("name/nope", &s).unwrap_err().position, Some(5));
        assert_eq!(parse("age up", &s).unwrap_err().position, Some(4));
        assert_eq!(parse("age desc x", &s).unwrap_err().position, Some(9));
        assert_eq!(parse("tags", &s).unwrap_err().position, Some(0));
        assert_eq!(parse("name", &s).unwrap_err().position, Some(0));
        assert_eq!(parse("age,,fav", &s).unwrap_err().position, Some(4));
        assert_eq!(parse("", &s).unwrap_err().position, Some(0));
        assert_eq!(parse("age/x", &s).unwrap_err().position, Some(4));
        assert!(parse(&"age,".repeat(20), &s).is_err());
    }

    #[test]
    fn multi_key_with_desc_and_nulls() {
        let s = schema();
        let mut items = [
            json!({"id": "1", "displayName": "bob", "age": 30}),
            json!({"id": "2", "displayName": "Alice", "age": 30}),
            json!({"id": "3", "displayName": "alice", "age": 40}),
            json!({"id": "4", "age": 30}),
            json!({"id": "5", "displayName": null, "age": null}),
            json!({"id": "6", "displayName": "alice", "age": 30}),
        ];
        let keys = parse("age desc,displayName", &s).unwrap();
        items.sort_by(|a, b| compare(a, b, &keys));
        let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
        // age desc: 40, then 30s (null name first, then Alice < alice < bob), then null age.
        assert_eq!(ids, vec!["3", "4", "2", "6", "1", "5"]);
        let keys = parse("displayName", &s).unwrap();
        items.sort_by(|a, b| compare(a, b, &keys));
        let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec!["4", "5", "2", "3", "6", "1"]);
    }

    #[test]
    fn datetimes_by_instant() {
        let keys = parse("updated", &schema()).unwrap();
        let a = json!({"id": "a", "updated": "2026-01-01T10:00:00+02:00"});
        let b = json!({"id": "b", "updated": "2026-01-01T09:00:00Z"});
        let c = json!({"id": "c", "updated": "2026-01-01T09:00:00.5Z"});
        assert_eq!(compare(&a, &b, &keys), Ordering::Less);
        assert_eq!(compare(&b, &c, &keys), Ordering::Less);
        let keys = parse("fav desc", &schema()).unwrap();
        let t = json!({"id": "z", "fav": true});
        let f = json!({"id": "a", "fav": false});
        assert_eq!(compare(&t, &f, &keys), Ordering::Less);
        assert_eq!(compare(&t, &t, &keys), Ordering::Equal);
    }
}
