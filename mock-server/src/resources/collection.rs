//! Serving one page of an OData collection (DESIGN §2.3), shared by every collection
//! endpoint: query options, signed keyset `$skiptoken`s bound to the user, the collection,
//! the query and the world's epoch, and the JSON body.
//!
//! The body is serialised straight from the stored items while the world is locked, so a
//! page costs no deep copy of its items.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::odata::{self, Item, Limits, PageItem, Position, QueryOptions, Schema};
use crate::pipeline::query_pairs;
use crate::state::{App, World};

/// Items with their default-order key (e.g. a reverse sequence number for "newest first").
pub type Items = Vec<(String, Arc<Value>)>;

/// Payload of a collection `$skiptoken`.
#[derive(Serialize, Deserialize)]
struct ListToken {
    /// World epoch.
    e: u64,
    /// Which collection (e.g. `contacts`, `messages:<conversation id>`).
    c: String,
    /// User.
    u: String,
    /// Query fingerprint.
    q: String,
    /// Keyset position.
    k: Vec<Value>,
    /// Position key.
    i: String,
}

/// The part of a collection a page in the default order needs: the first `len` items
/// whose default-order key is greater than `after` (every item from the start when
/// `None`). See [`ListQuery::window`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The default-order key the page starts after.
    pub after: Option<String>,
    /// How many items the page can use at most (`$skip` + `$top` + 1, to see a next page).
    pub len: usize,
}

/// A parsed collection request.
pub struct ListQuery {
    pairs: Vec<(String, String)>,
    opts: QueryOptions,
    fingerprint: String,
    token: Option<ListToken>,
    collection: String,
    user: String,
    link_base: String,
}

/// A page's JSON, `{"@odata.count"?, "value": [...], links...}` (each link given is
/// written as `"name": "url"`): items whose JSON text the store keeps are copied as
/// bytes, the others serialised. List pages and delta pages are both made here.
pub fn page_body(
    count: Option<usize>,
    items: &[PageItem<'_>],
    links: &[(&str, Option<&str>)],
) -> serde_json::Result<Vec<u8>> {
    let size: usize = items
        .iter()
        .map(|i| i.wire().map_or(256, <[u8]>::len) + 1)
        .sum();
    let mut out = Vec::with_capacity(size + 512);
    out.push(b'{');
    if let Some(count) = count {
        out.extend_from_slice(format!("\"@odata.count\":{count},").as_bytes());
    }
    out.extend_from_slice(b"\"value\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item.write_to(&mut out)?;
    }
    out.push(b']');
    for (name, link) in links {
        if let Some(link) = link {
            out.push(b',');
            serde_json::to_writer(&mut out, name)?;
            out.push(b':');
            serde_json::to_writer(&mut out, link)?;
        }
    }
    out.push(b'}');
    Ok(out)
}

impl ListQuery {
    /// Parses the query options (400 on bad ones) and the `$skiptoken` signature.
    pub fn parse(
        app: &App,
        user: &str,
        collection: &str,
        path: &str,
        raw_query: Option<&str>,
        schema: &Schema,
    ) -> ApiResult<ListQuery> {
        let pairs = query_pairs(raw_query);
        let opts = QueryOptions::parse(&pairs, schema, Limits::default())?;
        let fingerprint = odata::query_fingerprint(&opts).to_string();
        let token = match &opts.skiptoken {
            None => None,
            Some(t) => Some(
                app.signer
                    .verify::<ListToken>(t)
                    .map_err(|_| invalid_skiptoken())?,
            ),
        };
        Ok(ListQuery {
            pairs,
            opts,
            fingerprint,
            token,
            collection: collection.to_string(),
            user: user.to_string(),
            link_base: format!("{}{path}", app.base_url()),
        })
    }

    /// When the page is in the default order without `$filter`, `$search` or `$count`, it
    /// needs only a window of the collection: a large collection (a feed of 100,000
    /// activities) then lists just those items instead of every one.
    pub fn window(&self) -> Option<Window> {
        let o = &self.opts;
        if !o.orderby.is_empty() || o.filter.is_some() || o.search.is_some() || o.count {
            return None;
        }
        let after = self.token.as_ref().map(|t| t.i.clone());
        let skip = if after.is_some() { 0 } else { o.skip };
        Some(Window {
            after,
            len: skip.saturating_add(o.top).saturating_add(1),
        })
    }

    /// Keys `items` for paging: by their default-order key, or by id when the query
    /// orders by exactly `id`.
    pub fn keyed(&self, items: Items) -> BTreeMap<String, Arc<Value>> {
        let by_id = self.opts.is_id_order() && !self.opts.orderby.is_empty();
        items
            .into_iter()
            .map(|(key, v)| {
                let key = if by_id {
                    v["id"].as_str().unwrap_or_default().to_string()
                } else {
                    key
                };
                (key, v)
            })
            .collect()
    }

    /// The canonical text of a non-trivial `$orderby` (`None` in id order): the key of a
    /// cached sorted order.
    pub fn sorted_order(&self) -> Option<String> {
        (!self.opts.is_id_order()).then(|| odata::orderby_text(&self.opts.orderby))
    }

    /// The `$orderby` keys.
    pub fn order_keys(&self) -> &[odata::OrderKey] {
        &self.opts.orderby
    }

    /// Serves the page of `items` (keyed by id, or as [`ListQuery::keyed`] made them).
    pub fn respond<V: Item>(
        &self,
        app: &App,
        world: &World,
        items: &BTreeMap<String, V>,
    ) -> ApiResult<Response> {
        self.respond_with(app, world, |opts, after| odata::page(items, opts, after))
    }

    /// Serves the page `page` makes from the query options and the `$skiptoken`'s
    /// position (checked against the user, query, collection and epoch first).
    pub fn respond_with<'a>(
        &'a self,
        app: &App,
        world: &World,
        page: impl FnOnce(&'a QueryOptions, Option<&Position>) -> odata::PageResult<'a>,
    ) -> ApiResult<Response> {
        if let Some(t) = &self.token
            && (t.u != self.user
                || t.q != self.fingerprint
                || t.c != self.collection
                || t.e != world.epoch)
        {
            return Err(invalid_skiptoken());
        }
        let after = self.token.as_ref().map(|t| Position {
            keys: t.k.clone(),
            id: t.i.clone(),
        });
        let page = page(&self.opts, after.as_ref());
        let next_link = page.next.map(|next| {
            let token = app.signer.sign(&ListToken {
                e: world.epoch,
                c: self.collection.clone(),
                u: self.user.clone(),
                q: self.fingerprint.clone(),
                k: next.keys,
                i: next.id,
            });
            odata::next_link(&self.link_base, &self.pairs, &token)
        });
        let links = [("@odata.nextLink", next_link.as_deref())];
        let body = page_body(page.count, &page.items, &links).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internalServerError",
                e.to_string(),
            )
        })?;
        let mut response = (StatusCode::OK, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
}

/// Serves one page of a collection whose items `items` lists with their default-order
/// keys (see [`ListQuery::keyed`]).
pub fn list(
    app: &App,
    user: &str,
    collection: &str,
    path: &str,
    raw_query: Option<&str>,
    schema: &Schema,
    items: impl FnOnce(&World) -> ApiResult<Items>,
) -> ApiResult<Response> {
    list_window(
        app,
        user,
        collection,
        path,
        raw_query,
        schema,
        |world, _| items(world),
    )
}

/// [`list`] for large collections: `items` gets the [`Window`] the page needs (when
/// there is one) and may list only the items in it; it may also list more.
pub fn list_window(
    app: &App,
    user: &str,
    collection: &str,
    path: &str,
    raw_query: Option<&str>,
    schema: &Schema,
    items: impl FnOnce(&World, Option<&Window>) -> ApiResult<Items>,
) -> ApiResult<Response> {
    let query = ListQuery::parse(app, user, collection, path, raw_query, schema)?;
    let window = query.window();
    let world = app.world.lock();
    let map = query.keyed(items(&world, window.as_ref())?);
    query.respond(app, &world, &map)
}

fn invalid_skiptoken() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalidSkipToken",
        "the $skiptoken is not valid for this query",
    )
    .target("$skiptoken")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_json_text_and_serialised_items_make_the_same_page() {
        let a = serde_json::json!({"id": "c1", "displayName": "Ann \"A\""});
        let b = serde_json::json!({"id": "c2", "tags": ["x", "é"]});
        let a_doc = odata::JsonDoc::new(&a);
        let copied = [
            PageItem::Stored(odata::Node::Doc(&a_doc)),
            PageItem::Selected(b.clone()),
        ];
        assert_eq!(copied[0].wire(), Some(a_doc.text().as_bytes()));
        let serialised = [
            PageItem::Stored(odata::Node::Value(&a)),
            PageItem::Stored(odata::Node::Value(&b)),
        ];
        let link = [(
            "@odata.nextLink",
            Some("http://x/v1/me/contacts?$skiptoken=a\"b"),
        )];
        let one = page_body(Some(2), &copied, &link).unwrap();
        assert_eq!(one, page_body(Some(2), &serialised, &link).unwrap());
        let parsed: Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"@odata.count": 2, "value": [a, b], "@odata.nextLink": link[0].1})
        );
        let empty: Value = serde_json::from_slice(&page_body(None, &[], &[]).unwrap()).unwrap();
        assert_eq!(empty, serde_json::json!({"value": []}));
    }
}
