//! Which property paths of a collection's items exist, and their types.

use std::collections::BTreeMap;

use serde_json::Value;

/// How deep `$ref`/`allOf`/nested objects are followed before a property is left out.
const MAX_SCHEMA_DEPTH: usize = 32;

/// The queryable properties of a JSON object, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    props: BTreeMap<String, PropType>,
}

/// The type of one property.
#[derive(Debug, Clone, PartialEq)]
pub enum PropType {
    /// A JSON string.
    String,
    /// A JSON number (integer or decimal).
    Number,
    /// A JSON boolean.
    Bool,
    /// An RFC 3339 timestamp stored as a JSON string.
    DateTime,
    /// A `YYYY-MM-DD` date stored as a JSON string.
    Date,
    /// A nested object.
    Object(Schema),
    /// An array of values of one type.
    Collection(Box<PropType>),
}

/// The scalar (sortable, comparable) subset of [`PropType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// A JSON boolean.
    Bool,
    /// An RFC 3339 timestamp string.
    DateTime,
    /// A `YYYY-MM-DD` date string.
    Date,
}

impl PropType {
    /// The scalar type, or `None` for objects and collections.
    pub fn scalar(&self) -> Option<ScalarType> {
        match self {
            PropType::String => Some(ScalarType::String),
            PropType::Number => Some(ScalarType::Number),
            PropType::Bool => Some(ScalarType::Bool),
            PropType::DateTime => Some(ScalarType::DateTime),
            PropType::Date => Some(ScalarType::Date),
            PropType::Object(_) | PropType::Collection(_) => None,
        }
    }
}

/// `id` is queryable on every item, even when a schema does not list it.
static ID_TYPE: PropType = PropType::String;

impl Schema {
    /// An empty schema; add properties with [`Schema::prop`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a property; builder style.
    pub fn prop(mut self, name: &str, ty: PropType) -> Self {
        self.props.insert(name.to_string(), ty);
        self
    }

    /// The type of a direct property.
    pub fn get(&self, name: &str) -> Option<&PropType> {
        self.props.get(name)
    }

    /// The properties, sorted by name.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &PropType)> {
        self.props.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The type at a path of nested object properties (`["name", "givenName"]`).
    pub fn resolve(&self, path: &[&str]) -> Option<&PropType> {
        let (first, rest) = path.split_first()?;
        let mut ty = self.props.get(*first)?;
        for seg in rest {
            match ty {
                PropType::Object(s) => ty = s.props.get(*seg)?,
                _ => return None,
            }
        }
        Some(ty)
    }

    /// Like [`Schema::get`] on an item's top level, where `id` always exists as a string.
    pub(crate) fn item_prop(&self, name: &str) -> Option<&PropType> {
        match self.props.get(name) {
            Some(t) => Some(t),
            None if name == "id" => Some(&ID_TYPE),
            None => None,
        }
    }

    /// Builds the schema of `components.schemas.<schema_name>` of an OpenAPI 3.1 document.
    ///
    /// Follows `$ref`, merges `allOf`, accepts `type` as a string or an array with `"null"`,
    /// maps `format: date-time`/`date`, `integer`/`number`, arrays and nested objects.
    /// Properties named `@...` and properties of a shape that cannot be queried are left out.
    pub fn from_openapi(spec: &Value, schema_name: &str) -> Result<Schema, String> {
        let node = spec
            .pointer("/components/schemas")
            .and_then(|s| s.get(schema_name))
            .ok_or_else(|| format!("schema '{schema_name}' not found in components.schemas"))?;
        let mut out = Schema::new();
        collect_object(spec, node, 0, &mut out)?;
        Ok(out)
    }
}

/// Looks up a `#/components/schemas/X` reference.
fn deref<'a>(spec: &'a Value, node: &Value) -> Result<Option<&'a Value>, String> {
    let Some(r) = node.get("$ref") else {
        return Ok(None);
    };
    let r = r
        .as_str()
        .ok_or_else(|| "a $ref must be a string".to_string())?;
    let name = r
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| format!("unsupported $ref '{r}'"))?;
    spec.pointer("/components/schemas")
        .and_then(|s| s.get(name))
        .map(Some)
        .ok_or_else(|| format!("unresolved $ref '{r}'"))
}

/// Adds the properties of an object schema node (with `$ref`/`allOf`) to `out`.
fn collect_object(
    spec: &Value,
    node: &Value,
    depth: usize,
    out: &mut Schema,
) -> Result<(), String> {
    if depth > MAX_SCHEMA_DEPTH {
        return Ok(());
    }
    if let Some(target) = deref(spec, node)? {
        collect_object(spec, target, depth + 1, out)?;
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        for part in parts {
            collect_object(spec, part, depth + 1, out)?;
        }
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            if name.starts_with('@') {
                continue;
            }
            if let Some(ty) = prop_type(spec, p, depth + 1)? {
                out.props.insert(name.clone(), ty);
            }
        }
    }
    Ok(())
}

/// The non-null type names of a node's `type` (a string or an array of strings).
fn type_names(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|t| *t != "null")
    .collect()
}

/// The type of one property node; `None` when it cannot be queried.
fn prop_type(spec: &Value, node: &Value, depth: usize) -> Result<Option<PropType>, String> {
    if depth > MAX_SCHEMA_DEPTH {
        return Ok(None);
    }
    if let Some(target) = deref(spec, node)? {
        return prop_type(spec, target, depth + 1);
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        let types = parts
            .iter()
            .map(|p| prop_type(spec, p, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let types: Vec<PropType> = types.into_iter().flatten().collect();
        if types.iter().all(|t| matches!(t, PropType::Object(_))) && types.len() > 1 {
            let mut merged = Schema::new();
            for t in types {
                if let PropType::Object(s) = t {
                    merged.props.extend(s.props);
                }
            }
            return Ok(Some(PropType::Object(merged)));
        }
        if let Some(first) = types.into_iter().next() {
            return Ok(Some(first));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(parts) = node.get(key).and_then(Value::as_array) {
            let non_null: Vec<&Value> = parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            return match non_null.as_slice() {
                [only] => prop_type(spec, only, depth + 1),
                _ => Ok(None),
            };
        }
    }
    let names = type_names(node);
    let name = match names.as_slice() {
        [one] => *one,
        [] if node.get("properties").is_some() => "object",
        [] if node.get("items").is_some() => "array",
        [] if node
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().all(Value::is_string)) =>
        {
            "string"
        }
        _ => return Ok(None),
    };
    Ok(match name {
        "string" => Some(match node.get("format").and_then(Value::as_str) {
            Some("date-time") => PropType::DateTime,
            Some("date") => PropType::Date,
            _ => PropType::String,
        }),
        "integer" | "number" => Some(PropType::Number),
        "boolean" => Some(PropType::Bool),
        "object" => {
            let mut s = Schema::new();
            collect_object(spec, node, depth, &mut s)?;
            Some(PropType::Object(s))
        }
        "array" => match node.get("items") {
            Some(items) => {
                prop_type(spec, items, depth + 1)?.map(|t| PropType::Collection(Box::new(t)))
            }
            None => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
          "openapi": "3.1.0",
          "components": {"schemas": {
            "Email": {"type": "object", "properties": {
                "value": {"type": "string"}, "type": {"type": ["string", "null"]},
                "primary": {"type": "boolean"}}},
            "Name": {"type": "object", "properties": {
                "givenName": {"type": "string"}, "familyName": {"type": "string"}}},
            "Base": {"type": "object", "properties": {
                "id": {"type": "string"}, "@odata.etag": {"type": "string"},
                "updated": {"type": "string", "format": "date-time"}}},
            "Contact": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {
                    "displayName": {"type": "string"},
                    "birthday": {"type": ["string", "null"], "format": "date"},
                    "age": {"type": "integer"}, "score": {"type": "number"},
                    "favorite": {"type": "boolean"},
                    "name": {"$ref": "#/components/schemas/Name"},
                    "nick": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "emails": {"type": "array", "items": {"$ref": "#/components/schemas/Email"}},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "address": {"type": "object", "properties": {"city": {"type": "string"}}},
                    "presence": {"enum": ["online", "offline"]},
                    "mixed": {"type": ["string", "integer"]}
                }}
            ]},
            "Loop": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"},
                "v": {"type": "string"}}},
            "Broken": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nope"}}}
          }}
        })
    }

    #[test]
    fn builds_from_openapi() {
        let s = Schema::from_openapi(&spec(), "Contact").unwrap();
        assert_eq!(s.get("id"), Some(&PropType::String));
        assert_eq!(s.get("@odata.etag"), None);
        assert_eq!(s.get("updated"), Some(&PropType::DateTime));
        assert_eq!(s.get("birthday"), Some(&PropType::Date));
        assert_eq!(s.get("age"), Some(&PropType::Number));
        assert_eq!(s.get("score"), Some(&PropType::Number));
        assert_eq!(s.get("favorite"), Some(&PropType::Bool));
        assert_eq!(s.get("nick"), Some(&PropType::String));
        assert_eq!(s.get("presence"), Some(&PropType::String));
        assert_eq!(s.get("mixed"), None);
        assert_eq!(s.resolve(&["name", "givenName"]), Some(&PropType::String));
        assert_eq!(s.resolve(&["address", "city"]), Some(&PropType::String));
        assert_eq!(s.resolve(&["name", "nope"]), None);
        assert_eq!(
            s.get("tags"),
            Some(&PropType::Collection(Box::new(PropType::String)))
        );
        let Some(PropType::Collection(inner)) = s.get("emails") else {
            panic!("emails")
        };
        let PropType::Object(email) = inner.as_ref() else {
            panic!("email object")
        };
        assert_eq!(email.get("type"), Some(&PropType::String));
        assert_eq!(email.get("primary"), Some(&PropType::Bool));
    }

    #[test]
    fn recursive_and_broken_refs() {
        let s = Schema::from_openapi(&spec(), "Loop").unwrap();
        assert_eq!(s.resolve(&["next", "next", "v"]), Some(&PropType::String));
        assert!(Schema::from_openapi(&spec(), "Broken").is_err());
        assert!(Schema::from_openapi(&spec(), "Missing").is_err());
    }

    #[test]
    fn builder_and_id() {
        let s = Schema::new().prop("displayName", PropType::String);
        assert_eq!(s.resolve(&["displayName"]), Some(&PropType::String));
        assert_eq!(s.resolve(&[]), None);
        assert_eq!(s.item_prop("id"), Some(&PropType::String));
        assert_eq!(s.get("id"), None);
        assert_eq!(s.properties().count(), 1);
    }
}
