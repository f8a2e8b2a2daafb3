//! Delta sync: a first round, then upserts and removals since, and 410 → ResyncRequired.

mod common;

use std::collections::HashSet;

use common::{CONTACT_SCOPES, Env};
use futures_util::StreamExt;
use messenger_connect::models::{ContactUpdate, NewContact};
use messenger_connect::{DeltaChange, Error};

#[tokio::test]
async fn delta_rounds_yield_upserts_and_removals() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;

    // First round, as a stream with small pages.
    let mut stream = client.contacts_delta(None, Some(8)).expect("delta");
    let mut ids = HashSet::new();
    while let Some(change) = stream.next().await {
        match change.expect("change") {
            DeltaChange::Upsert(c) => assert!(ids.insert(c.id), "each contact once"),
            DeltaChange::Removed { id, .. } => panic!("nothing removed in a first round: {id}"),
        }
    }
    assert_eq!(ids.len(), 50);
    let link = stream.delta_link().expect("delta link").to_string();
    assert!(link.contains("$deltatoken"));

    let nothing = client
        .sync_contacts(Some(&link))
        .await
        .expect("empty round");
    assert!(nothing.upserts.is_empty() && nothing.removed.is_empty());

    let added = client
        .create_contact(&NewContact::new("Delta New"))
        .await
        .expect("create");
    let some = ids.iter().next().cloned().expect("an id");
    let changed = client
        .update_contact(
            &some,
            &ContactUpdate {
                note: Some(Some("changed".into())),
                ..ContactUpdate::default()
            },
            None,
        )
        .await
        .expect("update");
    let removed = ids.iter().nth(1).cloned().expect("another id");
    client.delete_contact(&removed, None).await.expect("delete");
    // Created then deleted within the round: reported once, as removed.
    let ephemeral = client
        .create_contact(&NewContact::new("Ephemeral"))
        .await
        .expect("create");
    client
        .delete_contact(&ephemeral.id, None)
        .await
        .expect("delete");

    let round = client
        .sync_contacts(Some(&nothing.delta_link))
        .await
        .expect("round");
    let upserted: HashSet<_> = round.upserts.iter().map(|c| c.id.clone()).collect();
    assert_eq!(
        upserted,
        HashSet::from([added.id.clone(), changed.id.clone()])
    );
    let note = round
        .upserts
        .iter()
        .find(|c| c.id == changed.id)
        .and_then(|c| c.note.clone());
    assert_eq!(note.as_deref(), Some("changed"));
    let removed_ids: HashSet<_> = round.removed.iter().cloned().collect();
    assert_eq!(removed_ids, HashSet::from([removed, ephemeral.id]));
    assert_ne!(round.delta_link, nothing.delta_link);

    let after = client
        .sync_contacts(Some(&round.delta_link))
        .await
        .expect("quiet round");
    assert!(after.upserts.is_empty() && after.removed.is_empty());
}

#[tokio::test]
async fn a_whole_round_with_a_page_size() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let first = client
        .sync_contacts_with(None, Some(7))
        .await
        .expect("first round, pages of 7");
    assert_eq!(first.upserts.len(), 50);
    let ids: HashSet<_> = first.upserts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), 50, "each contact once");
    // 50 contacts in pages of 7: 8 page requests, seen in the journal.
    let pages = env.journal("/v1/me/contacts/delta").await;
    assert_eq!(pages.len(), 8, "{pages:#?}");
    assert!(matches!(
        client.sync_contacts_with(None, Some(0)).await,
        Err(Error::InvalidArgument { .. })
    ));
}

#[tokio::test]
async fn an_old_delta_link_requires_a_resync() {
    let env = Env::start();
    let app = env.app(false).await;
    // An access token that outlives the clock jump below.
    let tokens = env
        .mint(0, &app, CONTACT_SCOPES, Some(30 * 24 * 3600))
        .await;
    let client = env.builder(&app).tokens(tokens).build().expect("client");
    let first = client.sync_contacts(None).await.expect("first round");
    assert_eq!(first.upserts.len(), 50);
    client
        .create_contact(&NewContact::new("Old Change"))
        .await
        .expect("create");
    env.advance(8 * 24 * 3600).await; // past the 7-day change log
    let err = client
        .sync_contacts(Some(&first.delta_link))
        .await
        .expect_err("too old");
    match &err {
        Error::ResyncRequired { request_id, .. } => assert!(request_id.is_some()),
        other => panic!("expected ResyncRequired, got {other:?}"),
    }
    assert_eq!(err.status(), Some(410));
    // Starting over works.
    assert_eq!(
        client
            .sync_contacts(None)
            .await
            .expect("resync")
            .upserts
            .len(),
        51
    );
}

#[tokio::test]
async fn delta_pages_of_a_first_round_end_with_the_delta_link() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    env.clear_journal().await;
    // The page size is checked before any request.
    assert!(matches!(
        client.contacts_delta_pages(None, Some(0)),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(env.journal("/v1/").await.is_empty());

    let mut pages = client.contacts_delta_pages(None, Some(20)).expect("pages");
    let (mut count, mut sizes, mut last_link) = (0, Vec::new(), None);
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        sizes.push(page.items.len());
        count += page.items.len();
        last_link = page.delta_link.clone();
    }
    assert_eq!(count, 50);
    assert_eq!(sizes, [20, 20, 10], "pages of the size asked for");
    let link = last_link.expect("the last page has the delta link");
    // The stored link starts the next round: nothing changed since.
    let mut next = client
        .contacts_delta_pages(Some(&link), None)
        .expect("pages");
    let page = next.next().await.expect("a page").expect("page");
    assert!(page.items.is_empty() && page.delta_link.is_some());
}
