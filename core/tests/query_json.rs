//! The JSON form of `Query` and `Filter`: what core writes is valid against
//! `spec/query.schema.json`, what the schema refuses core refuses too (naming the path),
//! and a query read from JSON selects on the real mock what the same query built in Rust
//! selects.

mod common;

use common::Env;
use common::schema::validate;
use messenger_connect::models::{ContactEmail, NewContact};
use messenger_connect::{Error, Filter, Order, Query};
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../../spec/query.schema.json");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("query.schema.json is JSON")
}

fn schema_errors(doc: &Value) -> Vec<String> {
    let schema = schema();
    validate(&schema, &schema, doc)
}

#[test]
fn what_core_writes_the_schema_accepts() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.5Z")
        .expect("date")
        .to_utc();
    let queries = [
        Query::new(),
        Query::new().top(5).skip(10).count(true).search("ann"),
        Query::new()
            .filter(
                Filter::eq("displayName", "O'Brien")
                    .and(Filter::raw("isFriend eq false"))
                    .or(Filter::is_in("tags", ["a", "b"]).and(Filter::gt("updated", at)))
                    .and(Filter::any("emails", Filter::endswith("value", "@x.org")).not())
                    .and(Filter::ne("nickname", messenger_connect::Literal::Null))
                    .and(Filter::le("age", 2.5)),
            )
            .order_by("displayName", Order::Desc)
            .order_by("updated", Order::Asc)
            .select(["displayName", "name/givenName"]),
    ];
    for q in queries {
        let doc = q.to_json();
        assert_eq!(schema_errors(&doc), Vec::<String>::new(), "{doc}");
        let back = Query::from_json(&doc.to_string()).expect("reads back");
        assert_eq!(
            back.to_pairs().expect("renders"),
            q.to_pairs().expect("renders")
        );
    }
}

#[test]
fn what_the_schema_refuses_core_refuses() {
    let cases = [
        (
            json!({"filter": {"op": "eq", "property": "a"}}),
            "filter.value",
        ),
        (
            json!({"filter": {"op": "eq", "property": "a", "value": [1]}}),
            "filter.value",
        ),
        (
            json!({"filter": {"op": "eq", "property": "a", "value": {"date": "x"}}}),
            "filter.value",
        ),
        (
            json!({"filter": {"op": "between", "property": "a", "value": 1}}),
            "filter.op",
        ),
        (
            json!({"filter": {"op": "and", "filters": []}}),
            "filter.filters",
        ),
        (
            json!({"filter": {"op": "not", "filter": {"op": "raw", "text": 1}}}),
            "filter.filter.text",
        ),
        (
            json!({"filter": {"op": "in", "property": "a", "values": "x"}}),
            "filter.values",
        ),
        (
            json!({"filter": {"op": "raw", "text": "a eq 1", "extra": 1}}),
            "filter",
        ),
        (json!({"orderBy": [{"desc": true}]}), "orderBy[0].property"),
        (json!({"orderBy": "displayName desc"}), "orderBy"),
        (json!({"select": "displayName"}), "select"),
        (json!({"top": 1001}), "top"),
        (json!({"skip": -1}), "skip"),
        (json!({"count": "yes"}), "count"),
        (json!({"search": 7}), "search"),
        (json!({"$top": 5}), "query"),
    ];
    for (doc, path) in cases {
        assert!(!schema_errors(&doc).is_empty(), "the schema accepts {doc}");
        match Query::from_json(&doc.to_string()) {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, path, "{doc}"),
            other => panic!("{doc}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_query_from_json_selects_what_the_built_query_selects() {
    let env = Env::start();
    let (client, _) = env.client(0, common::CONTACT_SCOPES).await;
    let mut contact = NewContact::new("O'Brien Json");
    contact
        .emails
        .push(ContactEmail::new("obrien@json.example", "work"));
    let created = client.create_contact(&contact).await.expect("created");
    let text = r#"{"filter": {"op": "and", "filters": [
            {"op": "eq", "property": "displayName", "value": "O'Brien Json"},
            {"op": "any", "property": "emails",
             "filter": {"op": "endswith", "property": "value", "value": "@json.example"}}]},
        "orderBy": [{"property": "displayName", "desc": true}],
        "select": ["displayName"], "top": 10, "count": true}"#;
    let from_json = Query::from_json(text).expect("a valid query");
    let built = Query::new()
        .filter(Filter::eq("displayName", "O'Brien Json").and(Filter::any(
            "emails",
            Filter::endswith("value", "@json.example"),
        )))
        .order_by("displayName", Order::Desc)
        .select(["displayName"])
        .top(10)
        .count(true);
    assert_eq!(from_json, built);
    env.clear_journal().await;
    let page = client.list_contacts(&from_json).await.expect("page");
    assert_eq!(page.count, Some(1));
    assert_eq!(page.items[0].id, created.id);
    let sent = env.journal("/v1/me/contacts").await;
    assert_eq!(
        sent[0].query["$filter"],
        "displayName eq 'O''Brien Json' and emails/any(e: endswith(e/value,'@json.example'))"
    );
}

#[test]
fn the_json_form_of_a_portable_contacts_query() {
    use messenger_connect::{PocoFilterOp, PocoQuery};
    let q = PocoQuery::from_value(&json!({
        "filterBy": "displayName", "filterOp": "startswith", "filterValue": "A",
        "sortBy": "displayName", "sortOrder": "descending", "startIndex": 11, "count": 10,
        "updatedSince": "2026-01-02T03:04:05Z", "fields": ["id", "displayName"], "unused": null
    }));
    // `unused` is not a key of the form, even as null.
    assert!(
        matches!(q, Err(Error::InvalidArgument { ref name, .. }) if name == "options"),
        "{q:?}"
    );
    let q = PocoQuery::from_value(&json!({
        "filterBy": "displayName", "filterOp": "startswith", "filterValue": "A",
        "sortBy": "displayName", "sortOrder": "descending", "startIndex": 11, "count": 10,
        "updatedSince": "2026-01-02T03:04:05Z", "fields": ["id", "displayName"]
    }))
    .expect("a valid query");
    let expected = PocoQuery::new()
        .filter("displayName", PocoFilterOp::StartsWith, Some("A"))
        .sort("displayName", true)
        .start_index(11)
        .count(10)
        .updated_since("2026-01-02T03:04:05Z".parse().unwrap())
        .fields(["id", "displayName"]);
    assert_eq!(q, expected);
    assert_eq!(
        PocoQuery::from_value(&Value::Null).unwrap(),
        PocoQuery::new()
    );
    assert_eq!(
        PocoQuery::from_value(&json!({"filterBy": null, "count": null})).unwrap(),
        PocoQuery::new(),
        "null values are absent ones"
    );

    // Each fault names its key, before any request.
    for (doc, key) in [
        (
            json!({"filterBy": "displayName", "filterOp": "like", "filterValue": "A"}),
            "filterOp",
        ),
        (json!({"filterBy": "displayName"}), "filterBy"),
        (json!({"filterValue": "A"}), "filterBy"),
        (
            json!({"filterBy": "displayName", "filterOp": "equals"}),
            "filter",
        ),
        (
            json!({"sortBy": "displayName", "sortOrder": "up"}),
            "sortOrder",
        ),
        (json!({"sortOrder": "ascending"}), "sortOrder"),
        (json!({"count": 5000}), "count"),
        (json!({"count": "10"}), "count"),
        (json!({"startIndex": 0}), "start_index"),
        (json!({"updatedSince": "yesterday"}), "updatedSince"),
        (json!({"fields": "id"}), "fields"),
        (json!([1]), "options"),
    ] {
        match PocoQuery::from_value(&doc) {
            Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, key, "{doc}"),
            other => panic!("{doc}: expected an InvalidArgument naming {key}, got {other:?}"),
        }
    }
}
