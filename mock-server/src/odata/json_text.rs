//! JSON text read in place: where a value ends, a string's contents, the entries of an
//! object or array. Used to query stored items kept as text ([`JsonDoc`]) without
//! parsing them.
//!
//! The readers expect valid JSON (the store writes the text with `serde_json`); on
//! anything else they stop early (`None`, or an iterator that ends), never panic.

use std::borrow::Cow;

use serde_json::Value;

use super::node::Node;

/// The index of the first byte at or after `i` that is not JSON whitespace.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The string starting at `i` (its opening quote): the index just past its closing
/// quote, and whether it contains escapes.
pub(crate) fn string_span(b: &[u8], i: usize) -> Option<(usize, bool)> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        match b.get(j)? {
            b'"' => return Some((j + 1, escaped)),
            b'\\' => {
                escaped = true;
                j += 2;
            }
            _ => j += 1,
        }
    }
}

/// The index just past the value starting at `i`.
pub(crate) fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_span(b, i).map(|(end, _)| end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_span(b, j)?.0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The contents of the string starting at `i`: borrowed when it has no escapes.
pub(crate) fn string_at(text: &str, i: usize) -> Option<Cow<'_, str>> {
    let (end, escaped) = string_span(text.as_bytes(), i)?;
    if escaped {
        serde_json::from_str::<String>(text.get(i..end)?)
            .ok()
            .map(Cow::Owned)
    } else {
        text.get(i + 1..end - 1).map(Cow::Borrowed)
    }
}

/// A member's key in an object's text: where its string starts and ends, and whether it
/// has escapes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    start: usize,
    end: usize,
    escaped: bool,
}

impl Key {
    /// The key's text.
    pub(crate) fn decode(self, text: &str) -> Option<Cow<'_, str>> {
        if self.escaped {
            string_at(text, self.start)
        } else {
            text.get(self.start + 1..self.end - 1).map(Cow::Borrowed)
        }
    }

    /// Whether the key is `want`.
    pub(crate) fn is(self, text: &str, want: &str) -> bool {
        if self.escaped {
            self.decode(text).is_some_and(|k| k == want)
        } else {
            text.get(self.start + 1..self.end - 1) == Some(want)
        }
    }
}

/// The entries of an object's or array's text, in order: where each value starts and
/// ends (and, in an object, its key).
#[derive(Debug, Clone)]
pub(crate) struct Entries<'a> {
    text: &'a str,
    pos: usize,
    object: bool,
    first: bool,
    done: bool,
}

impl<'a> Entries<'a> {
    /// The entries of the object (`object`) or array whose text `text` starts with;
    /// `None` when it starts with something else.
    pub(crate) fn new(text: &'a str, object: bool) -> Option<Entries<'a>> {
        let b = text.as_bytes();
        let i = skip_ws(b, 0);
        let open = if object { b'{' } else { b'[' };
        (b.get(i) == Some(&open)).then_some(Entries {
            text,
            pos: i + 1,
            object,
            first: true,
            done: false,
        })
    }

    /// The text the entries are read from.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    fn step(&mut self) -> Option<(Option<Key>, usize, usize)> {
        let b = self.text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        let close = if self.object { b'}' } else { b']' };
        if *b.get(i)? == close {
            return None;
        }
        if !self.first {
            if b.get(i) != Some(&b',') {
                return None;
            }
            i = skip_ws(b, i + 1);
        }
        self.first = false;
        let key = if self.object {
            let (end, escaped) = string_span(b, i)?;
            let colon = skip_ws(b, end);
            if b.get(colon) != Some(&b':') {
                return None;
            }
            let key = Key {
                start: i,
                end,
                escaped,
            };
            i = skip_ws(b, colon + 1);
            Some(key)
        } else {
            None
        };
        self.pos = value_end(b, i)?;
        Some((key, i, self.pos))
    }
}

impl Iterator for Entries<'_> {
    type Item = (Option<Key>, usize, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let entry = self.step();
        self.done = entry.is_none();
        entry
    }
}

/// A JSON value kept as its compact text, with the offset of each top-level member's key
/// when it is an object: a member is found, and its text sliced, without reading the
/// others, and the text is copied into responses as it is. Far smaller than a
/// `serde_json::Value` tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonDoc {
    /// Compact JSON (no whitespace between tokens), as `serde_json::to_string` writes it:
    /// a member's value ends where the next member's key starts, less the comma.
    text: Box<str>,
    /// Where each member's key starts; empty when the value is not an object, has no
    /// members, or has a key with escapes (then members are found by reading the text).
    members: Box<[u32]>,
}

impl JsonDoc {
    /// Keeps `value` as text (what `serde_json::to_string` writes).
    pub fn new(value: &Value) -> JsonDoc {
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
        let mut members = Vec::new();
        if let Some(entries) = Entries::new(&text, true) {
            for (key, _, _) in entries {
                match key.and_then(|k| u32::try_from(k.start).ok().filter(|_| !k.escaped)) {
                    Some(at) => members.push(at),
                    None => {
                        members.clear();
                        break;
                    }
                }
            }
        }
        JsonDoc {
            text: text.into_boxed_str(),
            members: members.into_boxed_slice(),
        }
    }

    /// The JSON text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The number of members found by offset (0: members are found by reading the text).
    pub(crate) fn indexed(&self) -> usize {
        self.members.len()
    }

    /// The `i`th member by offset: its key (`key_len` bytes, when known) and its value's
    /// text.
    pub(crate) fn member(&self, i: usize, key_len: Option<usize>) -> Option<(&str, &str)> {
        let b = self.text.as_bytes();
        let start = *self.members.get(i)? as usize + 1;
        let len = match key_len {
            Some(len) => len,
            None => b.get(start..)?.iter().position(|&c| c == b'"')?,
        };
        let end = match self.members.get(i + 1) {
            Some(&next) => (next as usize).checked_sub(1)?,
            None => b.len().checked_sub(1)?,
        };
        let key = self.text.get(start..start + len)?;
        Some((key, self.text.get(start + len + 2..end)?))
    }

    /// The member `key` of the object, read in place.
    pub fn get(&self, key: &str) -> Option<Node<'_>> {
        let plain = !key.bytes().any(|c| c == b'"' || c == b'\\' || c < 0x20);
        if self.members.is_empty() || !plain {
            return Node::Text(&self.text).get(key);
        }
        let b = self.text.as_bytes();
        let k = key.as_bytes();
        let i = self.members.iter().position(|&at| {
            let start = at as usize + 1;
            b.get(start..start + k.len()) == Some(k) && b.get(start + k.len()) == Some(&b'"')
        })?;
        self.member(i, Some(k.len())).map(|(_, v)| Node::Text(v))
    }

    /// The value, parsed.
    pub fn to_value(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_are_found_in_place() {
        let v = json!({"a\"b": 1, "id": "c1", "n": {"x": [1, {"y": "}"}]}, "s": "q\"\\é"});
        let doc = JsonDoc::new(&v);
        assert!(doc.members.is_empty()); // a key with escapes: found by reading the text
        assert_eq!(doc.get("a\"b").map(Node::to_value), Some(json!(1)));
        let v = json!({"id": "c1", "n": {"x": [1, {"y": "}"}]}, "s": "q\"\\é", "t": true});
        let doc = JsonDoc::new(&v);
        assert_eq!(doc.indexed(), 4);
        assert_eq!(doc.member(1, None), Some(("n", r#"{"x":[1,{"y":"}"}]}"#)));
        assert_eq!(doc.member(3, None), Some(("t", "true")));
        assert_eq!(doc.member(4, None), None);
        assert_eq!(doc.text(), serde_json::to_string(&v).unwrap());
        assert_eq!(doc.to_value(), v);
        for key in ["id", "n", "s", "t"] {
            assert_eq!(
                doc.get(key).map(Node::to_value).as_ref(),
                v.get(key),
                "{key}"
            );
        }
        assert!(doc.get("i").is_none() && doc.get("nn").is_none() && doc.get("").is_none());
        assert_eq!(
            doc.get("s").and_then(Node::as_str).as_deref(),
            Some("q\"\\é")
        );
        assert_eq!(JsonDoc::new(&json!([1, 2])).get("0"), None);
        assert_eq!(JsonDoc::new(&json!({})).get("a"), None);
    }

    #[test]
    fn spans_of_values() {
        let b = br#"{"a":[1,"]",{"b":"\"}"}],"c":-1.5e3} x"#;
        assert_eq!(value_end(b, 0), Some(b.len() - 2));
        assert_eq!(value_end(b, 5), Some(24));
        assert_eq!(value_end(b, 29), Some(35));
        assert_eq!(string_span(br#""a\"b" "#, 0), Some((6, true)));
        assert_eq!(string_span(br#""ab"#, 0), None);
        assert_eq!(value_end(b"[1,", 0), None);
        assert_eq!(value_end(b"", 0), None);
    }

    #[test]
    fn malformed_text_ends_reading_without_panicking() {
        for text in [
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1,",
            "{\"a\" 1}",
            "[1 2]",
            "\"\\",
            "{\"a\":[}",
            "{\"é",
            "\"\\u12",
            "{\"a\":1}}",
        ] {
            let n = Node::Text(text);
            let _ = n.get("a").map(Node::to_value);
            let _ = n.elements().count();
            let _ = n.members().count();
            let _ = (n.as_str(), n.as_f64(), n.as_bool(), n.wire());
        }
    }
}
