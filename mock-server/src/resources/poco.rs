//! `/portablecontacts/@me/@all[/{id}]`: the Portable Contacts 1.0 query form of the
//! same contacts. Its parameters are translated to an OData query (literals escaped by
//! [`odata::quote`]) and run by the same engine, so both forms always agree.

use crate::extract::Path;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::odata::{self, Limits, PropType, QueryOptions, Schema};
use crate::pipeline::query_pairs;
use crate::state::AppState;

/// Routes of the Portable Contacts endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portablecontacts/@me/@all", get(list))
        .route("/portablecontacts/@me/@all/{id}", get(get_one))
}

fn envelope(start_index: usize, total: usize, entry: Vec<Value>) -> Value {
    json!({ "startIndex": start_index, "itemsPerPage": entry.len(), "totalResults": total, "entry": entry })
}

async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    caller.require("contacts.read")?;
    let user = caller.user()?;
    let world = app.world.lock();
    let contact = world
        .contacts
        .get(user)
        .and_then(|b| b.items.get(&id))
        .ok_or_else(|| ApiError::not_found("the contact"))?;
    Ok(axum::Json(envelope(1, 1, vec![contact.to_value()])))
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::Json<Value>> {
    caller.require("contacts.read")?;
    let user = caller.user()?.to_string();
    let pairs = query_pairs(raw.as_deref());
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let schema = &app.spec.contact;

    let start_index = match get("startIndex") {
        None => 1,
        Some(s) => s.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::validation("startIndex", "'startIndex' must be an integer ≥ 1")
        })?,
    };
    let count = match get("count") {
        None => 100,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= 1000)
            .ok_or_else(|| {
                ApiError::validation("count", "'count' must be an integer from 0 to 1000")
            })?,
    };
    let mut clauses = Vec::new();
    if let Some(by) = get("filterBy") {
        let op = get("filterOp").unwrap_or("equals");
        clauses.push(filter_clause(schema, by, op, get("filterValue"))?);
    }
    if let Some(since) = get("updatedSince") {
        let t = chrono::DateTime::parse_from_rfc3339(since).map_err(|_| {
            ApiError::validation(
                "updatedSince",
                "'updatedSince' must be an RFC 3339 date-time",
            )
        })?;
        clauses.push(format!(
            "updated ge {}",
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    let mut odata_pairs: Vec<(String, String)> = vec![
        ("$top".into(), count.to_string()),
        ("$skip".into(), (start_index - 1).to_string()),
        ("$count".into(), "true".into()),
    ];
    if !clauses.is_empty() {
        odata_pairs.push(("$filter".into(), clauses.join(" and ")));
    }
    if let Some(by) = get("sortBy") {
        let order = match get("sortOrder").unwrap_or("ascending") {
            "ascending" => "asc",
            "descending" => "desc",
            _ => {
                return Err(ApiError::validation(
                    "sortOrder",
                    "'sortOrder' must be ascending or descending",
                ));
            }
        };
        odata_pairs.push((
            "$orderby".into(),
            format!("{} {order}", by.replace('.', "/")),
        ));
    }
    if let Some(fields) = get("fields").filter(|f| *f != "@all" && !f.is_empty()) {
        odata_pairs.push(("$select".into(), fields.replace('.', "/")));
    }
    let opts = QueryOptions::parse(&odata_pairs, schema, Limits::default()).map_err(|e| {
        let target = match e.target {
            "$filter" => "filterBy",
            "$orderby" => "sortBy",
            "$select" => "fields",
            other => other,
        };
        ApiError::from(e).target(target)
    })?;
    let page = {
        let world = app.world.lock();
        let empty = Default::default();
        let items = world
            .contacts
            .get(&user)
            .map(|b| &b.items)
            .unwrap_or(&empty);
        let page = odata::page(items, &opts, None);
        let total = page.count.unwrap_or(page.items.len());
        (
            total,
            page.items
                .into_iter()
                .map(odata::PageItem::into_owned)
                .collect(),
        )
    };
    let (total, entry) = page;
    Ok(axum::Json(envelope(start_index, total, entry)))
}

/// One PoCo filter as an OData clause. A path into a collection of objects
/// (`emails.value`) becomes a lambda (`emails/any(x: x/value eq '...')`).
fn filter_clause(schema: &Schema, by: &str, op: &str, value: Option<&str>) -> ApiResult<String> {
    let segments: Vec<&str> = by.split('.').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(ApiError::validation(
            "filterBy",
            format!("'{by}' is not a contact field"),
        ));
    }
    let head_is_collection = matches!(
        schema.resolve(&segments[..1]),
        Some(PropType::Collection(_))
    );
    let (prefix, path) = if head_is_collection && segments.len() > 1 {
        (Some(segments[0]), format!("x/{}", segments[1..].join("/")))
    } else {
        (None, segments.join("/"))
    };
    let scalar = schema.resolve(&segments);
    let literal = |v: &str| match scalar {
        Some(PropType::Bool) | Some(PropType::Number) => v.to_string(),
        _ => odata::quote(v),
    };
    let need = || {
        value.ok_or_else(|| {
            ApiError::validation("filterValue", "'filterValue' is required for this filterOp")
        })
    };
    let condition = match op {
        "equals" => format!("{path} eq {}", literal(need()?)),
        "contains" => format!("contains({path},{})", odata::quote(need()?)),
        "startswith" => format!("startswith({path},{})", odata::quote(need()?)),
        "present" => format!("{path} ne null"),
        _ => {
            return Err(ApiError::validation(
                "filterOp",
                "'filterOp' must be equals, contains, startswith or present",
            ));
        }
    };
    Ok(match prefix {
        Some(p) => format!("{p}/any(x: {condition})"),
        None => condition,
    })
}
