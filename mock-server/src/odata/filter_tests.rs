//! Tests of `$filter` parsing, validation and evaluation.

use serde_json::{Value, json};

use super::filter::{MAX_DEPTH, MAX_FILTER_LEN, parse, quote};
use super::schema::{PropType, Schema};
use super::{JsonDoc, Node};

fn schema() -> Schema {
    let email = Schema::new()
        .prop("value", PropType::String)
        .prop("type", PropType::String)
        .prop("primary", PropType::Bool);
    let group = Schema::new()
        .prop("name", PropType::String)
        .prop("members", PropType::Collection(Box::new(PropType::String)));
    Schema::new()
        .prop("displayName", PropType::String)
        .prop("age", PropType::Number)
        .prop("score", PropType::Number)
        .prop("fav", PropType::Bool)
        .prop("updated", PropType::DateTime)
        .prop("birthday", PropType::Date)
        .prop(
            "name",
            PropType::Object(
                Schema::new()
                    .prop("givenName", PropType::String)
                    .prop("familyName", PropType::String),
            ),
        )
        .prop(
            "emails",
            PropType::Collection(Box::new(PropType::Object(email))),
        )
        .prop("tags", PropType::Collection(Box::new(PropType::String)))
        .prop(
            "groups",
            PropType::Collection(Box::new(PropType::Object(group))),
        )
}

fn items() -> Vec<Value> {
    vec![
        json!({"id": "1", "displayName": "Ann Lee", "age": 30, "score": 1.5, "fav": true,
               "updated": "2026-01-02T03:04:05Z", "birthday": "1990-05-01",
               "name": {"givenName": "Ann", "familyName": "Lee"},
               "emails": [{"value": "ann@example.com", "type": "work", "primary": true},
                          {"value": "ann@home.net", "type": "home", "primary": false}],
               "tags": ["friend", "work"],
               "groups": [{"name": "chess", "members": ["1", "2"]}]}),
        json!({"id": "2", "displayName": "Bob O'Brien", "age": 40, "score": -2, "fav": false,
               "updated": "2026-01-02T05:04:05+02:00", "birthday": "1985-12-31",
               "name": {"givenName": "Bob", "familyName": "O'Brien"},
               "emails": [{"value": "BOB@Example.com", "type": "work", "primary": true}],
               "tags": ["family"],
               "groups": [{"name": "chess", "members": ["2"]}, {"name": "go", "members": []}]}),
        json!({"id": "3", "displayName": "carol", "age": null, "fav": true,
               "updated": "2025-12-31T23:59:59.999Z",
               "name": {"givenName": "Carol"},
               "emails": [], "tags": []}),
        json!({"id": "4", "displayName": "Dave", "age": 30,
               "updated": "2026-06-01T00:00:00Z",
               "emails": [{"value": "dave@example.org", "type": "home", "primary": false}]}),
    ]
}

/// Ids of the test items matching `f`; the same whether an item is a parsed value, a
/// stored document or pretty-printed text (checked on every call).
fn ids(f: &str) -> Vec<String> {
    let filter = parse(f, &schema()).unwrap_or_else(|e| panic!("{f}: {e}"));
    let items = items();
    let matching: Vec<String> = items
        .iter()
        .filter(|i| filter.matches(*i))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    for item in &items {
        let doc = JsonDoc::new(item);
        let pretty = serde_json::to_string_pretty(item).unwrap();
        let want = filter.matches(item);
        assert_eq!(filter.matches(&doc), want, "{f} on the stored {item}");
        assert_eq!(filter.matches(Node::Text(&pretty)), want, "{f} on {pretty}");
    }
    matching
}

fn err(f: &str) -> (usize, String) {
    let e = parse(f, &schema()).expect_err(f);
    assert_eq!((e.code, e.target), ("invalidFilter", "$filter"));
    (e.position.unwrap(), e.message)
}

#[test]
fn comparison_operators() {
    assert_eq!(ids("age eq 30"), ["1", "4"]);
    assert_eq!(ids("age ne 30"), ["2", "3"]);
    assert_eq!(ids("age gt 30"), ["2"]);
    assert_eq!(ids("age ge 30"), ["1", "2", "4"]);
    assert_eq!(ids("age lt 40"), ["1", "4"]);
    assert_eq!(ids("age le 40"), ["1", "2", "4"]);
    assert_eq!(ids("score gt -1.0"), ["1"]);
    assert_eq!(ids("score eq -2"), ["2"]);
    assert_eq!(ids("score lt 1.5e0"), ["2"]);
    assert_eq!(ids("fav eq true"), ["1", "3"]);
    assert_eq!(ids("fav eq false"), ["2"]);
    assert_eq!(ids("fav"), ["1", "3"]);
    assert_eq!(ids("not fav"), ["2", "4"]);
    assert_eq!(ids("displayName eq 'Dave'"), ["4"]);
    assert_eq!(ids("displayName eq 'dave'"), Vec::<String>::new());
    assert_eq!(ids("displayName gt 'Bob'"), ["2", "3", "4"]);
    assert_eq!(ids("displayName lt 'a'"), ["1", "2", "4"]);
    assert_eq!(ids("name/givenName eq 'Carol'"), ["3"]);
    assert_eq!(ids("'Ann' eq name/givenName"), ["1"]);
    assert_eq!(ids("id eq '2'"), ["2"]);
    // both null (one null, one missing) are equal
    assert_eq!(ids("age eq score"), ["3"]);
    assert_eq!(ids("1 eq 1"), ["1", "2", "3", "4"]);
}

#[test]
fn precedence_and_parentheses() {
    // and binds tighter than or.
    assert_eq!(ids("age eq 40 or age eq 30 and fav eq true"), ["1", "2"]);
    assert_eq!(ids("(age eq 40 or age eq 30) and fav eq true"), ["1"]);
    // not binds tighter than and.
    assert_eq!(ids("not fav eq true and age eq 30"), ["4"]);
    assert_eq!(ids("not (fav eq true and age eq 30)"), ["2", "3", "4"]);
    assert_eq!(ids("not not fav"), ["1", "3"]);
    assert_eq!(ids("((((age eq 40))))"), ["2"]);
    assert_eq!(
        ids("age eq 30 and (displayName eq 'Dave' or fav) and not (id eq '1')"),
        ["4"]
    );
    assert_eq!(ids("fav or age eq 40 or id eq '4'"), ["1", "2", "3", "4"]);
    assert_eq!(ids("fav and fav and age eq 30"), ["1"]);
}

#[test]
fn string_functions_are_case_insensitive() {
    assert_eq!(ids("startswith(displayName, 'ann')"), ["1"]);
    assert_eq!(ids("startswith(displayName,'CAR')"), ["3"]);
    assert_eq!(ids("endswith(displayName, 'BRIEN')"), ["2"]);
    assert_eq!(ids("contains(displayName, 'a')"), ["1", "3", "4"]);
    assert_eq!(ids("contains(name/familyName, 'e')"), ["1", "2"]);
    assert_eq!(
        ids("contains(displayName, 'zz') eq false"),
        ["1", "2", "3", "4"]
    );
    assert_eq!(ids("not contains(displayName, 'o')"), ["1", "4"]);
    assert_eq!(ids("contains('Hello Ann', name/givenName)"), ["1"]);
}

#[test]
fn in_operator() {
    assert_eq!(ids("displayName in ('Dave', 'carol')"), ["3", "4"]);
    assert_eq!(ids("age in (40, 1, null)"), ["2", "3"]);
    assert_eq!(ids("id in ('1')"), ["1"]);
    assert_eq!(
        ids("updated in ('2026-01-02T03:04:05Z', 2026-06-01T00:00:00Z)"),
        ["1", "2", "4"]
    );
    assert_eq!(ids("not (age in (30))"), ["2", "3"]);
    assert_eq!(err("age in ('x')").0, 8);
    assert_eq!(err("age in (1,").0, 10);
    assert_eq!(err("age in (1 2)").0, 10);
    assert_eq!(err("age in ()").0, 8);
    assert_eq!(err("age in 1").0, 7);
}

#[test]
fn lambdas() {
    assert_eq!(ids("emails/any(e: e/value eq 'ann@home.net')"), ["1"]);
    assert_eq!(
        ids("emails/any(e: endswith(e/value, 'example.com'))"),
        ["1", "2"]
    );
    assert_eq!(
        ids("emails/any(e: e/type eq 'work' and e/primary)"),
        ["1", "2"]
    );
    assert_eq!(ids("emails/all(e: e/type eq 'home')"), ["3", "4"]);
    assert_eq!(ids("emails/all(e: e/primary eq true)"), ["2", "3"]);
    assert_eq!(ids("emails/any()"), ["1", "2", "4"]);
    assert_eq!(ids("not emails/any()"), ["3"]);
    assert_eq!(ids("tags/any(t: t eq 'family')"), ["2"]);
    assert_eq!(ids("tags/any(t: t in ('work', 'family'))"), ["1", "2"]);
    // missing collection: any is false, all is vacuously true.
    assert_eq!(ids("tags/all(t: t eq 'x')"), ["3", "4"]);
    // nested lambdas, and the outer variable inside the inner one.
    assert_eq!(
        ids("groups/any(g: g/name eq 'chess' and g/members/any(m: m eq '1'))"),
        ["1"]
    );
    assert_eq!(ids("groups/any(g: g/members/all(m: m eq '2'))"), ["2"]);
    assert_eq!(ids("groups/all(g: g/members/any())"), ["1", "3", "4"]);
    assert_eq!(ids("groups/any(g: g/members/any(m: m eq id))"), ["1", "2"]);
    assert_eq!(
        ids("groups/any(g: g/members/any(m: g/name eq 'go' or m eq '1'))"),
        ["1"]
    );
    // the same variable name in sibling scopes, and shadowing a property name.
    assert_eq!(
        ids("emails/any(x: x/primary) and tags/any(x: x eq 'work')"),
        ["1"]
    );
    assert_eq!(ids("tags/any(age: age eq 'friend')"), ["1"]);
    assert_eq!(ids("emails/any(e: (e/type eq 'home'))"), ["1", "4"]);
}

#[test]
fn quoting_round_trips_and_cannot_inject() {
    assert_eq!(quote("O'Brien"), "'O''Brien'");
    assert_eq!(
        ids(&format!("name/familyName eq {}", quote("O'Brien"))),
        ["2"]
    );
    assert_eq!(ids("displayName eq 'Bob O''Brien'"), ["2"]);
    let hostile = "x' or true or 'a";
    let f = format!("displayName eq {}", quote(hostile));
    assert_eq!(ids(&f), Vec::<String>::new());
    let item = json!({"id": "9", "displayName": hostile});
    assert!(parse(&f, &schema()).unwrap().matches(&item));
    assert_eq!(
        ids(&format!("contains(displayName, {})", quote("'"))),
        ["2"]
    );
    assert_eq!(quote(""), "''");
    assert_eq!(ids("displayName eq ''''"), Vec::<String>::new());
}

#[test]
fn datetimes_and_dates() {
    // 05:04:05+02:00 is 03:04:05Z: the same instant as item 1.
    assert_eq!(ids("updated eq 2026-01-02T03:04:05Z"), ["1", "2"]);
    assert_eq!(ids("updated eq '2026-01-02T04:04:05+01:00'"), ["1", "2"]);
    assert_eq!(ids("updated gt 2026-01-01T00:00:00Z"), ["1", "2", "4"]);
    assert_eq!(ids("updated lt 2026-01-01T00:00:00.000+00:00"), ["3"]);
    assert_eq!(ids("updated ge 2026-01-02"), ["1", "2", "4"]);
    assert_eq!(ids("updated le 2025-12-31T23:59:59.999Z"), ["3"]);
    assert_eq!(
        ids("updated lt 2025-12-31T23:59:59.998Z"),
        Vec::<String>::new()
    );
    assert_eq!(ids("2026-03-01T00:00:00Z lt updated"), ["4"]);
    assert_eq!(ids("birthday lt 1990-01-01"), ["2"]);
    assert_eq!(ids("birthday eq '1990-05-01'"), ["1"]);
    assert_eq!(ids("birthday eq null"), ["3", "4"]);
    let (pos, msg) = err("updated gt 'yesterday'");
    assert_eq!(pos, 11);
    assert!(msg.contains("datetime"), "{msg}");
    assert_eq!(err("displayName eq 2026-01-02T03:04:05Z").0, 15);
    assert_eq!(err("birthday eq 2026-01-02T03:04:05Z").0, 12);
    assert_eq!(err("updated eq 2026-01-02T03:04Z").0, 11);
}

#[test]
fn null_semantics() {
    assert_eq!(ids("age eq null"), ["3"]);
    assert_eq!(ids("age ne null"), ["1", "2", "4"]);
    assert_eq!(ids("fav eq null"), ["4"]);
    assert_eq!(ids("null eq name/familyName"), ["3", "4"]);
    assert_eq!(ids("name eq null"), ["4"]);
    assert_eq!(ids("emails ne null"), ["1", "2", "3", "4"]);
    assert_eq!(ids("age gt null"), Vec::<String>::new());
    assert_eq!(ids("age le null"), Vec::<String>::new());
    assert_eq!(ids("age lt 100"), ["1", "2", "4"]);
    assert_eq!(ids("not (age lt 100)"), ["3"]);
    assert_eq!(ids("startswith(name/familyName, 'L')"), ["1"]);
    assert_eq!(ids("null eq null"), ["1", "2", "3", "4"]);
}

#[test]
fn ill_typed_values_never_match_comparisons() {
    let f = parse("age gt 1", &schema()).unwrap();
    assert!(!f.matches(&json!({"id": "x", "age": "50"})));
    let f = parse("age eq null", &schema()).unwrap();
    assert!(!f.matches(&json!({"id": "x", "age": "50"})));
    let f = parse("updated gt 2020-01-01T00:00:00Z", &schema()).unwrap();
    assert!(!f.matches(&json!({"id": "x", "updated": "garbage"})));
    let f = parse("emails/any(e: e/primary)", &schema()).unwrap();
    assert!(!f.matches(&json!({"id": "x", "emails": {"primary": true}})));
    assert!(!f.matches(&json!("not an object")));
}

#[test]
fn error_positions() {
    assert_eq!(
        err("displayName eq 'a' and foo eq 1"),
        (23, "unknown property 'foo' at position 23".to_string())
    );
    assert_eq!(err("name/nope eq 'a'").0, 5);
    assert_eq!(err("emails/any(e: e/nope eq 'a')").0, 16);
    assert_eq!(
        err("displayName eq 'abc"),
        (15, "unterminated string literal at position 15".to_string())
    );
    assert_eq!(
        err("(age eq 1 and fav"),
        (17, "expected ')' at position 17".to_string())
    );
    assert_eq!(err("startswith(displayName, 'a'").0, 27);
    assert_eq!(err("startswith(displayName 'a')").0, 23);
    assert_eq!(err("emails/any(e: e/primary").0, 23);
    assert_eq!(
        err("age eq 1 xyz"),
        (9, "unexpected 'xyz' at position 9".to_string())
    );
    assert_eq!(err("age eq 1)").0, 8);
    assert_eq!(err("age eq 1 and").0, 12);
    // wrong literal types
    let (pos, msg) = err("displayName eq 5");
    assert_eq!(pos, 15);
    assert!(msg.contains("string") && msg.contains("number"), "{msg}");
    assert_eq!(err("fav eq 'true'").0, 7);
    assert_eq!(err("age gt '3'").0, 7);
    assert_eq!(err("5 eq displayName").0, 0);
    assert_eq!(err("age eq displayName").0, 7);
    assert_eq!(err("contains(age, 'x')").0, 9);
    assert_eq!(err("name eq 'x'").0, 0);
    assert_eq!(err("emails eq 'x'").0, 0);
    // bad lambdas
    let (pos, msg) = err("displayName/any(d: d eq 'x')");
    assert_eq!(pos, 0);
    assert!(msg.contains("not a collection"), "{msg}");
    assert_eq!(err("name/givenName/any(d: d eq 'x')").0, 5);
    assert_eq!(err("emails/any(e e/value eq 'x')").0, 13);
    assert_eq!(err("emails/any(: e/value eq 'x')").0, 11);
    assert_eq!(err("emails/all()").0, 11);
    assert_eq!(err("emails/any(e: e eq 'x')").0, 14);
    assert_eq!(err("emails/value eq 'x'").0, 7);
    assert_eq!(
        err("emails/any(e: e/value eq 'x') and e/value eq 'y'").0,
        34
    );
    assert_eq!(err("tags/any(t: t/x eq 'y')").0, 14);
    assert_eq!(err("emails/any(and: true)").0, 11);
    // other syntax
    assert_eq!(err("").0, 0);
    assert_eq!(err("   ").0, 0);
    assert_eq!(err("age").0, 0);
    assert_eq!(err("age 30").0, 4);
    assert_eq!(err("age eq").0, 6);
    assert_eq!(err("age eq eq").0, 7);
    assert_eq!(err("tolower(displayName) eq 'a'").0, 0);
    assert_eq!(err("age eq 1 & fav").0, 9);
    assert_eq!(err("age/x eq 1").0, 4);
    assert_eq!(err("age eq 1 and ()").0, 14);
}

#[test]
fn positions_count_characters_not_bytes() {
    assert_eq!(err("displayName eq 'ééé' and nope eq 1").0, 25);
}

#[test]
fn depth_and_length_limits() {
    let ok = format!(
        "{}fav{}",
        "(".repeat(MAX_DEPTH - 1),
        ")".repeat(MAX_DEPTH - 1)
    );
    assert_eq!(ids(&ok), ["1", "3"]);
    let deep = format!(
        "{}fav{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let (pos, msg) = err(&deep);
    assert!(msg.contains("nested too deeply"), "{msg}");
    assert_eq!(pos, MAX_DEPTH);
    assert!(parse(&"not ".repeat(400), &schema()).is_err());
    assert!(parse(&format!("{}fav", "not ".repeat(MAX_DEPTH + 5)), &schema()).is_err());
    let nested_fn = format!("{}'a'{}", "contains(".repeat(300), ",'b')".repeat(300));
    assert!(parse(&nested_fn[..MAX_FILTER_LEN.min(nested_fn.len())], &schema()).is_err());
    let nested_lambda = format!("{}fav{}", "emails/any(e: ".repeat(60), ")".repeat(60));
    assert!(parse(&nested_lambda, &schema()).is_err());
    // Length: a long flat chain within the limit is fine; one char over is not.
    let mut chain = "fav".to_string();
    while chain.len() + 8 <= MAX_FILTER_LEN {
        chain.push_str(" and fav");
    }
    assert_eq!(ids(&chain), ["1", "3"]);
    let long = format!("displayName eq '{}'", "x".repeat(MAX_FILTER_LEN));
    let (pos, msg) = err(&long);
    assert_eq!(pos, MAX_FILTER_LEN);
    assert!(msg.contains("longer"), "{msg}");
}

#[test]
fn text_is_kept() {
    let f = parse("age eq 1", &schema()).unwrap();
    assert_eq!(f.text(), "age eq 1");
}

/// Random token soup never panics and errors always carry a position inside the input.
#[test]
fn random_input_never_panics() {
    let parts = [
        "age",
        "eq",
        "'x'",
        "'",
        "(",
        ")",
        "and",
        "or",
        "not",
        "emails",
        "/",
        "any",
        "all",
        "e",
        ":",
        ",",
        "in",
        "contains",
        "1",
        "-2.5",
        "2026-01-02",
        "2026-01-02T03:04:05Z",
        "null",
        "true",
        "tags",
        "t",
        "name",
        "givenName",
        " ",
        "#",
        "é",
        "gt",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut parsed = 0;
    for _ in 0..5000 {
        let n = (next() % 14) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(parts[(next() % parts.len() as u64) as usize]);
            if next() % 2 == 0 {
                s.push(' ');
            }
        }
        match parse(&s, &schema()) {
            Ok(f) => {
                parsed += 1;
                for item in items() {
                    f.matches(&item);
                }
            }
            Err(e) => {
                let p = e.position.unwrap();
                assert!(p <= s.chars().count(), "{s:?}: {e}");
                assert!(e.message.ends_with(&format!("at position {p}")));
            }
        }
    }
    assert!(parsed > 0);
}
