//! Parsing the query options of a collection request, and binding skip tokens to a query.

use sha2::{Digest, Sha256};

use super::ODataError;
use super::filter::{self, Filter};
use super::orderby::{self, OrderKey};
use super::schema::Schema;
use super::search::Search;
use super::select::Select;

/// Paging limits of a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Page size when `$top` is absent.
    pub default_top: usize,
    /// Largest accepted `$top`.
    pub max_top: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            default_top: 100,
            max_top: 1000,
        }
    }
}

/// The parsed, validated query options of one collection request.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// `$filter`.
    pub filter: Option<Filter>,
    /// `$orderby` keys (empty: by id).
    pub orderby: Vec<OrderKey>,
    /// `$select` (None: every property).
    pub select: Option<Select>,
    /// `$top`, or the default page size.
    pub top: usize,
    /// `$skip` (0 when absent).
    pub skip: usize,
    /// `$count=true`.
    pub count: bool,
    /// `$search` (None when absent or without terms).
    pub search: Option<Search>,
    /// `$skiptoken`, still opaque: the caller verifies it.
    pub skiptoken: Option<String>,
}

fn parse_usize(target: &'static str, v: &str) -> Result<usize, ODataError> {
    let t = v.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(ODataError::query(
            target,
            format!("{target} must be a non-negative integer, not '{v}'"),
        ));
    }
    t.parse::<usize>()
        .map_err(|_| ODataError::query(target, format!("{target} is too large")))
}

impl QueryOptions {
    /// Parses percent-decoded query parameters. Names not starting with `$` are ignored;
    /// option names are case-insensitive; an unknown or repeated `$option` is an error.
    pub fn parse(
        pairs: &[(String, String)],
        schema: &Schema,
        limits: Limits,
    ) -> Result<QueryOptions, ODataError> {
        let mut o = QueryOptions {
            filter: None,
            orderby: Vec::new(),
            select: None,
            top: limits.default_top.min(limits.max_top),
            skip: 0,
            count: false,
            search: None,
            skiptoken: None,
        };
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in pairs {
            if !name.starts_with('$') {
                continue;
            }
            let lname = name.to_ascii_lowercase();
            if seen.contains(&lname) {
                return Err(ODataError::query(
                    "query",
                    format!("query option '{name}' is given more than once"),
                ));
            }
            seen.push(lname.clone());
            match lname.as_str() {
                "$filter" => o.filter = Some(filter::parse(value, schema)?),
                "$orderby" => o.orderby = orderby::parse(value, schema)?,
                "$select" => o.select = Some(Select::parse(value, schema)?),
                "$top" => {
                    let top = parse_usize("$top", value)?;
                    if top > limits.max_top {
                        return Err(ODataError::query(
                            "$top",
                            format!("$top must be between 0 and {}", limits.max_top),
                        ));
                    }
                    o.top = top;
                }
                "$skip" => o.skip = parse_usize("$skip", value)?,
                "$count" => {
                    o.count = match value.trim() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ODataError::query(
                                "$count",
                                format!("$count must be true or false, not '{value}'"),
                            ));
                        }
                    }
                }
                "$search" => {
                    let s = Search::parse(value)?;
                    o.search = (!s.terms().is_empty()).then_some(s);
                }
                "$skiptoken" => o.skiptoken = Some(value.clone()),
                _ => {
                    return Err(ODataError::query(
                        "query",
                        format!("unsupported query option '{name}'"),
                    ));
                }
            }
        }
        Ok(o)
    }

    /// Whether items are returned in id order (no `$orderby`, or exactly `id asc`).
    pub fn is_id_order(&self) -> bool {
        match self.orderby.as_slice() {
            [] => true,
            [k] => !k.desc && k.path.len() == 1 && k.path[0] == "id",
            _ => false,
        }
    }
}

/// The canonical text of `$orderby` keys: `path asc|desc`, comma-separated.
pub fn orderby_text(keys: &[OrderKey]) -> String {
    keys.iter()
        .map(|k| {
            format!(
                "{} {}",
                k.path.join("/"),
                if k.desc { "desc" } else { "asc" }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A stable digest of what decides a page sequence (filter text, orderby, search, select,
/// top), stored in a skip token so that it cannot be replayed with another query.
pub fn query_fingerprint(opts: &QueryOptions) -> u64 {
    let mut h = Sha256::new();
    let mut field = |tag: &str, v: &str| {
        h.update(tag.as_bytes());
        h.update((v.len() as u64).to_be_bytes());
        h.update(v.as_bytes());
    };
    field("f", opts.filter.as_ref().map_or("", |f| f.text()));
    field("o", &orderby_text(&opts.orderby));
    field("s", opts.search.as_ref().map_or("", |s| s.text()));
    field(
        "sel",
        &opts
            .select
            .as_ref()
            .map_or(String::new(), |s| s.canonical()),
    );
    field("t", &opts.top.to_string());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::PropType;

    fn schema() -> Schema {
        Schema::new()
            .prop("displayName", PropType::String)
            .prop("age", PropType::Number)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn parse(p: &[(&str, &str)]) -> Result<QueryOptions, ODataError> {
        QueryOptions::parse(&pairs(p), &schema(), Limits::default())
    }

    #[test]
    fn parses_all_options() {
        let o = parse(&[
            ("$filter", "age gt 3"),
            ("$orderby", "displayName desc"),
            ("$select", "age"),
            ("$top", "10"),
            ("$skip", "5"),
            ("$count", "true"),
            ("$search", "ann"),
            ("$skiptoken", "abc"),
            ("other", "ignored"),
        ])
        .unwrap();
        assert!(o.filter.is_some());
        assert_eq!(o.orderby.len(), 1);
        assert!(o.select.is_some());
        assert_eq!((o.top, o.skip, o.count), (10, 5, true));
        assert!(o.search.is_some());
        assert_eq!(o.skiptoken.as_deref(), Some("abc"));
        let d = parse(&[]).unwrap();
        assert_eq!((d.top, d.skip, d.count), (100, 0, false));
        assert!(d.is_id_order());
        assert!(parse(&[("$orderby", "id")]).unwrap().is_id_order());
        assert!(!parse(&[("$orderby", "id desc")]).unwrap().is_id_order());
        assert!(parse(&[("$search", "  ")]).unwrap().search.is_none());
        assert_eq!(parse(&[("$TOP", "3")]).unwrap().top, 3);
    }

    #[test]
    fn option_errors() {
        let e = parse(&[("$top", "1001")]).unwrap_err();
        assert_eq!((e.code, e.target), ("invalidQuery", "$top"));
        assert_eq!(parse(&[("$top", "1000")]).unwrap().top, 1000);
        assert_eq!(parse(&[("$top", "0")]).unwrap().top, 0);
        assert_eq!(parse(&[("$top", "-1")]).unwrap_err().target, "$top");
        assert_eq!(parse(&[("$top", "x")]).unwrap_err().target, "$top");
        assert_eq!(parse(&[("$skip", "-1")]).unwrap_err().target, "$skip");
        assert_eq!(
            parse(&[("$skip", "99999999999999999999999")])
                .unwrap_err()
                .target,
            "$skip"
        );
        assert_eq!(parse(&[("$count", "yes")]).unwrap_err().target, "$count");
        let e = parse(&[("$expand", "x")]).unwrap_err();
        assert_eq!((e.code, e.target), ("invalidQuery", "query"));
        assert!(parse(&[("$top", "1"), ("$top", "2")]).is_err());
        let e = parse(&[("$filter", "nope eq 1")]).unwrap_err();
        assert_eq!(
            (e.code, e.target, e.position),
            ("invalidFilter", "$filter", Some(0))
        );
        assert_eq!(parse(&[("$orderby", "x")]).unwrap_err().target, "$orderby");
        assert_eq!(parse(&[("$select", "x")]).unwrap_err().target, "$select");
    }

    #[test]
    fn fingerprint_binds_the_query() {
        let fp = |p: &[(&str, &str)]| query_fingerprint(&parse(p).unwrap());
        let base = fp(&[("$filter", "age gt 3"), ("$top", "10")]);
        assert_eq!(base, fp(&[("$top", "10"), ("$filter", "age gt 3")]));
        // $skip, $count and $skiptoken do not change the page sequence's identity.
        assert_eq!(
            base,
            fp(&[
                ("$filter", "age gt 3"),
                ("$top", "10"),
                ("$skip", "3"),
                ("$count", "true")
            ])
        );
        assert_ne!(base, fp(&[("$filter", "age gt 4"), ("$top", "10")]));
        assert_ne!(base, fp(&[("$filter", "age gt 3"), ("$top", "11")]));
        assert_ne!(
            base,
            fp(&[("$filter", "age gt 3"), ("$top", "10"), ("$orderby", "age")])
        );
        assert_ne!(
            base,
            fp(&[("$filter", "age gt 3"), ("$top", "10"), ("$select", "age")])
        );
        assert_ne!(
            base,
            fp(&[("$filter", "age gt 3"), ("$top", "10"), ("$search", "a")])
        );
    }
}
