//! OData queries on `/v1/me/contacts` against a data set each test builds itself, keyset
//! paging with signed skip tokens, and the Portable Contacts query form.
mod common;
#[path = "support/rest.rs"]
mod rest;

use common::Env;
use reqwest::{Method, StatusCode};
use rest::{assert_error, create, enc, fresh, ids, names, sorted_names};
use serde_json::{Value, json};

const RW: &[&str] = &["contacts.read", "contacts.write"];

/// `path?k=v&...` with the values percent-encoded.
fn q(path: &str, params: &[(&str, &str)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

fn person(display: &str, given: &str, family: &str, extra: Value) -> Value {
    let mut p = json!({
        "displayName": display,
        "name": { "givenName": given, "familyName": family },
    });
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

/// A server with user 0 holding exactly seven contacts; the first three are published
/// before the returned instant, the other four after it.
async fn people() -> (Env, String, String) {
    let env = Env::start();
    fresh(&env, 0).await;
    let app = env.app(false).await;
    let token = rest::token_for(&env, 0, &app.id, RW, Some(7 * 24 * 3600)).await;
    for p in [
        person(
            "Ada Lovelace",
            "Ada",
            "Lovelace",
            json!({ "nickname": "Countess", "birthday": "1815-12-10", "tags": ["math", "vip"],
                    "emails": [{ "value": "ada@analytical.example", "type": "work" }] }),
        ),
        person(
            "Ada Byron",
            "Ada",
            "Byron",
            json!({ "tags": ["poetry"], "emails": [{ "value": "byron@poets.example", "type": "home" }] }),
        ),
        person(
            "Alan Turing",
            "Alan",
            "Turing",
            json!({ "birthday": "1912-06-23", "tags": ["math"],
                    "emails": [{ "value": "alan@bletchley.example", "type": "home" }],
                    "organizations": [{ "name": "Bletchley Park" }] }),
        ),
    ] {
        create(&env, &token, p).await;
    }
    env.advance(1800).await;
    let r = env.control(Method::GET, "/_mock/clock", None).await;
    let split = r.body["now"].as_str().expect("now").to_string();
    env.advance(1800).await;
    for p in [
        person(
            "Grace Hopper",
            "Grace",
            "Hopper",
            json!({ "nickname": "Amazing Grace", "birthday": "1906-12-09", "tags": ["navy"],
                    "emails": [{ "value": "grace@navy.example", "type": "work" },
                               { "value": "grace.h@example.com", "type": "home" }] }),
        ),
        person(
            "Miles O'Brien",
            "Miles",
            "O'Brien",
            json!({ "emails": [{ "value": "miles@ds9.example" }] }),
        ),
        person(
            "linus torvalds",
            "linus",
            "torvalds",
            json!({ "birthday": "1969-12-28", "tags": ["kernel"],
                    "emails": [{ "value": "linus@kernel.example" }] }),
        ),
        person(
            "Zoë Müller",
            "Zoë",
            "Müller",
            json!({ "emails": [{ "value": "zoe@example.com" }] }),
        ),
    ] {
        create(&env, &token, p).await;
    }
    (env, token, split)
}

async fn filtered(env: &Env, token: &str, filter: &str) -> Vec<String> {
    let items = env
        .collect(&q("/v1/me/contacts", &[("$filter", filter)]), token)
        .await;
    sorted_names(&items)
}

fn set(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const EVERYONE: &[&str] = &[
    "Ada Lovelace",
    "Ada Byron",
    "Alan Turing",
    "Grace Hopper",
    "Miles O'Brien",
    "linus torvalds",
    "Zoë Müller",
];

#[tokio::test]
async fn filter_operators_functions_and_literals() {
    let (env, token, split) = people().await;
    let all = filtered(&env, &token, "isFriend eq false").await;
    assert_eq!(all, set(EVERYONE));
    let before_split = format!("published lt {split}");
    let after_split = format!("published gt {split}");
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("displayName eq 'Ada Lovelace'", vec!["Ada Lovelace"]),
        ("displayName eq 'ada lovelace'", vec![]),
        (
            "displayName ne 'Ada Lovelace'",
            vec![
                "Ada Byron",
                "Alan Turing",
                "Grace Hopper",
                "Miles O'Brien",
                "linus torvalds",
                "Zoë Müller",
            ],
        ),
        ("name/givenName eq 'Ada'", vec!["Ada Lovelace", "Ada Byron"]),
        (
            "birthday gt 1900-01-01",
            vec!["Alan Turing", "Grace Hopper", "linus torvalds"],
        ),
        ("birthday lt 1900-01-01", vec!["Ada Lovelace"]),
        (
            "birthday ge 1912-06-23",
            vec!["Alan Turing", "linus torvalds"],
        ),
        (
            "birthday le 1906-12-09",
            vec!["Ada Lovelace", "Grace Hopper"],
        ),
        (
            "birthday gt 1900-01-01 and birthday lt 1950-01-01",
            vec!["Alan Turing", "Grace Hopper"],
        ),
        (
            "birthday lt 1900-01-01 or birthday gt 1950-01-01",
            vec!["Ada Lovelace", "linus torvalds"],
        ),
        (
            "birthday eq null",
            vec!["Ada Byron", "Miles O'Brien", "Zoë Müller"],
        ),
        ("nickname ne null", vec!["Ada Lovelace", "Grace Hopper"]),
        (
            "nickname eq null",
            vec![
                "Ada Byron",
                "Alan Turing",
                "Miles O'Brien",
                "linus torvalds",
                "Zoë Müller",
            ],
        ),
        (
            "startswith(displayName,'a')",
            vec!["Ada Lovelace", "Ada Byron", "Alan Turing"],
        ),
        ("startswith(displayName, 'LINUS')", vec!["linus torvalds"]),
        ("endswith(displayName,'HOPPER')", vec!["Grace Hopper"]),
        ("contains(displayName,'LOVE')", vec!["Ada Lovelace"]),
        ("contains(displayName,'MÜLLER')", vec!["Zoë Müller"]),
        ("contains(nickname,'grace')", vec!["Grace Hopper"]),
        ("displayName eq 'Miles O''Brien'", vec!["Miles O'Brien"]),
        ("contains(name/familyName,'''')", vec!["Miles O'Brien"]),
        (
            "displayName in ('Alan Turing', 'Grace Hopper', 'Nobody')",
            vec!["Alan Turing", "Grace Hopper"],
        ),
        (
            "emails/any(e: e/value eq 'grace.h@example.com')",
            vec!["Grace Hopper"],
        ),
        (
            "emails/any(e: e/type eq 'work')",
            vec!["Ada Lovelace", "Grace Hopper"],
        ),
        (
            "emails/any(e: endswith(e/value, '.example') and startswith(e/value, 'a'))",
            vec!["Ada Lovelace", "Alan Turing"],
        ),
        (
            "(startswith(displayName,'A') or endswith(displayName,'Hopper')) and not (birthday lt 1900-01-01)",
            vec!["Ada Byron", "Alan Turing", "Grace Hopper"],
        ),
        (
            "startswith(displayName,'A') and not startswith(displayName,'Ada')",
            vec!["Alan Turing"],
        ),
        (
            "not (startswith(displayName,'A') or contains(displayName,'L'))",
            vec!["Grace Hopper"],
        ),
        ("isFriend eq true", vec![]),
        (
            before_split.as_str(),
            vec!["Ada Lovelace", "Ada Byron", "Alan Turing"],
        ),
        (
            after_split.as_str(),
            vec![
                "Grace Hopper",
                "Miles O'Brien",
                "linus torvalds",
                "Zoë Müller",
            ],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            filtered(&env, &token, filter).await,
            set(&expected),
            "$filter={filter}"
        );
    }
}

#[tokio::test]
async fn orderby_with_several_keys_and_directions() {
    let (env, token, _) = people().await;
    let ordered = |order: &'static str, top: &'static str| {
        let env = &env;
        let token = &token;
        async move {
            names(
                &env.collect(
                    &q("/v1/me/contacts", &[("$orderby", order), ("$top", top)]),
                    token,
                )
                .await,
            )
        }
    };
    let asc = [
        "Ada Byron",
        "Ada Lovelace",
        "Alan Turing",
        "Grace Hopper",
        "linus torvalds",
        "Miles O'Brien",
        "Zoë Müller",
    ];
    assert_eq!(ordered("displayName", "100").await, asc);
    assert_eq!(ordered("displayName asc", "3").await, asc);
    let mut desc = asc;
    desc.reverse();
    assert_eq!(ordered("displayName desc", "100").await, desc);
    assert_eq!(ordered("displayName desc", "2").await, desc);
    let given_then_family_desc = [
        "Ada Lovelace",
        "Ada Byron",
        "Alan Turing",
        "Grace Hopper",
        "linus torvalds",
        "Miles O'Brien",
        "Zoë Müller",
    ];
    assert_eq!(
        ordered("name/givenName asc, name/familyName desc", "100").await,
        given_then_family_desc
    );
    assert_eq!(
        ordered("name/givenName,name/familyName desc", "1").await,
        given_then_family_desc
    );
    // Missing values sort first ascending, so last descending.
    assert_eq!(
        ordered("birthday desc, displayName asc", "100").await,
        [
            "linus torvalds",
            "Alan Turing",
            "Grace Hopper",
            "Ada Lovelace",
            "Ada Byron",
            "Miles O'Brien",
            "Zoë Müller",
        ]
    );
    assert_eq!(
        ordered("birthday asc, displayName desc", "4").await,
        [
            "Zoë Müller",
            "Miles O'Brien",
            "Ada Byron",
            "Ada Lovelace",
            "Grace Hopper",
            "Alan Turing",
            "linus torvalds",
        ]
    );
    let r = env
        .get(
            &q("/v1/me/contacts", &[("$orderby", "shoeSize desc")]),
            &token,
        )
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "invalidQuery",
        Some("$orderby"),
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("position"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn select_top_skip_count_and_search() {
    let (env, token, _) = people().await;
    // $select: the selected fields, the id and the ETag annotation only.
    let r = env
        .get(
            &q(
                "/v1/me/contacts",
                &[("$select", "displayName,emails"), ("$top", "100")],
            ),
            &token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let items = r.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    for item in items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            ["@odata.etag", "displayName", "emails", "id"],
            "{item}"
        );
        assert!(item["emails"].as_array().is_some_and(|e| !e.is_empty()));
    }
    let r = env
        .get(
            &q("/v1/me/contacts", &[("$select", "name/givenName")]),
            &token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for item in r.body["value"].as_array().unwrap() {
        let name = item["name"].as_object().unwrap();
        assert_eq!(name.keys().collect::<Vec<_>>(), ["givenName"], "{item}");
        assert!(item.get("displayName").is_none());
    }
    let r = env
        .get(
            &q("/v1/me/contacts", &[("$select", "displayName,shoeSize")]),
            &token,
        )
        .await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidQuery", Some("$select"));

    // $top and $skip.
    let page = |params: Vec<(&'static str, &'static str)>| {
        let env = &env;
        let token = &token;
        async move {
            let r = env.get(&q("/v1/me/contacts", &params), token).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r
        }
    };
    let r = page(vec![("$orderby", "displayName"), ("$top", "2")]).await;
    assert_eq!(
        names(r.body["value"].as_array().unwrap()),
        ["Ada Byron", "Ada Lovelace"]
    );
    assert!(r.body["@odata.nextLink"].is_string());
    let r = page(vec![("$orderby", "displayName"), ("$skip", "5")]).await;
    assert_eq!(
        names(r.body["value"].as_array().unwrap()),
        ["Miles O'Brien", "Zoë Müller"]
    );
    assert!(r.body.get("@odata.nextLink").is_none());
    let r = page(vec![
        ("$orderby", "displayName"),
        ("$skip", "2"),
        ("$top", "2"),
    ])
    .await;
    assert_eq!(
        names(r.body["value"].as_array().unwrap()),
        ["Alan Turing", "Grace Hopper"]
    );
    let r = page(vec![("$skip", "7")]).await;
    assert!(r.body["value"].as_array().unwrap().is_empty());

    // $count counts every match, whatever the page size.
    let r = page(vec![
        ("$filter", "startswith(displayName,'a')"),
        ("$top", "1"),
        ("$count", "true"),
    ])
    .await;
    assert_eq!(r.body["@odata.count"], 3);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = page(vec![("$count", "true")]).await;
    assert_eq!(r.body["@odata.count"], 7);
    let r = page(vec![]).await;
    assert!(r.body.get("@odata.count").is_none());

    // $search: every term, case-insensitive, over the string fields.
    let search = |s: &'static str| {
        let env = &env;
        let token = &token;
        async move {
            sorted_names(
                &env.collect(&q("/v1/me/contacts", &[("$search", s)]), token)
                    .await,
            )
        }
    };
    assert_eq!(search("HOPPER").await, set(&["Grace Hopper"]));
    assert_eq!(search("ada").await, set(&["Ada Lovelace", "Ada Byron"]));
    assert_eq!(search("ada lovelace").await, set(&["Ada Lovelace"]));
    assert_eq!(search("\"amazing grace\"").await, set(&["Grace Hopper"]));
    assert_eq!(search("countess").await, set(&["Ada Lovelace"]));
    assert_eq!(search("bletchley").await, set(&["Alan Turing"]));
    assert!(search("nobody-has-this").await.is_empty());
}

#[tokio::test]
async fn top_defaults_to_100_and_is_at_most_1000() {
    let env = Env::start();
    fresh(&env, 150).await;
    let token = env.token(0, RW).await;
    let r = env.get("/v1/me/contacts", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["value"].as_array().unwrap().len(), 100);
    let next = r.body["@odata.nextLink"].as_str().expect("nextLink");
    let rest = env.get(next, &token).await;
    assert_eq!(rest.body["value"].as_array().unwrap().len(), 50);
    assert!(rest.body.get("@odata.nextLink").is_none());

    let r = env.get("/v1/me/contacts?$top=1000", &token).await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 150);
    assert!(r.body.get("@odata.nextLink").is_none());

    for bad in ["1001", "-1", "ten"] {
        let r = env
            .get(&format!("/v1/me/contacts?$top={bad}"), &token)
            .await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalidQuery", Some("$top"));
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("$top")
        );
    }
    let r = env.get("/v1/me/contacts?$skip=x", &token).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidQuery", Some("$skip"));
    let r = env.get("/v1/me/contacts?$count=maybe", &token).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidQuery", Some("$count"));
    let r = env.get("/v1/me/contacts?$expand=friends", &token).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_position() {
    let (env, token, _) = people().await;
    for (filter, position) in [
        ("nope eq 1", Some(0)),
        ("displayName eq 'x' and nope eq 1", Some(23)),
        ("name/nope eq 'x'", Some(5)),
        ("displayName eq", None),
        ("displayName eq 'unterminated", None),
        ("(displayName eq 'x'", None),
        ("displayName eq 'x' xor true", None),
        ("startswith(displayName)", None),
        ("emails/any(e: e/nope eq 'x')", None),
    ] {
        let r = env
            .get(&q("/v1/me/contacts", &[("$filter", filter)]), &token)
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "invalidFilter",
            Some("$filter"),
        );
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("position"), "{filter}: {message}");
        if let Some(p) = position {
            assert!(
                message.contains(&format!("position {p}")),
                "{filter}: {message}"
            );
        }
    }
    // Type mismatches are refused too.
    for filter in [
        "birthday gt 'soon'",
        "isFriend eq 'yes'",
        "displayName gt 3",
    ] {
        let r = env
            .get(&q("/v1/me/contacts", &[("$filter", filter)]), &token)
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "invalidFilter",
            Some("$filter"),
        );
    }
}

fn skiptoken_of(link: &str) -> String {
    common::query_value(link, "$skiptoken").expect("$skiptoken")
}

#[tokio::test]
async fn skiptokens_are_tamper_proof_and_bound_to_the_query_and_user() {
    let env = Env::start();
    fresh(&env, 20).await;
    let a = env.token(0, RW).await;
    let b = env.token(1, RW).await;
    let link = env
        .get("/v1/me/contacts?$top=5&$orderby=displayName", &a)
        .await
        .body["@odata.nextLink"]
        .as_str()
        .expect("nextLink")
        .to_string();
    let token = skiptoken_of(&link);
    // The link itself works.
    assert_eq!(env.get(&link, &a).await.status, StatusCode::OK);

    // One character changed anywhere.
    for at in [0, token.len() / 2, token.len() - 1] {
        let mut bytes = token.clone().into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let r = env
            .get(
                &q(
                    "/v1/me/contacts",
                    &[
                        ("$top", "5"),
                        ("$orderby", "displayName"),
                        ("$skiptoken", &tampered),
                    ],
                ),
                &a,
            )
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "invalidSkipToken",
            Some("$skiptoken"),
        );
    }
    // Garbage.
    let r = env.get("/v1/me/contacts?$skiptoken=garbage", &a).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidSkipToken", None);
    // Another query's token.
    for params in [
        vec![("$top", "5"), ("$orderby", "displayName desc")],
        vec![("$top", "6"), ("$orderby", "displayName")],
        vec![("$top", "5")],
        vec![
            ("$top", "5"),
            ("$orderby", "displayName"),
            ("$filter", "isFriend eq false"),
        ],
    ] {
        let mut p = params.clone();
        p.push(("$skiptoken", &token));
        let r = env.get(&q("/v1/me/contacts", &p), &a).await;
        assert_error(&r, StatusCode::BAD_REQUEST, "invalidSkipToken", None);
    }
    // Another user's token, same query.
    let r = env.get(&link, &b).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidSkipToken", None);
    // A token from before a reset.
    fresh(&env, 20).await;
    let a = env.token(0, RW).await;
    let r = env.get(&link, &a).await;
    assert_error(&r, StatusCode::BAD_REQUEST, "invalidSkipToken", None);
}

/// Pages through a query while other contacts are created and deleted between page
/// fetches: every contact present throughout is returned exactly once.
async fn page_while_changing(env: &Env, params: &[(&str, &str)]) {
    fresh(env, 0).await;
    let token = &env.token(0, RW).await;
    let mut stable = Vec::new();
    for i in 0..30 {
        let c = create(
            env,
            token,
            json!({ "displayName": format!("Person {i:02}") }),
        )
        .await;
        stable.push(c["id"].as_str().unwrap().to_string());
    }
    // Some that will be deleted while paging.
    let mut doomed = Vec::new();
    for i in 0..8 {
        let c = create(
            env,
            token,
            json!({ "displayName": format!("Doomed {i:02}") }),
        )
        .await;
        doomed.push(c["id"].as_str().unwrap().to_string());
    }
    let mut seen: Vec<String> = Vec::new();
    let mut next = Some(q("/v1/me/contacts", params));
    let mut round = 0;
    while let Some(link) = next {
        let r = env.get(&link, token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        seen.extend(ids(r.body["value"].as_array().unwrap()));
        next = r.body["@odata.nextLink"].as_str().map(str::to_string);
        // Between pages: new contacts at both ends of every order, and deletions.
        for name in [format!("AAA new {round}"), format!("zzz new {round}")] {
            create(env, token, json!({ "displayName": name })).await;
        }
        if let Some(id) = doomed.pop() {
            let r = env
                .send(
                    Method::DELETE,
                    &format!("/v1/me/contacts/{id}"),
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT);
        }
        round += 1;
        assert!(round < 50, "paging does not end");
    }
    assert!(round >= 4, "several pages were fetched ({round})");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        seen.len(),
        "an item was returned twice: {params:?}"
    );
    for id in &stable {
        assert!(seen.contains(id), "{id} was skipped: {params:?}");
    }
}

#[tokio::test]
async fn paging_while_the_collection_changes_in_id_order() {
    let env = Env::start();
    page_while_changing(&env, &[("$top", "7")]).await;
}

#[tokio::test]
async fn paging_while_the_collection_changes_sorted() {
    let env = Env::start();
    page_while_changing(&env, &[("$top", "7"), ("$orderby", "displayName desc")]).await;
    page_while_changing(
        &env,
        &[
            ("$top", "5"),
            ("$orderby", "displayName"),
            ("$filter", "not startswith(displayName,'D')"),
        ],
    )
    .await;
}

// Portable Contacts 1.0 query form.

async fn poco(env: &Env, token: &str, params: &[(&str, &str)]) -> Value {
    let r = env
        .get(&q("/portablecontacts/@me/@all", params), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{params:?}: {}", r.text);
    r.body
}

fn entry_names(body: &Value) -> Vec<String> {
    names(body["entry"].as_array().expect("entry"))
}

#[tokio::test]
async fn portable_contacts_query_form() {
    let (env, token, split) = people().await;
    let body = poco(&env, &token, &[]).await;
    assert_eq!(body["startIndex"], 1);
    assert_eq!(body["totalResults"], 7);
    assert_eq!(body["itemsPerPage"], 7);
    assert_eq!(body["entry"].as_array().unwrap().len(), 7);

    let by = |by: &'static str, op: &'static str, value: &'static str| {
        let env = &env;
        let token = &token;
        async move {
            let mut p = vec![("filterBy", by), ("filterOp", op)];
            if !value.is_empty() {
                p.push(("filterValue", value));
            }
            let body = poco(env, token, &p).await;
            assert_eq!(
                body["totalResults"].as_u64().unwrap() as usize,
                body["entry"].as_array().unwrap().len()
            );
            sorted_names(body["entry"].as_array().unwrap())
        }
    };
    assert_eq!(
        by("displayName", "equals", "Ada Lovelace").await,
        set(&["Ada Lovelace"])
    );
    assert_eq!(
        by("displayName", "equals", "Miles O'Brien").await,
        set(&["Miles O'Brien"])
    );
    assert_eq!(
        by("displayName", "contains", "ALAN").await,
        set(&["Alan Turing"])
    );
    assert_eq!(
        by("displayName", "startswith", "ada").await,
        set(&["Ada Lovelace", "Ada Byron"])
    );
    assert_eq!(
        by("nickname", "present", "").await,
        set(&["Ada Lovelace", "Grace Hopper"])
    );
    assert_eq!(
        by("name.familyName", "equals", "O'Brien").await,
        set(&["Miles O'Brien"])
    );
    assert_eq!(
        by("emails.value", "equals", "grace.h@example.com").await,
        set(&["Grace Hopper"])
    );
    assert_eq!(
        by("emails.value", "contains", "BLETCHLEY").await,
        set(&["Alan Turing"])
    );
    // filterOp defaults to equals.
    let body = poco(
        &env,
        &token,
        &[("filterBy", "displayName"), ("filterValue", "Alan Turing")],
    )
    .await;
    assert_eq!(entry_names(&body), ["Alan Turing"]);

    // sortBy / sortOrder, startIndex / count.
    let body = poco(
        &env,
        &token,
        &[("sortBy", "displayName"), ("sortOrder", "descending")],
    )
    .await;
    assert_eq!(
        entry_names(&body),
        [
            "Zoë Müller",
            "Miles O'Brien",
            "linus torvalds",
            "Grace Hopper",
            "Alan Turing",
            "Ada Lovelace",
            "Ada Byron",
        ]
    );
    let body = poco(
        &env,
        &token,
        &[
            ("sortBy", "name.givenName"),
            ("startIndex", "3"),
            ("count", "2"),
        ],
    )
    .await;
    assert_eq!(body["startIndex"], 3);
    assert_eq!(body["itemsPerPage"], 2);
    assert_eq!(body["totalResults"], 7);
    assert_eq!(entry_names(&body), ["Alan Turing", "Grace Hopper"]);

    // updatedSince.
    let body = poco(
        &env,
        &token,
        &[("updatedSince", &split), ("sortBy", "displayName")],
    )
    .await;
    assert_eq!(
        entry_names(&body),
        [
            "Grace Hopper",
            "linus torvalds",
            "Miles O'Brien",
            "Zoë Müller"
        ]
    );
    assert_eq!(body["totalResults"], 4);

    // fields.
    let body = poco(&env, &token, &[("fields", "displayName,name.givenName")]).await;
    for e in body["entry"].as_array().unwrap() {
        let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["@odata.etag", "displayName", "id", "name"], "{e}");
        assert_eq!(e["name"].as_object().unwrap().len(), 1, "{e}");
    }

    // Errors name the PoCo parameter.
    for (params, target) in [
        (
            vec![("filterBy", "shoeSize"), ("filterValue", "9")],
            "filterBy",
        ),
        (
            vec![
                ("filterBy", "displayName"),
                ("filterOp", "near"),
                ("filterValue", "x"),
            ],
            "filterOp",
        ),
        (
            vec![("filterBy", "displayName"), ("filterOp", "equals")],
            "filterValue",
        ),
        (
            vec![("sortBy", "displayName"), ("sortOrder", "sideways")],
            "sortOrder",
        ),
        (vec![("sortBy", "shoeSize")], "sortBy"),
        (vec![("startIndex", "0")], "startIndex"),
        (vec![("count", "1001")], "count"),
        (vec![("updatedSince", "yesterday")], "updatedSince"),
        (vec![("fields", "shoeSize")], "fields"),
    ] {
        let r = env
            .get(&q("/portablecontacts/@me/@all", &params), &token)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{params:?}: {}", r.text);
        assert_eq!(r.body["error"]["target"], target, "{params:?}: {}", r.text);
    }
}

#[tokio::test]
async fn portable_contacts_single_entry() {
    let (env, token, _) = people().await;
    let items = env.collect("/v1/me/contacts", &token).await;
    let one = &items[0];
    let id = one["id"].as_str().unwrap();
    let body = poco(&env, &token, &[]).await;
    assert!(body["entry"].as_array().unwrap().contains(one));
    let r = env
        .get(&format!("/portablecontacts/@me/@all/{id}"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body,
        json!({ "startIndex": 1, "itemsPerPage": 1, "totalResults": 1, "entry": [one] })
    );
    let r = env
        .get("/portablecontacts/@me/@all/c0000000000000000", &token)
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
}
