//! The collection entry points bindings page with: every collection by name, first pages
//! typed and raw, pages at stored links, raw page streams, delta pages, and the binding
//! form of a page; URLs built by core only, bad options refused before any request.

mod common;

use std::collections::HashSet;

use common::Env;
use futures_util::TryStreamExt;
use messenger_connect::models::{Contact, NewContact};
use messenger_connect::{Collection, DeltaChange, Error, Filter, Query, RawPage};
use messenger_connect_mock::MockConfig;
use serde_json::Value;

fn ids(page: &RawPage) -> Vec<String> {
    let json: Value =
        serde_json::from_str(&page.to_json().expect("written")).expect("binding form is JSON");
    json["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn raw_pages_are_the_typed_pages_as_the_server_sent_them() {
    let env = Env::start();
    let (client, _) = env.client(0, common::CONTACT_SCOPES).await;
    let query = Query::new()
        .filter(Filter::startswith("displayName", ""))
        .top(7)
        .count(true);
    let typed = client.list_contacts(&query).await.expect("typed page");
    env.clear_journal().await;
    let raw = client
        .raw_page(&Collection::Contacts, &query)
        .await
        .expect("raw page");
    let sent = env.journal("/v1/me/contacts").await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].query["$top"], "7");
    let typed_ids: Vec<String> = typed.items.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids(&raw), typed_ids);
    assert_eq!(raw.count, Some(50));
    // The binding form: items, links and count under plain names, items untouched.
    let json: Value = serde_json::from_str(&raw.to_json().expect("written")).expect("JSON");
    assert_eq!(json["count"], 50);
    assert_eq!(json["deltaLink"], Value::Null);
    assert_eq!(json["nextLink"].as_str(), raw.next_link.as_deref());
    assert_eq!(
        json["items"][0]["@odata.etag"].as_str(),
        typed.items[0].etag.as_deref()
    );
    assert!(json.get("value").is_none() && json.get("@odata.count").is_none());

    // Resume at the stored link, raw or typed: the same next page.
    let link = raw.next_link.clone().expect("a next page");
    let next_raw = client.raw_page_at(&link).await.expect("raw next");
    let next_typed: messenger_connect::Page<Contact> =
        client.page_at(&link).await.expect("typed next");
    assert_eq!(
        ids(&next_raw),
        next_typed
            .items
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    );

    // The whole collection as a raw stream: every contact once.
    let pages: Vec<RawPage> = client
        .raw_pages(&Collection::Contacts, &Query::new().top(20))
        .expect("stream")
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 3);
    let all: HashSet<String> = pages.iter().flat_map(ids).collect();
    assert_eq!(all.len(), 50);
}

#[tokio::test]
async fn every_collection_has_a_first_page() {
    let env = Env::with(MockConfig {
        friends_per_user: 1,
        activities_per_user: 3,
        ..MockConfig::default()
    });
    let (client, _) = env.client(0, common::ALL_SCOPES).await;
    let friend = client
        .list_friends(&Query::new())
        .await
        .expect("friends")
        .items
        .remove(0);
    let conversation = client.conversation_with(&friend.id).await.expect("chat");
    client
        .send_text(&conversation.id, "hello")
        .await
        .expect("sent");
    client
        .invite_email("someone.new@example.org", None)
        .await
        .expect("invited");
    for name in Collection::NAMES {
        let parent = (*name == "messages").then_some(conversation.id.as_str());
        let collection = Collection::from_name(name, parent).expect(name);
        let page = client
            .raw_page(&collection, &Query::new().top(2))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!page.items.is_empty(), "{name} is empty");
        assert!(page.items.len() <= 2, "{name}");
    }
    // Typed, generically.
    let messages: messenger_connect::Page<messenger_connect::models::Message> = client
        .first_page(
            &Collection::Messages {
                conversation_id: conversation.id.clone(),
            },
            &Query::new(),
        )
        .await
        .expect("messages");
    assert_eq!(messages.items[0].text, "hello");
}

#[tokio::test]
async fn delta_pages_one_at_a_time() {
    let env = Env::start();
    let (client, _) = env.client(0, common::CONTACT_SCOPES).await;
    let mut page = client
        .contacts_delta_page(None, Some(20))
        .await
        .expect("first page");
    let mut seen = page.items.len();
    while let Some(next) = page.next_link.clone() {
        page = client.page_at(&next).await.expect("next page");
        seen += page.items.len();
    }
    assert_eq!(seen, 50);
    let delta_link = page
        .delta_link
        .clone()
        .expect("the last page has the delta link");
    let added = client
        .create_contact(&NewContact::new("Delta Page"))
        .await
        .expect("created");
    let changes = client
        .contacts_delta_page(Some(&delta_link), None)
        .await
        .expect("changes");
    assert!(matches!(&changes.items[..], [DeltaChange::Upsert(c)] if c.id == added.id));
    assert!(changes.delta_link.is_some());
}

#[tokio::test]
async fn bad_options_are_refused_before_any_request() {
    let env = Env::start();
    let (client, _) = env.client(0, common::CONTACT_SCOPES).await;
    env.clear_journal().await;
    let filtered = Query::new().filter(Filter::eq("displayName", "x"));
    let err = client
        .raw_page(&Collection::ContactsDelta, &filtered)
        .await
        .expect_err("delta takes only top");
    assert!(matches!(err, Error::InvalidArgument { ref name, .. } if name == "query"));
    assert!(client.contacts_delta_page(None, Some(0)).await.is_err());
    let huge = Query::new().filter(Filter::eq("displayName", "x".repeat(1 << 20)));
    let err = client
        .raw_page(&Collection::Contacts, &huge)
        .await
        .expect_err("too long");
    assert!(
        matches!(err, Error::InvalidArgument { ref name, .. } if name == "filter"),
        "{err}"
    );
    assert!(Collection::from_name("messages", Some("")).is_err());
    assert!(env.journal("/v1").await.is_empty(), "nothing was sent");
}
