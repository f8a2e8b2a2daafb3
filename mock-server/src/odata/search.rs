//! `$search`: case-insensitive substring terms over every string value of an item.

use super::ODataError;
use super::node::Node;

/// Longest accepted `$search`, in characters.
const MAX_SEARCH_LEN: usize = 500;

/// A parsed `$search`: terms that must all occur (ANDed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    text: String,
    terms: Vec<String>,
}

impl Search {
    /// Parses whitespace-separated terms; `"a b"` is one term. Terms are case-folded.
    pub fn parse(input: &str) -> Result<Search, ODataError> {
        let chars: Vec<char> = input.chars().collect();
        if chars.len() > MAX_SEARCH_LEN {
            return Err(ODataError::query_at(
                "$search",
                format!("$search is longer than {MAX_SEARCH_LEN} characters"),
                MAX_SEARCH_LEN,
            ));
        }
        let mut terms = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '"' {
                let start = i;
                i += 1;
                let mut term = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(ODataError::query_at(
                                "$search",
                                "unterminated quoted phrase",
                                start,
                            ));
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            term.push(*ch);
                            i += 1;
                        }
                    }
                }
                if !term.trim().is_empty() {
                    terms.push(term.to_lowercase());
                }
            } else {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                let term: String = chars[start..i].iter().collect();
                terms.push(term.to_lowercase());
            }
        }
        Ok(Search {
            text: input.to_string(),
            terms,
        })
    }

    /// The original `$search` text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The case-folded terms.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Whether every term occurs in some string value of `item` (a `&serde_json::Value`
    /// or a stored item's [`Node`]; keys `@...` are skipped).
    pub fn matches<'a>(&self, item: impl Into<Node<'a>>) -> bool {
        let mut found = vec![false; self.terms.len()];
        let mut left = self.terms.len();
        if left == 0 {
            return true;
        }
        visit(item.into(), &self.terms, &mut found, &mut left);
        left == 0
    }
}

fn visit(v: Node<'_>, terms: &[String], found: &mut [bool], left: &mut usize) {
    if *left == 0 {
        return;
    }
    if let Some(s) = v.as_str() {
        let folded = s.to_lowercase();
        for (t, f) in terms.iter().zip(found.iter_mut()) {
            if !*f && folded.contains(t.as_str()) {
                *f = true;
                *left -= 1;
            }
        }
    } else if v.is_array() {
        v.elements().for_each(|x| visit(x, terms, found, left));
    } else {
        v.members()
            .filter(|(k, _)| !k.starts_with('@'))
            .for_each(|(_, x)| visit(x, terms, found, left));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn item() -> Value {
        json!({"id": "c1", "@odata.etag": "secretetag", "displayName": "Ann Lee",
               "name": {"givenName": "Ann", "familyName": "Lee"},
               "emails": [{"value": "ann@Example.com", "type": "work"}], "age": 42})
    }

    #[test]
    fn terms_and_phrases() {
        let s = Search::parse(r#"  ann  "example.COM" "#).unwrap();
        assert_eq!(s.terms(), ["ann", "example.com"]);
        assert!(s.matches(&item()));
        assert!(Search::parse("LEE work").unwrap().matches(&item()));
        assert!(!Search::parse("lee nobody").unwrap().matches(&item()));
        assert!(Search::parse("\"ann lee\"").unwrap().matches(&item()));
        assert!(!Search::parse("\"lee ann\"").unwrap().matches(&item()));
        assert!(!Search::parse("42").unwrap().matches(&item()));
        assert!(!Search::parse("secretetag").unwrap().matches(&item()));
        assert!(Search::parse("").unwrap().matches(&item()));
        assert!(Search::parse("").unwrap().terms().is_empty());
        let doc = crate::odata::JsonDoc::new(&item());
        for (q, want) in [
            ("ann \"example.COM\"", true),
            ("LEE work", true),
            ("42", false),
            ("secretetag", false),
            ("\"lee ann\"", false),
            ("", true),
        ] {
            assert_eq!(Search::parse(q).unwrap().matches(&doc), want, "{q}");
        }
    }

    #[test]
    fn errors() {
        let e = Search::parse("ok \"open").unwrap_err();
        assert_eq!((e.target, e.position), ("$search", Some(3)));
        assert!(Search::parse(&"x".repeat(501)).is_err());
    }
}
