//! Tests of keyset paging: completeness, order, stability under change, fast path.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Value, json};

use super::paging::page_sorted;
use super::query::{Limits, QueryOptions};
use super::schema::{PropType, Schema};
use super::token::TokenSigner;
use super::{
    Item, JsonDoc, Node, PageItem, PageResult, Position, compare, next_link, page,
    query_fingerprint,
};

type Coll = BTreeMap<String, Arc<Value>>;

/// An item stored as JSON text, like a stored contact.
#[derive(Clone)]
struct Doc(Arc<JsonDoc>);

impl Item for Doc {
    fn node(&self) -> Node<'_> {
        Node::Doc(&self.0)
    }
}

/// The collection with every item stored as JSON text.
fn as_docs(coll: &Coll) -> BTreeMap<String, Doc> {
    coll.iter()
        .map(|(id, v)| (id.clone(), Doc(Arc::new(JsonDoc::new(v)))))
        .collect()
}

/// An item's id.
fn id_of(item: &PageItem<'_>) -> String {
    item.clone().into_owned()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A page as the JSON a response carries: what must not depend on how items are stored.
fn page_json(r: &PageResult<'_>) -> (Vec<u8>, Option<Position>, Option<usize>) {
    let mut out = Vec::new();
    for item in &r.items {
        item.write_to(&mut out).unwrap();
        out.push(b',');
    }
    (out, r.next.clone(), r.count)
}

fn schema() -> Schema {
    Schema::new()
        .prop("displayName", PropType::String)
        .prop("age", PropType::Number)
        .prop("updated", PropType::DateTime)
        .prop("fav", PropType::Bool)
        .prop(
            "name",
            PropType::Object(Schema::new().prop("givenName", PropType::String)),
        )
}

/// A small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES: [&str; 8] = ["ann", "Ann", "bob", "Bob", "carol", "Émile", "dave", "ANNA"];
const OFFSETS: [&str; 3] = ["Z", "+02:00", "-05:30"];

fn item(id: &str, rng: &mut Rng) -> Value {
    let mut v = json!({
        "id": id,
        "@odata.etag": format!("W/\"{}\"", rng.below(100)),
        "displayName": NAMES[rng.below(NAMES.len() as u64) as usize],
        "updated": format!("2026-01-{:02}T{:02}:00:00{}", 1 + rng.below(3), rng.below(24),
                           OFFSETS[rng.below(3) as usize]),
        "fav": rng.below(2) == 0,
        "name": {"givenName": NAMES[rng.below(NAMES.len() as u64) as usize]},
    });
    // Some ages missing, some null.
    match rng.below(10) {
        0 => {}
        1 => v["age"] = Value::Null,
        _ => v["age"] = json!(rng.below(20)),
    }
    v
}

fn make_id(rng: &mut Rng) -> String {
    let prefix = ["A", "b", "C", "d"][rng.below(4) as usize];
    format!("{prefix}{:08}", rng.below(100_000_000))
}

fn collection(n: usize, seed: u64) -> Coll {
    let mut rng = Rng(seed);
    let mut c = Coll::new();
    while c.len() < n {
        let id = make_id(&mut rng);
        let v = item(&id, &mut rng);
        c.insert(id, Arc::new(v));
    }
    c
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn opts(p: &[(&str, &str)]) -> QueryOptions {
    QueryOptions::parse(&pairs(p), &schema(), Limits::default()).unwrap()
}

/// The ids a client sees when paging with `o`, each page's position passing through a
/// signed token. `between` runs before every page after the first.
fn walk(coll: &mut Coll, o: &QueryOptions, mut between: impl FnMut(&mut Coll)) -> Vec<String> {
    let signer = TokenSigner::new(b"k");
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for pages in 0.. {
        assert!(pages < 100_000, "paging does not end");
        let after: Option<Position> = token.as_ref().map(|t| signer.verify(t).unwrap());
        if after.is_some() {
            between(coll);
        }
        let r = page(coll, o, after.as_ref());
        assert!(r.items.len() <= o.top);
        seen.extend(r.items.iter().map(id_of));
        match r.next {
            Some(p) => {
                assert!(!r.items.is_empty());
                token = Some(signer.sign(&p));
            }
            None => break,
        }
    }
    seen
}

/// What a full, unpaged query returns, in order.
fn expected(coll: &Coll, o: &QueryOptions) -> Vec<String> {
    let mut v: Vec<&Value> = coll
        .values()
        .map(|v| v.as_ref())
        .filter(|v| o.filter.as_ref().is_none_or(|f| f.matches(*v)))
        .filter(|v| o.search.as_ref().is_none_or(|s| s.matches(*v)))
        .collect();
    v.sort_by(|a, b| compare(*a, *b, &o.orderby));
    v.iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

const ORDERS: [&str; 8] = [
    "",
    "id",
    "id desc",
    "displayName",
    "displayName desc, age",
    "age desc, updated",
    "updated",
    "name/givenName desc, fav",
];
const FILTERS: [&str; 3] = [
    "",
    "age gt 5",
    "startswith(displayName, 'a') or age eq null",
];

fn query(order: &str, filter: &str, search: &str, top: &str) -> Vec<(String, String)> {
    let mut p = vec![("$top", top)];
    if !order.is_empty() {
        p.push(("$orderby", order));
    }
    if !filter.is_empty() {
        p.push(("$filter", filter));
    }
    if !search.is_empty() {
        p.push(("$search", search));
    }
    pairs(&p)
}

#[test]
fn every_item_exactly_once_in_order() {
    let mut coll = collection(3000, 7);
    for order in ORDERS {
        for filter in FILTERS {
            for search in ["", "an"] {
                for top in ["1000", "999"] {
                    let q = query(order, filter, search, top);
                    let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
                    let want = expected(&coll, &o);
                    let got = walk(&mut coll, &o, |_| {});
                    assert_eq!(got, want, "{q:?}");
                    let unique: BTreeSet<&String> = got.iter().collect();
                    assert_eq!(unique.len(), got.len());
                }
            }
        }
    }
}

#[test]
fn small_pages() {
    let mut coll = collection(250, 11);
    for order in ORDERS {
        for filter in FILTERS {
            let q = query(order, filter, "", "7");
            let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
            assert_eq!(walk(&mut coll, &o, |_| {}), expected(&coll, &o), "{q:?}");
        }
    }
}

#[test]
fn stable_under_inserts_deletes_and_updates() {
    for order in ORDERS {
        for filter in ["", "age gt 5"] {
            let mut coll = collection(3000, 3);
            // Every fifth item is volatile: it may be deleted or changed while paging.
            let volatile: BTreeSet<String> = coll.keys().step_by(5).cloned().collect();
            let q = query(order, filter, "", "100");
            let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
            let stable_expected: Vec<String> = expected(&coll, &o)
                .into_iter()
                .filter(|id| !volatile.contains(id))
                .collect();
            let mut rng = Rng(99);
            let mut inserted = BTreeSet::new();
            let got = walk(&mut coll, &o, |c| {
                for _ in 0..20 {
                    let id = make_id(&mut rng);
                    if !c.contains_key(&id) {
                        let v = item(&id, &mut rng);
                        c.insert(id.clone(), Arc::new(v));
                        inserted.insert(id);
                    }
                }
                let vol: Vec<&String> = volatile.iter().collect();
                for _ in 0..10 {
                    let id = vol[rng.below(vol.len() as u64) as usize].clone();
                    if rng.below(2) == 0 {
                        c.remove(&id);
                    } else if c.contains_key(&id) {
                        let v = item(&id, &mut rng);
                        c.insert(id, Arc::new(v));
                    }
                }
            });
            let stable_got: Vec<String> = got
                .iter()
                .filter(|id| !volatile.contains(*id) && !inserted.contains(*id))
                .cloned()
                .collect();
            assert_eq!(stable_got, stable_expected, "{q:?}");
            assert!(!inserted.is_empty());
        }
    }
}

#[test]
fn skip_then_positions() {
    let coll = collection(500, 5);
    for order in ["", "displayName desc"] {
        let mut q = query(order, "", "", "50");
        q.push(("$skip".into(), "10".into()));
        let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
        let all = expected(&coll, &o);
        let mut got = Vec::new();
        let mut after = None;
        loop {
            let r = page(&coll, &o, after.as_ref());
            got.extend(r.items.iter().map(id_of));
            match r.next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        assert_eq!(got, all[10..].to_vec());
    }
    let o = opts(&[("$skip", "100000")]);
    assert_eq!(page(&coll, &o, None).items.len(), 0);
    assert_eq!(page(&coll, &o, None).next, None);
    let o = opts(&[("$skip", "100000"), ("$orderby", "age")]);
    assert_eq!(page(&coll, &o, None).next, None);
}

#[test]
fn fast_path_equals_general_path() {
    let coll = collection(1200, 13);
    let ids: Vec<&String> = coll.keys().collect();
    for filter in ["", "age gt 5"] {
        for search in ["", "an"] {
            for order in ["", "id"] {
                for top in ["0", "1", "10", "1000"] {
                    for skip in ["0", "3", "1199", "5000"] {
                        let mut q = query(order, filter, search, top);
                        q.push(("$skip".into(), skip.into()));
                        q.push(("$count".into(), "true".into()));
                        let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
                        assert!(o.is_id_order());
                        let afters = [
                            None,
                            Some(Position {
                                keys: vec![],
                                id: ids[500].clone(),
                            }),
                            Some(Position {
                                keys: vec![json!(ids[0])],
                                id: ids[0].clone(),
                            }),
                            Some(Position {
                                keys: vec![],
                                id: "b".into(),
                            }),
                            Some(Position {
                                keys: vec![],
                                id: "zzz".into(),
                            }),
                        ];
                        for after in &afters {
                            let mut after = after.clone();
                            if let Some(p) = after.as_mut() {
                                p.keys = if order.is_empty() {
                                    vec![]
                                } else {
                                    vec![json!(p.id)]
                                };
                            }
                            let fast = page(&coll, &o, after.as_ref());
                            let general = page_sorted(&coll, &o, after.as_ref());
                            assert_eq!(fast, general, "{q:?} after {after:?}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn count_select_and_top_zero() {
    let coll = collection(300, 17);
    let o = opts(&[("$count", "true"), ("$top", "0")]);
    let r = page(&coll, &o, None);
    assert_eq!((r.items.len(), r.count, r.next), (0, Some(300), None));
    let o = opts(&[("$count", "true"), ("$filter", "age gt 5"), ("$top", "5")]);
    let r = page(&coll, &o, None);
    assert_eq!(r.count, Some(expected(&coll, &o).len()));
    assert_eq!(r.items.len(), 5);
    let o = opts(&[("$count", "true"), ("$orderby", "age"), ("$top", "5")]);
    let r = page(&coll, &o, None);
    assert_eq!(r.count, Some(300));
    let p = r.next.unwrap();
    assert_eq!(p.keys.len(), 1);
    assert_eq!(p.id, id_of(&r.items[4]));
    // The count does not change with the position.
    assert_eq!(page(&coll, &o, Some(&p)).count, Some(300));
    assert_eq!(page(&coll, &opts(&[]), None).count, None);
    let o = opts(&[("$select", "displayName"), ("$orderby", "displayName")]);
    for it in page(&coll, &o, None).items {
        let it = it.into_owned();
        let mut keys: Vec<&String> = it.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["@odata.etag", "displayName", "id"]);
    }
    assert_eq!(page(&coll, &opts(&[]), None).items.len(), 100);
}

/// Counts how often the pager looks at item values.
struct Counted {
    v: Value,
    hits: Rc<Cell<usize>>,
}

impl Item for Counted {
    fn node(&self) -> Node<'_> {
        self.hits.set(self.hits.get() + 1);
        Node::Value(&self.v)
    }
}

#[test]
fn fast_path_touches_only_the_page() {
    let hits = Rc::new(Cell::new(0));
    let coll: BTreeMap<String, Counted> = (0..100_000)
        .map(|i| {
            let id = format!("c{i:06}");
            let v = json!({"id": id});
            (
                id,
                Counted {
                    v,
                    hits: hits.clone(),
                },
            )
        })
        .collect();
    let o = opts(&[("$top", "10"), ("$count", "true")]);
    let after = Position {
        keys: vec![],
        id: "c050000".into(),
    };
    let r = page(&coll, &o, Some(&after));
    assert_eq!(id_of(&r.items[0]), "c050001");
    assert_eq!(r.count, Some(100_000));
    assert_eq!(r.next.unwrap().id, "c050010");
    assert!(hits.get() <= 11, "{} values read", hits.get());
}

#[test]
fn a_million_items_in_pages_of_a_thousand() {
    let shared = Arc::new(json!({"id": "x", "displayName": "same"}));
    let coll: Coll = (0..1_000_000)
        .map(|i| (format!("{i:07}"), shared.clone()))
        .collect();
    let o = opts(&[("$top", "1000")]);
    let signer = TokenSigner::new(b"k");
    let fp = query_fingerprint(&o);
    let mut after: Option<Position> = None;
    let mut pages = 0;
    let mut total = 0;
    loop {
        let r = page(&coll, &o, after.as_ref());
        total += r.items.len();
        pages += 1;
        match r.next {
            Some(p) => {
                // What a collection endpoint does: bind the position to the query.
                let t = signer.sign(&(fp, &p));
                let (f, p): (u64, Position) = signer.verify(&t).unwrap();
                assert_eq!(f, fp);
                after = Some(p);
            }
            None => break,
        }
    }
    assert_eq!((pages, total), (1000, 1_000_000));
    assert_eq!(after.unwrap().id, "0998999");
}

#[test]
fn next_link_carries_the_token() {
    let q = pairs(&[("$top", "5"), ("$skip", "5"), ("$filter", "age gt 5")]);
    let link = next_link("https://m/v1/me/contacts", &q, "t.s");
    assert_eq!(
        link,
        "https://m/v1/me/contacts?$top=5&$filter=age%20gt%205&$skiptoken=t.s"
    );
}

/// Every page of `o` walked over a presorted copy equals the page [`page`] makes: items,
/// next positions and counts, for filters that narrow by a prefix of the first sort key
/// and for those that do not.
#[test]
fn presorted_pages_equal_sorted_pages() {
    let coll = collection(400, 7);
    let cases: &[&[(&str, &str)]] = &[
        &[("$orderby", "displayName desc"), ("$top", "7")],
        &[
            ("$orderby", "displayName"),
            ("$filter", "startswith(displayName,'an') and fav eq true"),
            ("$top", "5"),
        ],
        &[
            ("$orderby", "displayName desc"),
            ("$filter", "startswith(displayName,'A') and fav eq false"),
            ("$top", "9"),
            ("$count", "true"),
        ],
        &[
            ("$orderby", "displayName desc,age"),
            ("$filter", "displayName eq 'Ann'"),
            ("$top", "4"),
        ],
        &[
            ("$orderby", "displayName"),
            ("$filter", "startswith(displayName,'é')"),
            ("$top", "3"),
        ],
        &[
            ("$orderby", "displayName"),
            ("$filter", "startswith(displayName,'zz')"),
            ("$count", "true"),
        ],
        &[
            ("$orderby", "age desc,displayName"),
            ("$filter", "fav eq true"),
            ("$top", "11"),
            ("$skip", "3"),
        ],
        &[("$orderby", "updated"), ("$top", "13"), ("$count", "true")],
        &[
            ("$orderby", "name/givenName desc"),
            ("$filter", "startswith(name/givenName,'b') or fav"),
            ("$top", "6"),
        ],
        &[
            ("$orderby", "fav desc,id"),
            ("$top", "0"),
            ("$count", "true"),
        ],
    ];
    for case in cases {
        let o = opts(case);
        let sorted = super::sort_items(&coll, &o.orderby);
        let mut after: Option<Position> = None;
        let mut pages = 0;
        loop {
            let want = page(&coll, &o, after.as_ref());
            let got = super::page_presorted(&sorted, &o, after.as_ref());
            assert_eq!(got, want, "{case:?} page {pages}");
            pages += 1;
            match want.next {
                Some(next) => after = Some(next),
                None => break,
            }
            assert!(pages < 500, "{case:?}: paging does not end");
        }
    }
}

/// Items stored as JSON text page exactly like parsed ones: the same items (byte for
/// byte), positions and counts on every page, for every order, filter, search and
/// `$select`, with the sorting pager and with a presorted order.
#[test]
fn text_items_page_like_parsed_items() {
    let coll = collection(600, 23);
    let docs = as_docs(&coll);
    let filters = [
        "",
        "age gt 5",
        "startswith(displayName, 'a') or age eq null",
        "startswith(displayName,'A') and fav eq false",
        "name/givenName eq 'Émile' or updated lt 2026-01-02T00:00:00Z",
    ];
    for order in ORDERS {
        for filter in filters {
            for search in ["", "an"] {
                for select in ["", "displayName,name/givenName"] {
                    let mut q = query(order, filter, search, "37");
                    q.push(("$count".into(), "true".into()));
                    if !select.is_empty() {
                        q.push(("$select".into(), select.into()));
                    }
                    let o = QueryOptions::parse(&q, &schema(), Limits::default()).unwrap();
                    let sorted = super::sort_items(&docs, &o.orderby);
                    let mut after: Option<Position> = None;
                    for pages in 0.. {
                        assert!(pages < 100, "{q:?}: paging does not end");
                        let want = page(&coll, &o, after.as_ref());
                        let json = page_json(&want);
                        assert_eq!(page_json(&page(&docs, &o, after.as_ref())), json, "{q:?}");
                        if !o.is_id_order() {
                            let presorted = super::page_presorted(&sorted, &o, after.as_ref());
                            assert_eq!(page_json(&presorted), json, "{q:?} presorted");
                        }
                        match want.next {
                            Some(next) => after = Some(next),
                            None => break,
                        }
                    }
                }
            }
        }
    }
}
