//! `$select`: which properties of each item to return.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::ODataError;
use super::schema::{PropType, Schema};

/// Longest accepted `$select`, in characters.
const MAX_SELECT_LEN: usize = 2000;

/// A validated `$select`: a tree of the selected property paths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    /// `*`: every property.
    all: bool,
    tree: BTreeMap<String, Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// The whole property.
    Whole,
    /// Only these sub-properties of an object.
    Some(BTreeMap<String, Node>),
}

fn err(message: impl std::fmt::Display, pos: usize) -> ODataError {
    ODataError::query_at("$select", message, pos)
}

fn insert(tree: &mut BTreeMap<String, Node>, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        tree.insert(first.clone(), Node::Whole);
        return;
    }
    let node = tree
        .entry(first.clone())
        .or_insert_with(|| Node::Some(BTreeMap::new()));
    if let Node::Some(children) = node {
        insert(children, rest);
    }
}

impl Select {
    /// Parses `$select` (`displayName,name/givenName,emails` or `*`) against `schema`.
    pub fn parse(input: &str, schema: &Schema) -> Result<Select, ODataError> {
        let chars: Vec<char> = input.chars().collect();
        if chars.len() > MAX_SELECT_LEN {
            return Err(err(
                format!("$select is longer than {MAX_SELECT_LEN} characters"),
                MAX_SELECT_LEN,
            ));
        }
        let mut sel = Select::default();
        let mut start = 0;
        for part in chars.split(|c| *c == ',') {
            let part_start = start;
            start += part.len() + 1;
            let lead = part.iter().take_while(|c| c.is_whitespace()).count();
            let text: String = part.iter().collect::<String>().trim().to_string();
            let pos = part_start + lead;
            if text.is_empty() {
                return Err(err("expected a property", pos));
            }
            if text == "*" {
                sel.all = true;
                continue;
            }
            let mut ty: Option<&PropType> = None;
            let mut seg_pos = pos;
            let mut path = Vec::new();
            for seg in text.split('/') {
                let found = match ty {
                    None => schema.item_prop(seg),
                    Some(PropType::Object(s)) => s.get(seg),
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
            insert(&mut sel.tree, &path);
        }
        Ok(sel)
    }

    /// The selected paths, sorted, joined with `,` (a canonical form for fingerprints).
    pub fn canonical(&self) -> String {
        fn walk(prefix: &str, tree: &BTreeMap<String, Node>, out: &mut Vec<String>) {
            for (k, n) in tree {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}/{k}")
                };
                match n {
                    Node::Whole => out.push(p),
                    Node::Some(children) => walk(&p, children, out),
                }
            }
        }
        let mut out = Vec::new();
        if self.all {
            out.push("*".to_string());
        }
        walk("", &self.tree, &mut out);
        out.join(",")
    }
}

fn project(v: &Value, tree: &BTreeMap<String, Node>, top: bool) -> Value {
    let Value::Object(obj) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, val) in obj {
        if k.starts_with('@') || (top && k == "id") {
            out.insert(k.clone(), val.clone());
            continue;
        }
        match tree.get(k) {
            Some(Node::Whole) => {
                out.insert(k.clone(), val.clone());
            }
            Some(Node::Some(children)) => {
                out.insert(k.clone(), project(val, children, false));
            }
            None => {}
        }
    }
    Value::Object(out)
}

/// Keeps only the selected properties of `item`, plus `id` and every `@...` property.
pub fn apply(item: &Value, select: &Select) -> Value {
    if select.all {
        return item.clone();
    }
    project(item, &select.tree, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::new()
            .prop("displayName", PropType::String)
            .prop(
                "name",
                PropType::Object(
                    Schema::new()
                        .prop("givenName", PropType::String)
                        .prop("familyName", PropType::String),
                ),
            )
            .prop("emails", PropType::Collection(Box::new(PropType::String)))
            .prop("age", PropType::Number)
    }

    fn item() -> Value {
        json!({"id": "1", "@odata.etag": "W/\"1\"", "displayName": "Ann",
               "name": {"givenName": "Ann", "familyName": "Lee"},
               "emails": ["a@x"], "age": 3})
    }

    #[test]
    fn keeps_selected_id_and_annotations() {
        let s = Select::parse("displayName, name/givenName", &schema()).unwrap();
        assert_eq!(
            apply(&item(), &s),
            json!({"id": "1", "@odata.etag": "W/\"1\"", "displayName": "Ann",
                   "name": {"givenName": "Ann"}})
        );
        let s = Select::parse("name/givenName,name,emails", &schema()).unwrap();
        assert_eq!(
            apply(&item(), &s),
            json!({"id": "1", "@odata.etag": "W/\"1\"", "emails": ["a@x"],
                   "name": {"givenName": "Ann", "familyName": "Lee"}})
        );
        let s = Select::parse("*", &schema()).unwrap();
        assert_eq!(apply(&item(), &s), item());
        let removed = json!({"id": "9", "@removed": {"reason": "deleted"}});
        let s = Select::parse("age", &schema()).unwrap();
        assert_eq!(apply(&removed, &s), removed);
        assert_eq!(s.canonical(), "age");
    }

    #[test]
    fn canonical_is_order_independent() {
        let a = Select::parse("name/givenName,age", &schema()).unwrap();
        let b = Select::parse("age, name/givenName", &schema()).unwrap();
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.canonical(), "age,name/givenName");
    }

    #[test]
    fn errors() {
        let e = Select::parse("displayName, nope", &schema()).unwrap_err();
        assert_eq!((e.target, e.position), ("$select", Some(13)));
        assert_eq!(e.message, "unknown property 'nope' at position 13");
        assert_eq!(
            Select::parse("name/x", &schema()).unwrap_err().position,
            Some(5)
        );
        assert_eq!(
            Select::parse("age/x", &schema()).unwrap_err().position,
            Some(4)
        );
        assert_eq!(
            Select::parse("age,", &schema()).unwrap_err().position,
            Some(4)
        );
        assert_eq!(Select::parse("", &schema()).unwrap_err().position, Some(0));
    }
}
