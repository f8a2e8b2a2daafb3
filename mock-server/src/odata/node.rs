//! [`Node`]: a JSON value as the query engine reads it, parsed (`serde_json::Value`) or
//! as text ([`JsonDoc`], or a value inside one), so `$filter`, `$orderby`, `$select` and
//! `$search` work on both without converting either.

use std::borrow::Cow;

use serde_json::Value;

use super::json_text::{Entries, JsonDoc, string_at};

/// A JSON value, borrowed: parsed, or read in place from text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Node<'a> {
    /// A parsed value.
    Value(&'a Value),
    /// The text of one JSON value (nothing before or after it).
    Text(&'a str),
    /// A stored document (an object whose members are found by their offsets).
    Doc(&'a JsonDoc),
}

impl<'a> From<&'a Value> for Node<'a> {
    fn from(v: &'a Value) -> Self {
        Node::Value(v)
    }
}

impl<'a> From<&'a JsonDoc> for Node<'a> {
    fn from(d: &'a JsonDoc) -> Self {
        Node::Doc(d)
    }
}

impl<'a> Node<'a> {
    /// The text of a value read in place (`None` for a parsed value).
    fn text(self) -> Option<&'a str> {
        match self {
            Node::Value(_) => None,
            Node::Text(t) => Some(t),
            Node::Doc(d) => Some(d.text()),
        }
    }

    /// The first byte of a text value.
    fn lead(self) -> Option<u8> {
        self.text().and_then(|t| t.as_bytes().first().copied())
    }

    /// The member `key` of an object (`None` when absent or not an object).
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::Value(v) => v.get(key).map(Node::Value),
            Node::Doc(d) => d.get(key),
            Node::Text(t) => {
                let mut entries = Entries::new(t, true)?;
                entries.find_map(|(k, start, end)| {
                    k.filter(|k| k.is(t, key))
                        .and_then(|_| t.get(start..end))
                        .map(Node::Text)
                })
            }
        }
    }

    /// The string, when it is one (borrowed unless it has escapes).
    pub fn as_str(self) -> Option<Cow<'a, str>> {
        match self {
            Node::Value(v) => v.as_str().map(Cow::Borrowed),
            _ => self.text().and_then(|t| string_at(t, 0)),
        }
    }

    /// The number, when it is one.
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Node::Value(v) => v.as_f64(),
            _ => {
                if !matches!(self.lead(), Some(b'-' | b'0'..=b'9')) {
                    return None;
                }
                self.text()?.parse().ok()
            }
        }
    }

    /// The boolean, when it is one.
    pub fn as_bool(self) -> Option<bool> {
        match self {
            Node::Value(v) => v.as_bool(),
            _ => match self.lead() {
                Some(b't') => self.text()?.starts_with("true").then_some(true),
                Some(b'f') => self.text()?.starts_with("false").then_some(false),
                _ => None,
            },
        }
    }

    /// Whether it is `null`.
    pub fn is_null(self) -> bool {
        match self {
            Node::Value(v) => v.is_null(),
            _ => self.text().is_some_and(|t| t.starts_with("null")),
        }
    }

    /// Whether it is an array.
    pub fn is_array(self) -> bool {
        match self {
            Node::Value(v) => v.is_array(),
            _ => self.lead() == Some(b'['),
        }
    }

    /// The elements of an array (none for anything else).
    pub fn elements(self) -> Elements<'a> {
        Elements(match self {
            Node::Value(Value::Array(a)) => Source::Value(a.iter()),
            Node::Value(_) => Source::Empty,
            _ => self.entries(false),
        })
    }

    /// The members of an object (none for anything else), in their stored order.
    pub fn members(self) -> Members<'a> {
        Members(match self {
            Node::Value(Value::Object(o)) => Source::Value(o.iter()),
            Node::Value(_) => Source::Empty,
            Node::Doc(d) if d.indexed() > 0 => Source::Doc(d, 0),
            _ => self.entries(true),
        })
    }

    /// The entries of an object (`object`) or array read from text.
    fn entries<I>(self, object: bool) -> Source<'a, I> {
        match self.text().and_then(|t| Entries::new(t, object)) {
            Some(e) => Source::Text(e),
            None => Source::Empty,
        }
    }

    /// The value's JSON text as stored (`None` for a parsed value).
    pub fn wire(self) -> Option<&'a [u8]> {
        self.text().map(str::as_bytes)
    }

    /// Appends the value's JSON text to `out`: copied when stored as text, else written.
    pub fn write_to(self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match self.wire() {
            Some(bytes) => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            None => serde_json::to_writer(out, &self.to_value()),
        }
    }

    /// The value, parsed (`null` for unreadable text).
    pub fn to_value(self) -> Value {
        match self {
            Node::Value(v) => v.clone(),
            Node::Doc(d) => d.to_value(),
            Node::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
        }
    }

    /// Whether it is an object.
    pub fn is_object(self) -> bool {
        match self {
            Node::Value(v) => v.is_object(),
            _ => self.lead() == Some(b'{'),
        }
    }
}

/// Entries of a parsed array or object (`I`), of one read from text, or the members of
/// a stored document by their offsets (and the next one's index).
enum Source<'a, I> {
    Value(I),
    Text(Entries<'a>),
    Doc(&'a JsonDoc, usize),
    Empty,
}

/// The elements of an array [`Node`].
pub struct Elements<'a>(Source<'a, std::slice::Iter<'a, Value>>);

impl<'a> Iterator for Elements<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        match &mut self.0 {
            Source::Value(it) => it.next().map(Node::Value),
            Source::Text(e) => {
                let text = e.text();
                e.next()
                    .and_then(|(_, start, end)| text.get(start..end))
                    .map(Node::Text)
            }
            Source::Doc(..) | Source::Empty => None,
        }
    }
}

/// The members of an object [`Node`]: key and value.
pub struct Members<'a>(Source<'a, serde_json::map::Iter<'a>>);

impl<'a> Iterator for Members<'a> {
    type Item = (Cow<'a, str>, Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Source::Value(it) => it
                .next()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::Value(v))),
            Source::Text(e) => {
                let text = e.text();
                let (key, start, end) = e.next()?;
                Some((key?.decode(text)?, Node::Text(text.get(start..end)?)))
            }
            Source::Doc(doc, i) => {
                let (key, value) = doc.member(*i, None)?;
                *i += 1;
                Some((Cow::Borrowed(key), Node::Text(value)))
            }
            Source::Empty => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every reader gives the same answer on a parsed value, its compact text, its
    /// pretty-printed text and a stored document.
    #[test]
    fn text_and_parsed_values_read_alike() {
        let v = json!({"s": "a\"\\/é\u{1}", "n": -12.5e-3, "i": 7, "t": true, "f": false,
                       "z": null, "a": [1, "x", [], {"k": [null]}], "o": {"p": {"q": "r"}},
                       "e": {}, "ea": []});
        let compact = serde_json::to_string(&v).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let doc = JsonDoc::new(&v);
        let forms = [
            Node::Value(&v),
            Node::Text(&compact),
            Node::Text(&pretty),
            Node::Doc(&doc),
        ];
        for key in ["s", "n", "i", "t", "f", "z", "a", "o", "e", "ea", "missing"] {
            let want = v.get(key).map(Node::Value);
            for form in forms {
                let got = form.get(key);
                assert_eq!(got.map(Node::to_value), want.map(Node::to_value), "{key}");
                let (Some(g), Some(w)) = (got, want) else {
                    continue;
                };
                assert_eq!(g.as_str(), w.as_str(), "{key}");
                assert_eq!(g.as_f64(), w.as_f64(), "{key}");
                assert_eq!(g.as_bool(), w.as_bool(), "{key}");
                assert_eq!(g.is_null(), w.is_null(), "{key}");
                assert_eq!(g.is_array(), w.is_array(), "{key}");
                assert_eq!(g.is_object(), w.is_object(), "{key}");
                let ge: Vec<Value> = g.elements().map(Node::to_value).collect();
                let we: Vec<Value> = w.elements().map(Node::to_value).collect();
                assert_eq!(ge, we, "{key}");
                let gm: Vec<(String, Value)> = g
                    .members()
                    .map(|(k, n)| (k.into_owned(), n.to_value()))
                    .collect();
                let wm: Vec<(String, Value)> = w
                    .members()
                    .map(|(k, n)| (k.into_owned(), n.to_value()))
                    .collect();
                assert_eq!(gm, wm, "{key}");
                let mut out = Vec::new();
                g.write_to(&mut out).unwrap();
                let parsed: Value = serde_json::from_slice(&out).unwrap();
                assert_eq!(parsed, w.to_value(), "{key}");
                if form != Node::Text(&pretty) {
                    assert_eq!(out, serde_json::to_vec(&parsed).unwrap(), "{key}");
                }
            }
        }
        assert_eq!(
            Node::Doc(&doc)
                .get("o")
                .and_then(|o| o.get("p"))
                .and_then(|p| p.get("q"))
                .and_then(Node::wire),
            Some(&b"\"r\""[..])
        );
        assert_eq!(Node::Doc(&doc).wire(), Some(compact.as_bytes()));
    }
}
