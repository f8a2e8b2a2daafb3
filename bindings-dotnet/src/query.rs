//! OData queries (`Query`, `Filter`, `Literal`) and the Portable Contacts query form.
//! A `Filter` is built by its constructors, which escape every literal, and rendered to
//! the `filter` text of a `Query`.

use std::sync::Arc;
use std::time::SystemTime;

use messenger_connect as mc;

use crate::errors::{MessengerConnectError, Result};
use crate::models::from_system_time;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SortOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One `$orderby` key.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OrderBy {
    /// The property, e.g. `displayName`.
    pub field: String,
    /// The direction.
    pub order: SortOrder,
}

/// OData query options of a collection. `None`/empty fields use the server's defaults.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Query {
    /// `$filter` expression, sent as-is: render one with `Filter::render`.
    pub filter: Option<String>,
    /// `$orderby`, in order of precedence.
    pub order_by: Vec<OrderBy>,
    /// `$select`.
    pub select: Vec<String>,
    /// `$top`: page size, 1 to 1000.
    pub top: Option<u32>,
    /// `$skip`.
    pub skip: Option<u32>,
    /// `$count=true`: pages carry `count`.
    pub count: bool,
    /// `$search`.
    pub search: Option<String>,
}

/// Core's query, checked (property names, page size) so a bad one fails before any request.
pub(crate) fn core_query(q: Option<Query>) -> Result<mc::Query> {
    let Some(q) = q else {
        return Ok(mc::Query::new());
    };
    let mut out = mc::Query::new().count(q.count);
    if let Some(f) = q.filter {
        out = out.filter(mc::Filter::raw(f));
    }
    for key in q.order_by {
        let order = match key.order {
            SortOrder::Asc => mc::Order::Asc,
            SortOrder::Desc => mc::Order::Desc,
        };
        out = out.order_by(key.field, order);
    }
    if !q.select.is_empty() {
        out = out.select(q.select);
    }
    if let Some(top) = q.top {
        out = out.top(top);
    }
    if let Some(skip) = q.skip {
        out = out.skip(skip);
    }
    if let Some(s) = q.search {
        out = out.search(s);
    }
    out.to_pairs()?;
    Ok(out)
}

/// A literal of a filter.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Literal {
    /// A string (quoted and escaped when rendered).
    Text {
        /// The text.
        value: String,
    },
    /// An integer.
    Int {
        /// The number.
        value: i64,
    },
    /// A floating-point number.
    Float {
        /// The number.
        value: f64,
    },
    /// A boolean.
    Bool {
        /// The value.
        value: bool,
    },
    /// `null`.
    Null,
    /// A date-time, rendered in RFC 3339 UTC.
    Timestamp {
        /// The time.
        value: SystemTime,
    },
}

impl From<Literal> for mc::Literal {
    fn from(l: Literal) -> Self {
        match l {
            Literal::Text { value } => mc::Literal::String(value),
            Literal::Int { value } => mc::Literal::Int(value),
            Literal::Float { value } => mc::Literal::Float(value),
            Literal::Bool { value } => mc::Literal::Bool(value),
            Literal::Null => mc::Literal::Null,
            Literal::Timestamp { value } => mc::Literal::DateTime(from_system_time(value)),
        }
    }
}

/// A `$filter` expression. Build it with the constructors, combine with `and`, `or` and
/// `not`, and `render` it into `Query::filter`. Literals are always escaped.
#[derive(Debug, uniffi::Object)]
pub struct Filter {
    inner: mc::Filter,
}

impl Filter {
    fn make(inner: mc::Filter) -> Arc<Filter> {
        Arc::new(Filter { inner })
    }
}

#[uniffi::export]
impl Filter {
    /// `field eq value`.
    #[uniffi::constructor]
    pub fn eq(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::eq(field, mc::Literal::from(value)))
    }

    /// `field ne value`.
    #[uniffi::constructor]
    pub fn ne(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::ne(field, mc::Literal::from(value)))
    }

    /// `field gt value`.
    #[uniffi::constructor]
    pub fn gt(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::gt(field, mc::Literal::from(value)))
    }

    /// `field ge value`.
    #[uniffi::constructor]
    pub fn ge(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::ge(field, mc::Literal::from(value)))
    }

    /// `field lt value`.
    #[uniffi::constructor]
    pub fn lt(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::lt(field, mc::Literal::from(value)))
    }

    /// `field le value`.
    #[uniffi::constructor]
    pub fn le(field: String, value: Literal) -> Arc<Filter> {
        Filter::make(mc::Filter::le(field, mc::Literal::from(value)))
    }

    /// `startswith(field,'prefix')` (case-insensitive).
    #[uniffi::constructor]
    pub fn startswith(field: String, prefix: String) -> Arc<Filter> {
        Filter::make(mc::Filter::startswith(field, prefix))
    }

    /// `endswith(field,'suffix')` (case-insensitive).
    #[uniffi::constructor]
    pub fn endswith(field: String, suffix: String) -> Arc<Filter> {
        Filter::make(mc::Filter::endswith(field, suffix))
    }

    /// `contains(field,'text')` (case-insensitive).
    #[uniffi::constructor]
    pub fn contains(field: String, text: String) -> Arc<Filter> {
        Filter::make(mc::Filter::contains(field, text))
    }

    /// `field in (values...)`.
    #[uniffi::constructor]
    pub fn is_in(field: String, values: Vec<Literal>) -> Arc<Filter> {
        Filter::make(mc::Filter::is_in(
            field,
            values.into_iter().map(mc::Literal::from),
        ))
    }

    /// `collection/any(x: inner)`, the inner filter's fields being the element's, e.g.
    /// `any("emails", eq("value", "a@b.c"))`.
    #[uniffi::constructor]
    pub fn any(collection: String, inner: Arc<Filter>) -> Arc<Filter> {
        Filter::make(mc::Filter::any(collection, inner.inner.clone()))
    }

    /// A filter from its JSON form, the same in every binding (`{"op": "eq", "property":
    /// "displayName", "value": "Ann"}`, `{"op": "and", "filters": [...]}`; core/README.md),
    /// checked and rendered once: a fault is an `InvalidArgument` named by its path (e.g.
    /// `filter.value`, `filter.op`).
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Filter>> {
        Ok(Filter::make(mc::Filter::from_json(&json)?))
    }

    /// The filter's JSON form (what `from_json` reads).
    pub fn to_json(&self) -> String {
        self.inner.to_json().to_string()
    }

    /// An OData expression written by hand, sent as-is.
    #[uniffi::constructor]
    pub fn raw(expression: String) -> Arc<Filter> {
        Filter::make(mc::Filter::raw(expression))
    }

    /// `self and other`.
    pub fn and(&self, other: Arc<Filter>) -> Arc<Filter> {
        Filter::make(self.inner.clone().and(other.inner.clone()))
    }

    /// `self or other`.
    pub fn or(&self, other: Arc<Filter>) -> Arc<Filter> {
        Filter::make(self.inner.clone().or(other.inner.clone()))
    }

    /// `not (self)`.
    pub fn not(&self) -> Arc<Filter> {
        Filter::make(self.inner.clone().not())
    }

    /// The expression's text for `Query::filter` (checks property names).
    pub fn render(&self) -> Result<String> {
        Ok(self.inner.render()?)
    }
}

/// Filter operator of the Portable Contacts query form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PocoFilterOp {
    /// `equals`.
    Equals,
    /// `contains`.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `present` (no value).
    Present,
}

/// The Portable Contacts 1.0 query form (`/portablecontacts/@me/@all`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PocoQuery {
    /// `filterBy` (a field, e.g. `emails.value`); needs `filter_op`.
    pub filter_by: Option<String>,
    /// `filterOp`.
    pub filter_op: Option<PocoFilterOp>,
    /// `filterValue` (not with `Present`).
    pub filter_value: Option<String>,
    /// `sortBy`.
    pub sort_by: Option<String>,
    /// `sortOrder=descending` (with `sort_by`).
    pub sort_descending: bool,
    /// `startIndex` (1-based).
    pub start_index: Option<u32>,
    /// `count` (0 to 1000).
    pub count: Option<u32>,
    /// `updatedSince`.
    pub updated_since: Option<SystemTime>,
    /// `fields`.
    pub fields: Vec<String>,
}

/// Core's Portable Contacts query, checked.
pub(crate) fn core_poco_query(q: Option<PocoQuery>) -> Result<mc::PocoQuery> {
    let Some(q) = q else {
        return Ok(mc::PocoQuery::new());
    };
    let mut out = mc::PocoQuery::new();
    match (q.filter_by, q.filter_op) {
        (Some(by), Some(op)) => {
            let op = match op {
                PocoFilterOp::Equals => mc::PocoFilterOp::Equals,
                PocoFilterOp::Contains => mc::PocoFilterOp::Contains,
                PocoFilterOp::StartsWith => mc::PocoFilterOp::StartsWith,
                PocoFilterOp::Present => mc::PocoFilterOp::Present,
            };
            out = out.filter(by, op, q.filter_value.as_deref());
        }
        (None, None) if q.filter_value.is_none() => {}
        _ => {
            return Err(MessengerConnectError::invalid(
                "filter_by",
                "filter_by and filter_op go together (filter_value with them)",
            ));
        }
    }
    if let Some(by) = q.sort_by {
        out = out.sort(by, q.sort_descending);
    }
    if let Some(i) = q.start_index {
        out = out.start_index(i);
    }
    if let Some(c) = q.count {
        out = out.count(c);
    }
    if let Some(t) = q.updated_since {
        out = out.updated_since(from_system_time(t));
    }
    if !q.fields.is_empty() {
        out = out.fields(q.fields);
    }
    out.to_pairs()?;
    Ok(out)
}
