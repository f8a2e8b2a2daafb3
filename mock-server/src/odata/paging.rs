//! Keyset paging over a collection held in a `BTreeMap` keyed by item id.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::node::Node;
use super::orderby::{OrderKey, SortVal, compare_vals, id_of, key_value, sort_val, sort_vals};
use super::query::QueryOptions;
use super::select;

/// Where a page ended: the sort-key values and id of the last item returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// The values of the `$orderby` keys (in order; `null` when missing).
    pub keys: Vec<Value>,
    /// The item's id (the final tie-breaker).
    pub id: String,
}

/// An item of a collection, as the query engine reads it: a parsed value, or a stored
/// document whose JSON text a page without `$select` copies as it is.
pub trait Item {
    /// The item's JSON.
    fn node(&self) -> Node<'_>;
}

impl Item for std::sync::Arc<Value> {
    fn node(&self) -> Node<'_> {
        Node::Value(self)
    }
}

/// An item of a page: borrowed from the collection, or its `$select`ed copy.
#[derive(Debug, Clone, PartialEq)]
pub enum PageItem<'a> {
    /// The stored item (written into the page as its stored text when it has one).
    Stored(Node<'a>),
    /// The `$select`ed fields of a parsed item.
    Selected(Value),
    /// The `$select`ed fields of an item stored as text, as JSON text.
    Projected(Vec<u8>),
}

impl<'a> PageItem<'a> {
    /// The item's JSON text, when it is at hand (stored or projected).
    pub fn wire(&self) -> Option<&[u8]> {
        match self {
            PageItem::Stored(node) => node.wire(),
            PageItem::Selected(_) => None,
            PageItem::Projected(text) => Some(text),
        }
    }

    /// Appends the item's JSON text to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match self {
            PageItem::Stored(node) => node.write_to(out),
            PageItem::Selected(v) => serde_json::to_writer(out, v),
            PageItem::Projected(text) => {
                out.extend_from_slice(text);
                Ok(())
            }
        }
    }

    /// The item as an owned value.
    pub fn into_owned(self) -> Value {
        match self {
            PageItem::Stored(node) => node.to_value(),
            PageItem::Selected(v) => v,
            PageItem::Projected(text) => serde_json::from_slice(&text).unwrap_or(Value::Null),
        }
    }
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct PageResult<'a> {
    /// The items of this page, already `$select`ed (borrowed from the collection when no
    /// `$select` applies, so a page costs no copy of its items).
    pub items: Vec<PageItem<'a>>,
    /// Where to continue from; `Some` when more matching items follow.
    pub next: Option<Position>,
    /// The number of matching items regardless of paging, when `$count=true`.
    pub count: Option<usize>,
}

fn selected(opts: &QueryOptions, item: Node<'_>) -> bool {
    opts.filter.as_ref().is_none_or(|f| f.matches(item))
        && opts.search.as_ref().is_none_or(|s| s.matches(item))
}

fn output<'a, V: Item>(opts: &QueryOptions, item: &'a V) -> PageItem<'a> {
    let node = item.node();
    match opts.select.as_ref().filter(|s| !s.is_all()) {
        Some(s) => match select::apply_text(node, s) {
            Some(text) => PageItem::Projected(text),
            None => PageItem::Selected(select::apply(node, s)),
        },
        None => PageItem::Stored(node),
    }
}

fn position_of(id: &str, item: Node<'_>, keys: &[OrderKey]) -> Position {
    Position {
        keys: keys
            .iter()
            .map(|k| key_value(item, k).map_or(Value::Null, Node::to_value))
            .collect(),
        id: id.to_string(),
    }
}

/// Returns one page: items selected by `$filter` and `$search`, sorted by `$orderby` then
/// id, starting strictly after `after` (or after `$skip` items when `after` is `None`),
/// at most `$top` of them.
///
/// In id order without filter or search this walks only the page (`BTreeMap::range`);
/// otherwise it scans the items once, keeping only the best `$skip + $top + 1` in a heap.
pub fn page<'a, V: Item>(
    items: &'a BTreeMap<String, V>,
    opts: &'a QueryOptions,
    after: Option<&Position>,
) -> PageResult<'a> {
    if opts.is_id_order() {
        page_in_id_order(items, opts, after)
    } else {
        page_sorted(items, opts, after)
    }
}

/// Id order: walk the map from the position; a full scan only to count filtered items.
fn page_in_id_order<'a, V: Item>(
    items: &'a BTreeMap<String, V>,
    opts: &QueryOptions,
    after: Option<&Position>,
) -> PageResult<'a> {
    let plain = opts.filter.is_none() && opts.search.is_none();
    let count = opts.count.then(|| {
        if plain {
            items.len()
        } else {
            items.values().filter(|v| selected(opts, v.node())).count()
        }
    });
    if opts.top == 0 {
        return PageResult {
            items: Vec::new(),
            next: None,
            count,
        };
    }
    let lower = match after {
        Some(p) => Bound::Excluded(p.id.as_str()),
        None => Bound::Unbounded,
    };
    let range = items.range::<str, _>((lower, Bound::Unbounded));
    let skip = if after.is_some() { 0 } else { opts.skip };
    let mut matching: Box<dyn Iterator<Item = (&String, &V)>> = if plain {
        Box::new(range.skip(skip))
    } else {
        Box::new(range.filter(|(_, v)| selected(opts, v.node())).skip(skip))
    };
    let mut out = Vec::new();
    let mut last = None;
    let mut more = false;
    for (id, v) in matching.by_ref() {
        if out.len() == opts.top {
            more = true;
            break;
        }
        out.push(output(opts, v));
        last = Some((id, v));
    }
    PageResult {
        items: out,
        next: last
            .filter(|_| more)
            .map(|(id, v)| position_of(id, v.node(), &opts.orderby)),
        count,
    }
}

/// A candidate for the page, ordered by its sort values then id.
struct Entry<'a, V> {
    vals: Vec<SortVal<'a>>,
    id: &'a str,
    item: &'a V,
    keys: &'a [OrderKey],
}

impl<V> Ord for Entry<'_, V> {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_vals(&self.vals, self.id, &other.vals, other.id, self.keys)
    }
}

impl<V> PartialOrd for Entry<'_, V> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<V> PartialEq for Entry<'_, V> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<V> Eq for Entry<'_, V> {}

/// Any order: one scan keeping the `skip + top + 1` smallest items after the position in a
/// bounded max-heap (few allocations: an item's keys are copied only when it enters).
pub(crate) fn page_sorted<'a, V: Item>(
    items: &'a BTreeMap<String, V>,
    opts: &'a QueryOptions,
    after: Option<&Position>,
) -> PageResult<'a> {
    let keys = opts.orderby.as_slice();
    let pos: Option<(Vec<SortVal<'_>>, &str)> = after.map(|p| {
        let vals = keys
            .iter()
            .enumerate()
            .map(|(i, k)| sort_val(p.keys.get(i).map(Node::Value), k))
            .collect();
        (vals, p.id.as_str())
    });
    let start = if after.is_some() { 0 } else { opts.skip };
    let want = if opts.top == 0 {
        0
    } else {
        start.saturating_add(opts.top).saturating_add(1)
    };
    let mut heap: BinaryHeap<Entry<'_, V>> = BinaryHeap::new();
    let mut count = 0usize;
    let mut buf: Vec<SortVal<'_>> = Vec::with_capacity(keys.len());
    for (id, stored) in items {
        let v = stored.node();
        if !selected(opts, v) {
            continue;
        }
        count += 1;
        if want == 0 {
            if opts.count {
                continue;
            }
            break;
        }
        buf.clear();
        buf.extend(keys.iter().map(|k| sort_val(key_value(v, k), k)));
        if let Some((pv, pid)) = &pos
            && compare_vals(&buf, id, pv, pid, keys) != Ordering::Greater
        {
            continue;
        }
        if heap.len() < want {
            heap.push(Entry {
                vals: buf.clone(),
                id,
                item: stored,
                keys,
            });
        } else if let Some(mut max) = heap.peek_mut()
            && compare_vals(&buf, id, &max.vals, max.id, keys) == Ordering::Less
        {
            *max = Entry {
                vals: buf.clone(),
                id,
                item: stored,
                keys,
            };
        }
    }
    let sorted = heap.into_sorted_vec();
    let more = sorted.len() > start.saturating_add(opts.top);
    let window: Vec<&Entry<'_, V>> = sorted.iter().skip(start).take(opts.top).collect();
    PageResult {
        items: window.iter().map(|e| output(opts, e.item)).collect(),
        next: window
            .last()
            .filter(|_| more)
            .map(|e| position_of(e.id, e.item.node(), keys)),
        count: opts.count.then_some(count),
    }
}

/// A collection's items in the total order of `keys` (then id), for
/// [`page_presorted`]: made once per order and reused until the collection changes.
pub fn sort_items<V: Item + Clone>(items: &BTreeMap<String, V>, keys: &[OrderKey]) -> Vec<V> {
    let mut decorated: Vec<(Vec<SortVal<'_>>, &str, &V)> = items
        .iter()
        .map(|(id, v)| (sort_vals(v.node(), keys), id.as_str(), v))
        .collect();
    decorated.sort_by(|a, b| compare_vals(&a.0, a.1, &b.0, b.1, keys));
    decorated.into_iter().map(|(_, _, v)| v.clone()).collect()
}

/// Where an item sits relative to the items whose first sort key starts with `prefix`
/// (case-insensitively, like `startswith`): 0 before them in the page order, 1 among
/// them, 2 after them. Monotone along the sorted order.
fn prefix_class(item: Node<'_>, key: &OrderKey, prefix: &str) -> u8 {
    let rel = match sort_val(key_value(item, key), key) {
        SortVal::Text(s) => {
            let mut folded = s.chars().flat_map(char::to_lowercase);
            let mut order = Ordering::Equal;
            for p in prefix.chars().flat_map(char::to_lowercase) {
                match folded.next() {
                    None => {
                        order = Ordering::Less;
                        break;
                    }
                    Some(c) if c == p => {}
                    Some(c) => {
                        order = c.cmp(&p);
                        break;
                    }
                }
            }
            order
        }
        // Nulls, booleans and numbers sort before text; other kinds after it.
        SortVal::Null | SortVal::Bool(_) | SortVal::Num(_) => Ordering::Less,
        _ => Ordering::Greater,
    };
    let rel = if key.desc { rel.reverse() } else { rel };
    match rel {
        Ordering::Less => 0,
        Ordering::Equal => 1,
        Ordering::Greater => 2,
    }
}

/// One page over `sorted` (the collection in the order of `opts.orderby`, from
/// [`sort_items`]): the same result as [`page`], without sorting. The start is found by
/// binary search (the keyset position), and when `$filter` requires the first sort key
/// to start with a literal (`startswith(key, 'A') and ...`), the scan is narrowed to the
/// items that can match; it stops once the page is full (unless `$count` asks for all).
pub fn page_presorted<'a, V: Item>(
    sorted: &'a [V],
    opts: &'a QueryOptions,
    after: Option<&Position>,
) -> PageResult<'a> {
    let keys = opts.orderby.as_slice();
    let (mut lower, mut upper) = (0, sorted.len());
    if let (Some(first), Some(filter)) = (keys.first(), &opts.filter)
        && let Some(prefix) = filter.required_prefix(&first.path)
    {
        lower = sorted.partition_point(|v| prefix_class(v.node(), first, prefix) == 0);
        upper = sorted.partition_point(|v| prefix_class(v.node(), first, prefix) <= 1);
    }
    let start = match after {
        None => lower,
        Some(p) => {
            let pv: Vec<SortVal<'_>> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| sort_val(p.keys.get(i).map(Node::Value), k))
                .collect();
            let at = sorted.partition_point(|v| {
                let v = v.node();
                compare_vals(&sort_vals(v, keys), &id_of(v), &pv, &p.id, keys) != Ordering::Greater
            });
            at.max(lower)
        }
    };
    let skip = if after.is_some() { 0 } else { opts.skip };
    let mut out = Vec::new();
    let mut last = None;
    let mut more = false;
    let mut skipped = 0;
    if opts.top > 0 {
        for v in sorted.get(start..upper.max(start)).unwrap_or_default() {
            if !selected(opts, v.node()) {
                continue;
            }
            if skipped < skip {
                skipped += 1;
                continue;
            }
            if out.len() == opts.top {
                more = true;
                break;
            }
            out.push(output(opts, v));
            last = Some(v);
        }
    }
    let count = opts.count.then(|| {
        sorted
            .get(lower..upper)
            .unwrap_or_default()
            .iter()
            .filter(|v| selected(opts, v.node()))
            .count()
    });
    PageResult {
        items: out,
        next: last
            .filter(|_| more)
            .map(|v| position_of(&id_of(v.node()), v.node(), keys)),
        count,
    }
}
