//! OData query options and a `$filter` builder whose literals are always escaped, so user
//! input can never change a filter's meaning.
//!
//! ```
//! use messenger_connect::{Filter, Query};
//! let f = Filter::eq("displayName", "O'Brien").and(Filter::contains("note", "vip"));
//! assert_eq!(f.to_string(), "displayName eq 'O''Brien' and contains(note,'vip')");
//! let q = Query::new().filter(f).top(50).count(true);
//! # let _ = q;
//! ```

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{Error, Result};
use crate::limits::{MAX_FILTER_CHARS, MAX_FILTER_DEPTH, MAX_QUERY_FIELDS, MAX_SEARCH_CHARS};

/// A literal of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string (quoted, `'` doubled).
    String(String),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
    /// A date-time, written in RFC 3339 UTC.
    DateTime(DateTime<Utc>),
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(x) if x.is_finite() => write!(f, "{x:?}"),
            Literal::Float(_) => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::DateTime(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Literal {
        Literal::String(s.to_string())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Literal {
        Literal::String(s)
    }
}
impl From<&String> for Literal {
    fn from(s: &String) -> Literal {
        Literal::String(s.clone())
    }
}
impl From<i64> for Literal {
    fn from(n: i64) -> Literal {
        Literal::Int(n)
    }
}
impl From<i32> for Literal {
    fn from(n: i32) -> Literal {
        Literal::Int(n.into())
    }
}
impl From<f64> for Literal {
    fn from(x: f64) -> Literal {
        Literal::Float(x)
    }
}
impl From<bool> for Literal {
    fn from(b: bool) -> Literal {
        Literal::Bool(b)
    }
}
impl From<DateTime<Utc>> for Literal {
    fn from(t: DateTime<Utc>) -> Literal {
        Literal::DateTime(t)
    }
}
impl<T: Into<Literal>> From<Option<T>> for Literal {
    fn from(v: Option<T>) -> Literal {
        v.map(Into::into).unwrap_or(Literal::Null)
    }
}

closed_enum! {
    /// A comparison operator.
    CompareOp as "op" {
        /// `eq`
        Eq = "eq",
        /// `ne`
        Ne = "ne",
        /// `gt`
        Gt = "gt",
        /// `ge`
        Ge = "ge",
        /// `lt`
        Lt = "lt",
        /// `le`
        Le = "le",
    }
}

/// A `$filter` expression. Build it with the constructors and combine with
/// [`Filter::and`], [`Filter::or`] and [`Filter::not`]; `to_string()` renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `field op literal`
    Compare(String, CompareOp, Literal),
    /// `startswith(field,'...')`, `endswith(...)`, `contains(...)`.
    Function(&'static str, String, String),
    /// `field in (a, b, ...)`
    In(String, Vec<Literal>),
    /// `a and b`
    And(Box<Filter>, Box<Filter>),
    /// `a or b`
    Or(Box<Filter>, Box<Filter>),
    /// `not (a)`
    Not(Box<Filter>),
    /// `collection/any(x: inner)`, where the inner filter's fields are the element's.
    Any(String, Box<Filter>),
    /// An OData expression written by hand, sent as-is (see [`Filter::raw`]).
    Raw(String),
}

impl Filter {
    /// `field eq value`
    pub fn eq(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Eq, value.into())
    }
    /// `field ne value`
    pub fn ne(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Ne, value.into())
    }
    /// `field gt value`
    pub fn gt(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Gt, value.into())
    }
    /// `field ge value`
    pub fn ge(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Ge, value.into())
    }
    /// `field lt value`
    pub fn lt(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Lt, value.into())
    }
    /// `field le value`
    pub fn le(field: impl Into<String>, value: impl Into<Literal>) -> Filter {
        Filter::Compare(field.into(), CompareOp::Le, value.into())
    }
    /// `startswith(field,'prefix')` (case-insensitive on the server).
    pub fn startswith(field: impl Into<String>, prefix: impl Into<String>) -> Filter {
        Filter::Function("startswith", field.into(), prefix.into())
    }
    /// `endswith(field,'suffix')`
    pub fn endswith(field: impl Into<String>, suffix: impl Into<String>) -> Filter {
        Filter::Function("endswith", field.into(), suffix.into())
    }
    /// `contains(field,'text')`
    pub fn contains(field: impl Into<String>, text: impl Into<String>) -> Filter {
        Filter::Function("contains", field.into(), text.into())
    }
    /// `field in (values...)`
    pub fn is_in<L: Into<Literal>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = L>,
    ) -> Filter {
        Filter::In(field.into(), values.into_iter().map(Into::into).collect())
    }
    /// `collection/any(x: inner)`: e.g. `Filter::any("emails", Filter::eq("value", "a@b.c"))`.
    pub fn any(collection: impl Into<String>, inner: Filter) -> Filter {
        Filter::Any(collection.into(), Box::new(inner))
    }
    /// An OData `$filter` expression written by hand, e.g.
    /// `"startswith(displayName,'A') and isFriend eq false"`: sent as-is (the server checks
    /// it and names what is wrong); combined with other filters inside parentheses. Only
    /// control characters and an empty or over-long (> 2,000 characters, the server's
    /// limit of a whole `$filter`) text are refused here.
    pub fn raw(expression: impl Into<String>) -> Filter {
        Filter::Raw(expression.into())
    }
    /// `self and other`
    pub fn and(self, other: Filter) -> Filter {
        Filter::And(Box::new(self), Box::new(other))
    }
    /// `self or other`
    pub fn or(self, other: Filter) -> Filter {
        Filter::Or(Box::new(self), Box::new(other))
    }
    /// `not (self)`
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter::Not(Box::new(self))
    }

    /// Renders the filter, checking every field name (`a`, `a/b`: letters, digits, `_`),
    /// the nesting (at most [`MAX_FILTER_DEPTH`] levels) and the length of the whole
    /// (at most [`MAX_FILTER_CHARS`] characters, the server's limit).
    pub fn render(&self) -> Result<String> {
        self.check(0)?;
        let text = self.to_string();
        if text.chars().count() > MAX_FILTER_CHARS {
            return Err(Error::invalid(
                "filter",
                format!("renders longer than the server accepts ({MAX_FILTER_CHARS} characters)"),
            ));
        }
        Ok(text)
    }

    fn check(&self, depth: usize) -> Result<()> {
        if depth >= MAX_FILTER_DEPTH {
            return Err(Error::invalid(
                "filter",
                format!("filters nest at most {MAX_FILTER_DEPTH} levels deep"),
            ));
        }
        match self {
            Filter::Compare(f, _, _) | Filter::Function(_, f, _) | Filter::In(f, _) => {
                check_field(f)
            }
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.check(depth + 1)?;
                b.check(depth + 1)
            }
            Filter::Not(a) => a.check(depth + 1),
            Filter::Raw(text) => check_raw(text),
            Filter::Any(c, inner) => {
                check_field(c)?;
                inner.check(depth + 1)
            }
        }
    }

    fn write(
        &self,
        f: &mut std::fmt::Formatter<'_>,
        var: Option<&str>,
        depth: usize,
    ) -> std::fmt::Result {
        let field = |name: &str| match var {
            Some(v) => format!("{v}/{name}"),
            None => name.to_string(),
        };
        let nested = |f: &mut std::fmt::Formatter<'_>, inner: &Filter| {
            let parens = matches!(inner, Filter::And(..) | Filter::Or(..) | Filter::Raw(_));
            if parens {
                f.write_str("(")?;
            }
            inner.write(f, var, depth)?;
            if parens {
                f.write_str(")")?;
            }
            Ok(())
        };
        match self {
            Filter::Compare(name, op, lit) => write!(f, "{} {} {lit}", field(name), op.as_str()),
            Filter::Function(func, name, text) => {
                write!(
                    f,
                    "{func}({},{})",
                    field(name),
                    Literal::String(text.clone())
                )
            }
            Filter::In(name, values) => {
                write!(f, "{} in (", field(name))?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str(")")
            }
            Filter::And(a, b) => {
                let side = |f: &mut std::fmt::Formatter<'_>, x: &Filter| {
                    if matches!(x, Filter::Or(..) | Filter::Raw(_)) {
                        nested(f, x)
                    } else {
                        x.write(f, var, depth)
                    }
                };
                side(f, a)?;
                f.write_str(" and ")?;
                side(f, b)
            }
            Filter::Or(a, b) => {
                let side = |f: &mut std::fmt::Formatter<'_>, x: &Filter| {
                    if matches!(x, Filter::Raw(_)) {
                        nested(f, x)
                    } else {
                        x.write(f, var, depth)
                    }
                };
                side(f, a)?;
                f.write_str(" or ")?;
                side(f, b)
            }
            Filter::Raw(text) => f.write_str(text),
            Filter::Not(a) => {
                f.write_str("not (")?;
                a.write(f, var, depth)?;
                f.write_str(")")
            }
            Filter::Any(collection, inner) => {
                // One lambda variable per nesting level: e, e1, e2...
                let v = if depth == 0 {
                    "e".to_string()
                } else {
                    format!("e{depth}")
                };
                write!(f, "{}/any({v}: ", field(collection))?;
                inner.write(f, Some(&v), depth + 1)?;
                f.write_str(")")
            }
        }
    }
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write(f, None, 0)
    }
}

/// A hand-written expression: not empty, at most [`MAX_FILTER_CHARS`] characters, no
/// control characters.
fn check_raw(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid("filter", "a raw filter must not be empty"));
    }
    if text.chars().count() > MAX_FILTER_CHARS {
        return Err(Error::invalid(
            "filter",
            format!("a raw filter is limited to {MAX_FILTER_CHARS} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(
            "filter",
            "a raw filter must not contain control characters",
        ));
    }
    Ok(())
}

pub(crate) fn check_field(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.split('/').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "filter",
            format!("`{name}` is not a property name"),
        ))
    }
}

closed_enum! {
    /// Sort direction.
    #[derive(Default)]
    Order as "order" {
        /// Ascending.
        #[default]
        Asc = "asc",
        /// Descending.
        Desc = "desc",
    }
}

/// OData query options of a collection (`$filter $orderby $select $top $skip $count $search`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// `$filter`
    pub filter: Option<Filter>,
    /// `$orderby`, in order of precedence.
    pub order_by: Vec<(String, Order)>,
    /// `$select`
    pub select: Vec<String>,
    /// `$top`: page size, 1 to 1000.
    pub top: Option<u32>,
    /// `$skip`
    pub skip: Option<u32>,
    /// `$count=true`
    pub count: bool,
    /// `$search`
    pub search: Option<String>,
}

/// Largest `$top` the API accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;

impl Query {
    /// No options: the server's defaults.
    pub fn new() -> Query {
        Query::default()
    }
    /// Sets `$filter`.
    pub fn filter(mut self, filter: Filter) -> Query {
        self.filter = Some(filter);
        self
    }
    /// Adds a `$orderby` key.
    pub fn order_by(mut self, field: impl Into<String>, order: Order) -> Query {
        self.order_by.push((field.into(), order));
        self
    }
    /// Sets `$select`.
    pub fn select<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Query {
        self.select = fields.into_iter().map(Into::into).collect();
        self
    }
    /// Sets `$top` (page size, 1 to 1000).
    pub fn top(mut self, top: u32) -> Query {
        self.top = Some(top);
        self
    }
    /// Sets `$skip`.
    pub fn skip(mut self, skip: u32) -> Query {
        self.skip = Some(skip);
        self
    }
    /// Asks for `@odata.count`.
    pub fn count(mut self, count: bool) -> Query {
        self.count = count;
        self
    }
    /// Sets `$search`.
    pub fn search(mut self, text: impl Into<String>) -> Query {
        self.search = Some(text.into());
        self
    }

    /// The query parameters, checked (field names, page size).
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        if let Some(f) = &self.filter {
            out.push(("$filter".into(), f.render()?));
        }
        if self.order_by.len() > MAX_QUERY_FIELDS {
            return Err(Error::invalid(
                "order_by",
                format!("at most {MAX_QUERY_FIELDS} keys"),
            ));
        }
        if self.select.len() > MAX_QUERY_FIELDS {
            return Err(Error::invalid(
                "select",
                format!("at most {MAX_QUERY_FIELDS} properties"),
            ));
        }
        if !self.order_by.is_empty() {
            let mut keys = Vec::new();
            for (field, order) in &self.order_by {
                check_field(field).map_err(|_| {
                    Error::invalid("order_by", format!("`{field}` is not a property name"))
                })?;
                keys.push(match order {
                    Order::Asc => format!("{field} asc"),
                    Order::Desc => format!("{field} desc"),
                });
            }
            out.push(("$orderby".into(), keys.join(",")));
        }
        if !self.select.is_empty() {
            for field in &self.select {
                check_field(field).map_err(|_| {
                    Error::invalid("select", format!("`{field}` is not a property name"))
                })?;
            }
            out.push(("$select".into(), self.select.join(",")));
        }
        if let Some(top) = self.top {
            if !(1..=MAX_PAGE_SIZE).contains(&top) {
                return Err(Error::invalid(
                    "top",
                    format!("page size must be 1 to {MAX_PAGE_SIZE}"),
                ));
            }
            out.push(("$top".into(), top.to_string()));
        }
        if let Some(skip) = self.skip {
            out.push(("$skip".into(), skip.to_string()));
        }
        if self.count {
            out.push(("$count".into(), "true".into()));
        }
        if let Some(s) = &self.search {
            if s.trim().is_empty() {
                return Err(Error::invalid("search", "must not be empty"));
            }
            if s.chars().count() > MAX_SEARCH_CHARS {
                return Err(Error::invalid(
                    "search",
                    format!("must be at most {MAX_SEARCH_CHARS} characters"),
                ));
            }
            out.push(("$search".into(), s.clone()));
        }
        Ok(out)
    }
}

closed_enum! {
    /// A Portable Contacts filter operator.
    PocoFilterOp as "filter_op" {
        /// `equals`
        Equals = "equals",
        /// `contains`
        Contains = "contains",
        /// `startswith`
        StartsWith = "startswith",
        /// `present`
        Present = "present",
    }
}

/// The Portable Contacts 1.0 query form (`/portablecontacts/@me/@all`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PocoQuery {
    /// `filterBy`, `filterOp`, `filterValue`.
    pub filter: Option<(String, PocoFilterOp, Option<String>)>,
    /// `sortBy` and `sortOrder` (true: descending).
    pub sort: Option<(String, bool)>,
    /// `startIndex` (1-based).
    pub start_index: Option<u32>,
    /// `count` (0 to 1000).
    pub count: Option<u32>,
    /// `updatedSince`.
    pub updated_since: Option<DateTime<Utc>>,
    /// `fields`.
    pub fields: Vec<String>,
}

impl PocoQuery {
    /// No parameters.
    pub fn new() -> PocoQuery {
        PocoQuery::default()
    }
    /// Sets `filterBy`, `filterOp` and `filterValue`.
    pub fn filter(
        mut self,
        by: impl Into<String>,
        op: PocoFilterOp,
        value: Option<&str>,
    ) -> PocoQuery {
        self.filter = Some((by.into(), op, value.map(str::to_string)));
        self
    }
    /// Sets `sortBy` and `sortOrder`.
    pub fn sort(mut self, by: impl Into<String>, descending: bool) -> PocoQuery {
        self.sort = Some((by.into(), descending));
        self
    }
    /// Sets `startIndex` (1-based).
    pub fn start_index(mut self, index: u32) -> PocoQuery {
        self.start_index = Some(index);
        self
    }
    /// Sets `count`.
    pub fn count(mut self, count: u32) -> PocoQuery {
        self.count = Some(count);
        self
    }
    /// Sets `updatedSince`.
    pub fn updated_since(mut self, t: DateTime<Utc>) -> PocoQuery {
        self.updated_since = Some(t);
        self
    }
    /// Sets `fields`.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> PocoQuery {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// The query parameters, checked.
    pub fn to_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut out: Vec<(String, String)> = Vec::new();
        let dotted = |name: &str, v: &str| {
            check_field(&v.replace('.', "/"))
                .map_err(|_| Error::invalid(name, format!("`{v}` is not a field name")))
        };
        if let Some((by, op, value)) = &self.filter {
            dotted("filter", by)?;
            out.push(("filterBy".into(), by.clone()));
            out.push(("filterOp".into(), op.to_string()));
            match value {
                Some(v) => out.push(("filterValue".into(), v.clone())),
                None if *op != PocoFilterOp::Present => {
                    return Err(Error::invalid("filter", "this operator needs a value"));
                }
                None => {}
            }
        }
        if let Some((by, desc)) = &self.sort {
            dotted("sort", by)?;
            out.push(("sortBy".into(), by.clone()));
            out.push((
                "sortOrder".into(),
                if *desc { "descending" } else { "ascending" }.into(),
            ));
        }
        if let Some(i) = self.start_index {
            if i == 0 {
                return Err(Error::invalid("start_index", "is 1-based"));
            }
            out.push(("startIndex".into(), i.to_string()));
        }
        if let Some(c) = self.count {
            if c > MAX_PAGE_SIZE {
                return Err(Error::invalid(
                    "count",
                    format!("must be 0 to {MAX_PAGE_SIZE}"),
                ));
            }
            out.push(("count".into(), c.to_string()));
        }
        if let Some(t) = self.updated_since {
            out.push((
                "updatedSince".into(),
                t.to_rfc3339_opts(SecondsFormat::Secs, true),
            ));
        }
        if !self.fields.is_empty() {
            for f in &self.fields {
                dotted("fields", f)?;
            }
            out.push(("fields".into(), self.fields.join(",")));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_escaped() {
        assert_eq!(
            Filter::eq("displayName", "O'Brien").to_string(),
            "displayName eq 'O''Brien'"
        );
        assert_eq!(
            Filter::contains("note", "') or (1 eq 1").to_string(),
            "contains(note,''') or (1 eq 1')"
        );
    }

    #[test]
    fn raw_filters_are_sent_as_is_and_parenthesised_when_combined() {
        let raw = "startswith(displayName,'A') or isFriend eq true";
        assert_eq!(Filter::raw(raw).render().unwrap(), raw);
        assert_eq!(
            Filter::raw(raw)
                .and(Filter::eq("isFriend", false))
                .render()
                .unwrap(),
            format!("({raw}) and isFriend eq false")
        );
        assert_eq!(
            Filter::eq("a", 1)
                .or(Filter::raw("b eq 2"))
                .render()
                .unwrap(),
            "a eq 1 or (b eq 2)"
        );
        for bad in ["", "   ", "a eq 1\n", &"x".repeat(2001)] {
            let err = Filter::raw(bad).render().unwrap_err();
            assert!(err.to_string().contains("filter"), "{err}");
        }
    }

    #[test]
    fn combinators_and_lambdas() {
        let f = Filter::startswith("displayName", "a")
            .or(Filter::eq("isFriend", true))
            .and(Filter::any("emails", Filter::eq("value", "x@y.z")).not());
        assert_eq!(
            f.to_string(),
            "(startswith(displayName,'a') or isFriend eq true) and not (emails/any(e: e/value eq 'x@y.z'))"
        );
        let t = chrono::DateTime::parse_from_rfc3339("2025-01-02T03:04:05Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            Filter::ge("updated", t).to_string(),
            "updated ge 2025-01-02T03:04:05Z"
        );
        assert_eq!(
            Filter::eq("nickname", Literal::Null).to_string(),
            "nickname eq null"
        );
        assert_eq!(
            Filter::is_in("id", ["a", "b"]).to_string(),
            "id in ('a','b')"
        );
    }

    #[test]
    fn bad_field_names_and_page_sizes_are_refused() {
        assert!(Filter::eq("a eq 1 or b", 1).render().is_err());
        assert!(Query::new().top(0).to_pairs().is_err());
        assert!(Query::new().top(1001).to_pairs().is_err());
        assert!(Query::new().order_by("x y", Order::Asc).to_pairs().is_err());
        assert_eq!(Query::new().top(5).count(true).to_pairs().unwrap().len(), 2);
    }
}
