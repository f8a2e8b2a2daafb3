//! OData query options from core's one JSON form of a query (`spec/query.schema.json`;
//! `index.js` turns its `Filter.*` builders, filter strings and `orderby` keys into it).
//! Core reads and checks it (limits, operators, nesting, length of the rendered `$filter`)
//! so every invalid option fails before any request.

use messenger_connect::Query;

use crate::error::to_js;

/// The query of `json` (none: the empty query).
pub(crate) fn query(json: Option<&str>) -> napi::Result<Query> {
    json.map_or_else(
        || Ok(Query::new()),
        |text| Query::from_json(text).map_err(to_js),
    )
}
