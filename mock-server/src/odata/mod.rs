//! OData v4 query options (`$filter`, `$orderby`, `$select`, `$top`, `$skip`, `$count`,
//! `$search`, `$skiptoken`) evaluated over JSON collections, with keyset paging and signed
//! skip tokens (design §2.3, §2.4). Items are parsed values or stored JSON text
//! ([`JsonDoc`]), both read through [`Node`], so a stored item is queried in place.

mod eval;
pub mod filter;
mod json_text;
mod lexer;
mod link;
mod node;
pub mod orderby;
mod paging;
pub mod query;
pub mod schema;
pub mod search;
pub mod select;
pub mod token;

#[cfg(test)]
mod filter_tests;
#[cfg(test)]
mod paging_tests;

pub use filter::{Filter, quote};
pub use json_text::JsonDoc;
pub use link::next_link;
pub use node::{Elements, Members, Node};
pub use orderby::{OrderKey, compare};
pub use paging::{Item, PageItem, PageResult, Position, page, page_presorted, sort_items};
pub use query::{Limits, QueryOptions, orderby_text, query_fingerprint};
pub use schema::{PropType, ScalarType, Schema};
pub use search::Search;
pub use select::Select;
pub use token::{TokenError, TokenSigner};

/// A client error in a query option, rendered by the server as a 400 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ODataError {
    /// Error code: `invalidFilter` for `$filter`, `invalidQuery` for everything else.
    pub code: &'static str,
    /// The query option at fault, e.g. `$filter`, `$top`, or `query` for an unknown option.
    pub target: &'static str,
    /// Human-readable message, ending in `at position N` when a position is known.
    pub message: String,
    /// 0-based character offset in the option's value where the problem starts.
    pub position: Option<usize>,
}

impl ODataError {
    /// An `invalidFilter` error at `position` of the `$filter` text.
    pub fn filter(message: impl std::fmt::Display, position: usize) -> Self {
        Self::at("invalidFilter", "$filter", message, position)
    }

    /// An `invalidQuery` error for `target` at `position` of that option's text.
    pub fn query_at(
        target: &'static str,
        message: impl std::fmt::Display,
        position: usize,
    ) -> Self {
        Self::at("invalidQuery", target, message, position)
    }

    /// An `invalidQuery` error for `target` without a position.
    pub fn query(target: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: "invalidQuery",
            target,
            message: message.into(),
            position: None,
        }
    }

    fn at(
        code: &'static str,
        target: &'static str,
        message: impl std::fmt::Display,
        position: usize,
    ) -> Self {
        Self {
            code,
            target,
            message: format!("{message} at position {position}"),
            position: Some(position),
        }
    }
}
