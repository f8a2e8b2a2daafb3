//! `$select`: which properties of each item to return.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::ODataError;
use super::node::Node;
use super::schema::{PropType, Schema};

/// Longest accepted `$select`, in characters.
const MAX_SELECT_LEN: usize = 2000;

/// A validated `$select`: a tree of the selected property paths.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    /// `*`: every property.
    all: bool,
    tree: BTreeMap<String, Pick>,
}

#[derive(Debug, Clone, PartialEq)]
enum Pick {
    /// The whole property.
    Whole,
    /// Only these sub-properties of an object.
    Some(BTreeMap<String, Pick>),
}

fn err(message: impl std::fmt::Display, pos: usize) -> ODataError {
    ODataError::query_at("$select", message, pos)
}

fn insert(tree: &mut BTreeMap<String, Pick>, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        tree.insert(first.clone(), Pick::Whole);
        return;
    }
    let node = tree
        .entry(first.clone())
        .or_insert_with(|| Pick::Some(BTreeMap::new()));
    if let Pick::Some(children) = node {
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

    /// `*`: every property is kept (the item is returned as it is).
    pub fn is_all(&self) -> bool {
        self.all
    }

    /// The selected paths, sorted, joined with `,` (a canonical form for fingerprints).
    pub fn canonical(&self) -> String {
        fn walk(prefix: &str, tree: &BTreeMap<String, Pick>, out: &mut Vec<String>) {
            for (k, n) in tree {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}/{k}")
                };
                match n {
                    Pick::Whole => out.push(p),
                    Pick::Some(children) => walk(&p, children, out),
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

fn project(v: Node<'_>, tree: &BTreeMap<String, Pick>, top: bool) -> Value {
    if !v.is_object() {
        return v.to_value();
    }
    let mut out = Map::new();
    for (k, val) in v.members() {
        if k.starts_with('@') || (top && k == "id") {
            out.insert(k.into_owned(), val.to_value());
            continue;
        }
        match tree.get(k.as_ref()) {
            Some(Pick::Whole) => {
                out.insert(k.into_owned(), val.to_value());
            }
            Some(Pick::Some(children)) => {
                out.insert(k.into_owned(), project(val, children, false));
            }
            None => {}
        }
    }
    Value::Object(out)
}

/// The selected properties of a stored item as JSON text, without parsing it: its
/// members are copied as they are stored, in their stored order (the bytes [`apply`]'s
/// value serialises to, for text `serde_json` wrote). `None` for a parsed item.
pub fn apply_text(item: Node<'_>, select: &Select) -> Option<Vec<u8>> {
    let wire = item.wire()?;
    if select.all {
        return Some(wire.to_vec());
    }
    let mut out = Vec::with_capacity(wire.len());
    project_text(item, &select.tree, true, &mut out)?;
    Some(out)
}

fn project_text(
    v: Node<'_>,
    tree: &BTreeMap<String, Pick>,
    top: bool,
    out: &mut Vec<u8>,
) -> Option<()> {
    if !v.is_object() {
        out.extend_from_slice(v.wire()?);
        return Some(());
    }
    out.push(b'{');
    let mut first = true;
    for (k, val) in v.members() {
        let pick = if k.starts_with('@') || (top && k == "id") {
            &Pick::Whole
        } else {
            match tree.get(k.as_ref()) {
                Some(pick) => pick,
                None => continue,
            }
        };
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut *out, k.as_ref()).ok()?;
        out.push(b':');
        match pick {
            Pick::Whole => out.extend_from_slice(val.wire()?),
            Pick::Some(children) => project_text(val, children, false, out)?,
        }
    }
    out.push(b'}');
    Some(())
}

/// Keeps only the selected properties of `item` (a `&serde_json::Value` or a stored
/// item's [`Node`]), plus `id` and every `@...` property.
pub fn apply<'a>(item: impl Into<Node<'a>>, select: &Select) -> Value {
    let item = item.into();
    if select.all {
        return item.to_value();
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
        let doc = crate::odata::JsonDoc::new(&item());
        for sel in [
            "*",
            "displayName, name/givenName",
            "name,emails",
            "age",
            "name/familyName",
        ] {
            let s = Select::parse(sel, &schema()).unwrap();
            let want = apply(&item(), &s);
            assert_eq!(apply(&doc, &s), want, "{sel}");
            let text = apply_text(Node::Doc(&doc), &s).unwrap();
            assert_eq!(text, serde_json::to_vec(&want).unwrap(), "{sel}");
        }
        assert_eq!(apply_text(Node::Value(&item()), &s), None);
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
