//! Delta sync of contacts: first round, change rounds, changes during a round, expiry of
//! old tokens and tokens of other users.
mod common;
#[path = "support/rest.rs"]
mod rest;

use std::collections::BTreeMap;

use common::Env;
use reqwest::{Method, StatusCode};
use rest::{assert_error, call, create, fresh, ids};
use serde_json::{Value, json};

const RW: &[&str] = &["contacts.read", "contacts.write"];

/// One delta round from `link`: every item and the delta link it ends with.
async fn round(env: &Env, token: &str, link: &str) -> (Vec<Value>, String, usize) {
    let mut items = Vec::new();
    let mut next = link.to_string();
    let mut pages = 0;
    loop {
        let r = env.get(&next, token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        pages += 1;
        items.extend(r.body["value"].as_array().expect("value").iter().cloned());
        match (
            r.body["@odata.nextLink"].as_str(),
            r.body["@odata.deltaLink"].as_str(),
        ) {
            (Some(n), None) => next = n.to_string(),
            (None, Some(d)) => return (items, d.to_string(), pages),
            _ => panic!(
                "a page has exactly one of nextLink and deltaLink: {}",
                r.text
            ),
        }
        assert!(pages < 100, "the round does not end");
    }
}

fn by_id(items: &[Value]) -> BTreeMap<String, Value> {
    items
        .iter()
        .map(|v| (v["id"].as_str().expect("id").to_string(), v.clone()))
        .collect()
}

fn removed(id: &str) -> Value {
    json!({ "id": id, "@removed": { "reason": "deleted" } })
}

#[tokio::test]
async fn first_round_pages_every_contact_then_gives_a_delta_link() {
    let env = Env::start();
    fresh(&env, 25).await;
    let token = env.token(0, RW).await;
    let (items, delta, pages) = round(&env, &token, "/v1/me/contacts/delta?$top=10").await;
    assert_eq!(pages, 3);
    assert_eq!(items.len(), 25);
    let listed = env.collect("/v1/me/contacts?$top=1000", &token).await;
    assert_eq!(by_id(&items), by_id(&listed), "full objects, each once");
    assert!(delta.contains("$deltatoken="), "{delta}");

    // Nothing changed: an empty round and a fresh delta link.
    let (items, delta2, _) = round(&env, &token, &delta).await;
    assert!(items.is_empty(), "{items:?}");
    let (items, _, _) = round(&env, &token, &delta2).await;
    assert!(items.is_empty());

    // The default page size holds all 25 at once.
    let (items, _, pages) = round(&env, &token, "/v1/me/contacts/delta").await;
    assert_eq!((items.len(), pages), (25, 1));

    for bad in ["0", "1001", "x"] {
        let r = env
            .get(&format!("/v1/me/contacts/delta?$top={bad}"), &token)
            .await;
        assert_error(
            &r,
            StatusCode::BAD_REQUEST,
            "validationFailed",
            Some("$top"),
        );
    }
}

#[tokio::test]
async fn delta_link_returns_exactly_the_changes() {
    let env = Env::start();
    fresh(&env, 10).await;
    let token = env.token(0, RW).await;
    let (first, delta, _) = round(&env, &token, "/v1/me/contacts/delta").await;
    let seeded = ids(&first);

    let created = create(&env, &token, json!({ "displayName": "New Person" })).await;
    let updated_id = &seeded[3];
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{updated_id}"),
        Some(&token),
        Some(json!({ "nickname": "Changed" })),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let updated = r.body.clone();
    let deleted_id = &seeded[7];
    let r = env
        .send(
            Method::DELETE,
            &format!("/v1/me/contacts/{deleted_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Changed twice: returned once, as it is now.
    let twice = create(&env, &token, json!({ "displayName": "Twice" })).await;
    let twice_id = twice["id"].as_str().unwrap();
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{twice_id}"),
        Some(&token),
        Some(json!({ "displayName": "Twice Changed" })),
        &[],
    )
    .await;
    let twice_now = r.body.clone();

    let (changes, delta2, _) = round(&env, &token, &delta).await;
    assert_eq!(changes.len(), 4, "{changes:#?}");
    let got = by_id(&changes);
    let expected = by_id(&[created.clone(), updated, removed(deleted_id), twice_now]);
    assert_eq!(got, expected);
    // Full objects: what GET shows.
    let r = env
        .get(
            &format!("/v1/me/contacts/{}", created["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(got[created["id"].as_str().unwrap()], r.body);

    // The next link starts after these.
    let (changes, _, _) = round(&env, &token, &delta2).await;
    assert!(changes.is_empty(), "{changes:?}");
    // The old link still returns the same changes (it is a position, not a cursor).
    let (again, _, _) = round(&env, &token, &delta).await;
    assert_eq!(by_id(&again), expected);

    // Created then deleted within a round: reported as removed.
    let ghost = create(&env, &token, json!({ "displayName": "Ghost" })).await;
    let ghost_id = ghost["id"].as_str().unwrap();
    env.send(
        Method::DELETE,
        &format!("/v1/me/contacts/{ghost_id}"),
        Some(&token),
        None,
    )
    .await;
    let (changes, _, _) = round(&env, &token, &delta2).await;
    assert_eq!(changes, [removed(ghost_id)]);
}

#[tokio::test]
async fn change_rounds_are_paged_too() {
    let env = Env::start();
    fresh(&env, 3).await;
    let token = env.token(0, RW).await;
    let (_, delta, _) = round(&env, &token, "/v1/me/contacts/delta?$top=2").await;
    let mut made = Vec::new();
    for i in 0..5 {
        let c = create(&env, &token, json!({ "displayName": format!("N{i}") })).await;
        made.push(c);
    }
    let (changes, _, pages) = round(&env, &token, &format!("{delta}&$top=2")).await;
    assert_eq!(pages, 3, "pages of 2");
    assert_eq!(changes, made, "in change order, each once");
}

#[tokio::test]
async fn a_change_during_the_first_round_shows_up_in_the_next() {
    let env = Env::start();
    fresh(&env, 20).await;
    let token = env.token(0, RW).await;
    let r = env.get("/v1/me/contacts/delta?$top=5", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    let page1 = r.body["value"].as_array().unwrap().clone();
    let mut next = r.body["@odata.nextLink"]
        .as_str()
        .expect("nextLink")
        .to_string();

    // While the round runs: update an item already returned, create one, delete one
    // not returned yet.
    let seen_id = page1[0]["id"].as_str().unwrap().to_string();
    let r = call(
        &env,
        Method::PATCH,
        &format!("/v1/me/contacts/{seen_id}"),
        Some(&token),
        Some(json!({ "nickname": "During" })),
        &[],
    )
    .await;
    let updated = r.body.clone();
    let created = create(&env, &token, json!({ "displayName": "Mid Round" })).await;
    let all_ids = ids(&env.collect("/v1/me/contacts?$top=1000", &token).await);
    let late = all_ids
        .iter()
        .rev()
        .find(|id| **id != created["id"])
        .unwrap()
        .clone();
    env.send(
        Method::DELETE,
        &format!("/v1/me/contacts/{late}"),
        Some(&token),
        None,
    )
    .await;

    let mut rest = Vec::new();
    let delta = loop {
        let r = env.get(&next, &token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        rest.extend(r.body["value"].as_array().unwrap().iter().cloned());
        if let Some(d) = r.body["@odata.deltaLink"].as_str() {
            break d.to_string();
        }
        next = r.body["@odata.nextLink"].as_str().unwrap().to_string();
    };
    let first: Vec<String> = ids(&page1).into_iter().chain(ids(&rest)).collect();
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len(), "no repeats in a round");

    let (changes, _, _) = round(&env, &token, &delta).await;
    let got = by_id(&changes);
    assert_eq!(got.get(&seen_id), Some(&updated), "{changes:#?}");
    assert_eq!(
        got.get(created["id"].as_str().unwrap()),
        Some(&created),
        "{changes:#?}"
    );
    assert_eq!(got.get(&late), Some(&removed(&late)), "{changes:#?}");
    assert_eq!(got.len(), 3, "{changes:#?}");
}

#[tokio::test]
async fn an_old_delta_link_is_410_once_the_log_is_pruned() {
    let env = Env::start();
    fresh(&env, 5).await;
    let token_app = env.app(false).await;
    let long = rest::token_for(&env, 0, &token_app.id, RW, Some(30 * 24 * 3600)).await;
    let (_, old, _) = round(&env, &long, "/v1/me/contacts/delta").await;
    create(&env, &long, json!({ "displayName": "Day 0" })).await;
    let (changes, recent, _) = round(&env, &long, &old).await;
    assert_eq!(changes.len(), 1);

    // 6 days later: still within the 7-day log.
    env.advance(6 * 24 * 3600).await;
    let (changes, _, _) = round(&env, &long, &old).await;
    assert_eq!(changes.len(), 1);

    // 8 days after the change, and a new change prunes the log.
    env.advance(2 * 24 * 3600).await;
    let fresh_change = create(&env, &long, json!({ "displayName": "Day 8" })).await;
    let r = env.get(&old, &long).await;
    assert_error(&r, StatusCode::GONE, "resyncRequired", None);
    // A link taken after the pruned change still works.
    let (changes, _, _) = round(&env, &long, &recent).await;
    assert_eq!(changes, [fresh_change]);
    // Resync: a new first round works.
    let (items, _, _) = round(&env, &long, "/v1/me/contacts/delta").await;
    assert_eq!(items.len(), 7);
}

#[tokio::test]
async fn a_delta_link_from_before_a_reset_is_410() {
    let env = Env::start();
    let token = env.token(0, RW).await;
    let (_, delta, _) = round(&env, &token, "/v1/me/contacts/delta").await;
    fresh(&env, 5).await;
    let token = env.token(0, RW).await;
    let r = env.get(&delta, &token).await;
    assert_error(&r, StatusCode::GONE, "resyncRequired", None);
}

#[tokio::test]
async fn delta_tokens_of_another_user_or_tampered_are_400() {
    let env = Env::start();
    fresh(&env, 12).await;
    let a = env.token(0, RW).await;
    let b = env.token(1, RW).await;
    let (_, delta_a, _) = round(&env, &a, "/v1/me/contacts/delta").await;
    let r = env.get(&delta_a, &b).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "invalidDeltaToken",
        Some("$deltatoken"),
    );
    let r = env.get("/v1/me/contacts/delta?$top=5", &a).await;
    let next_a = r.body["@odata.nextLink"].as_str().unwrap().to_string();
    let r = env.get(&next_a, &b).await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "invalidDeltaToken",
        Some("$skiptoken"),
    );

    let token = common::query_value(&delta_a, "$deltatoken").unwrap();
    let mut bytes = token.into_bytes();
    bytes[3] = if bytes[3] == b'A' { b'B' } else { b'A' };
    let tampered: String = String::from_utf8(bytes).unwrap();
    let r = env
        .get(
            &format!("/v1/me/contacts/delta?$deltatoken={}", rest::enc(&tampered)),
            &a,
        )
        .await;
    assert_error(
        &r,
        StatusCode::BAD_REQUEST,
        "invalidDeltaToken",
        Some("$deltatoken"),
    );
    // B's own round is unaffected, and A's link still works for A.
    assert_eq!(round(&env, &b, "/v1/me/contacts/delta").await.0.len(), 12);
    assert!(round(&env, &a, &delta_a).await.0.is_empty());
}
