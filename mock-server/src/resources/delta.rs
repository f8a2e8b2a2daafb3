//! `GET /v1/me/contacts/delta`: delta sync (DESIGN §2.4).
//!
//! A first round pages through every contact in id order and ends with a delta link that
//! remembers the change-log position taken when the round began. Calling that link pages
//! through what changed since: each changed contact once, as it is now, or as an
//! `@removed` stub. Changes made during a round show up in the next one (an upsert may
//! repeat; nothing is lost). A position older than the log's retention is 410.

use std::collections::HashMap;

use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::odata::{Item, PageItem};
use crate::pipeline::query_pairs;
use crate::resources::collection::page_body;
use crate::state::{AppState, ContactBook, StoredContact};

/// Default and maximum page sizes of a delta round.
const DEFAULT_TOP: usize = 100;
const MAX_TOP: usize = 1000;

/// Where a delta round stands (carried, signed, in `$skiptoken` and `$deltatoken`).
#[derive(Serialize, Deserialize)]
struct Cursor {
    /// The user.
    u: String,
    /// Changes after this sequence number are this round's (or the next round's).
    s: u64,
    /// First round: the last id returned. Change round: unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<String>,
    /// Change round: the last sequence number this round reaches to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<u64>,
    /// Change round: the last change sequence already returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    p: Option<u64>,
    /// Page size.
    n: usize,
    /// The world's epoch (see `World::epoch`).
    #[serde(default)]
    e: u64,
}

/// Handler of the delta endpoint.
pub async fn delta(
    State(app): State<AppState>,
    caller: Caller,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<axum::response::Response> {
    caller.require("contacts.read")?;
    let user = caller.user()?.to_string();
    let pairs = query_pairs(raw.as_deref());
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let top = match get("$top") {
        None => DEFAULT_TOP,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_TOP).contains(n))
            .ok_or_else(|| {
                ApiError::validation("$top", format!("'$top' must be 1 to {MAX_TOP}"))
            })?,
    };
    let base = format!("{}{}", app.base_url(), uri.path());
    let mut world = app.world.lock();
    let now = world.now();
    let epoch = world.epoch;
    let book = world.contacts.entry(user.clone()).or_default();
    super::contacts::prune(book, now);

    let cursor = if let Some(t) = get("$skiptoken") {
        let c: Cursor = app.signer.verify(t).map_err(|_| bad_token("$skiptoken"))?;
        if c.u != user {
            return Err(bad_token("$skiptoken"));
        }
        c
    } else if let Some(t) = get("$deltatoken") {
        let c: Cursor = app.signer.verify(t).map_err(|_| bad_token("$deltatoken"))?;
        if c.u != user {
            return Err(bad_token("$deltatoken"));
        }
        Cursor {
            a: None,
            t: Some(book.seq),
            p: Some(c.s),
            n: if get("$top").is_some() { top } else { c.n },
            ..c
        }
    } else {
        Cursor {
            u: user.clone(),
            s: book.seq,
            a: None,
            t: None,
            p: None,
            n: top,
            e: epoch,
        }
    };
    let stale = cursor.t.is_some() && (cursor.s < book.floor || cursor.s > book.seq);
    if stale || cursor.e != epoch {
        return Err(ApiError::new(
            StatusCode::GONE,
            "resyncRequired",
            "the delta token is older than the change log (or the data was reset); start a full sync again",
        )
        .target("$deltatoken"));
    }
    let book: &ContactBook = book;
    let (entries, next) = match cursor.t {
        None => first_round(book, &cursor),
        Some(to) => change_round(book, &cursor, to),
    };
    let (next_link, delta_link) = match next {
        Some(c) => {
            let token = app.signer.sign(&c);
            (Some(link(&base, "$skiptoken", &token)), None)
        }
        None => {
            let end = cursor.t.unwrap_or(cursor.s);
            let token = app.signer.sign(&Cursor {
                u: user,
                s: end,
                a: None,
                t: None,
                p: None,
                n: cursor.n,
                e: epoch,
            });
            (None, Some(link(&base, "$deltatoken", &token)))
        }
    };
    // Assembled while the world is locked from each contact's stored JSON text.
    let bytes = body(&entries, next_link.as_deref(), delta_link.as_deref()).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            e.to_string(),
        )
    })?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response())
}

/// One entry of a delta page: a contact's id and its stored version (`None` when it is
/// gone: an `@removed` stub).
type Entry<'a> = (&'a str, Option<&'a StoredContact>);

/// A delta page's JSON: `{"value": [...], "@odata.nextLink" | "@odata.deltaLink"}`.
fn body(
    entries: &[Entry<'_>],
    next_link: Option<&str>,
    delta_link: Option<&str>,
) -> serde_json::Result<Vec<u8>> {
    let items: Vec<PageItem<'_>> = entries
        .iter()
        .map(|(id, stored)| match stored {
            Some(contact) => PageItem::Stored(contact.node()),
            None => PageItem::Selected(json!({ "id": id, "@removed": { "reason": "deleted" } })),
        })
        .collect();
    let links = [
        ("@odata.nextLink", next_link),
        ("@odata.deltaLink", delta_link),
    ];
    page_body(None, &items, &links)
}

/// A page of the first round: contacts in id order after the cursor's last id.
fn first_round<'a>(book: &'a ContactBook, c: &Cursor) -> (Vec<Entry<'a>>, Option<Cursor>) {
    use std::ops::Bound;
    let start = match &c.a {
        Some(after) => Bound::Excluded(after.as_str()),
        None => Bound::Unbounded,
    };
    let mut iter = book
        .items
        .range::<str, _>((start, Bound::Unbounded))
        .map(|(id, contact)| (id.as_str(), Some(contact)));
    let entries: Vec<Entry<'a>> = iter.by_ref().take(c.n).collect();
    let more = iter.next().is_some();
    let next = more.then(|| Cursor {
        u: c.u.clone(),
        s: c.s,
        a: entries.last().map(|(id, _)| id.to_string()),
        t: None,
        p: None,
        n: c.n,
        e: c.e,
    });
    (entries, next)
}

/// A page of a change round: each contact changed within the round once, in the order
/// of its last change, as it is now (or gone).
fn change_round<'a>(
    book: &'a ContactBook,
    c: &Cursor,
    to: u64,
) -> (Vec<Entry<'a>>, Option<Cursor>) {
    // The last change of each contact within (s, to], in sequence order.
    let mut last: HashMap<&str, u64> = HashMap::new();
    for change in book.log.iter().filter(|ch| ch.seq > c.s && ch.seq <= to) {
        last.insert(change.id.as_str(), change.seq);
    }
    let mut changed: Vec<(u64, &str)> = last.into_iter().map(|(id, seq)| (seq, id)).collect();
    changed.sort_unstable();
    let after = c.p.unwrap_or(c.s);
    let mut pending = changed.into_iter().filter(|(seq, _)| *seq > after);
    let page: Vec<(u64, &str)> = pending.by_ref().take(c.n).collect();
    let more = pending.next().is_some();
    let entries = page
        .iter()
        .map(|&(_, id)| (id, book.items.get(id)))
        .collect();
    let next = more.then(|| Cursor {
        u: c.u.clone(),
        s: c.s,
        a: None,
        t: Some(to),
        p: page.last().map(|(seq, _)| *seq),
        n: c.n,
        e: c.e,
    });
    (entries, next)
}

fn link(base: &str, name: &str, token: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("{base}?{name}={encoded}")
}

fn bad_token(target: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalidDeltaToken",
        format!("the {target} is not valid"),
    )
    .target(target)
}
