//! Contacts: CRUD, ETags, OData queries and filters, paging with prefetch, Portable
//! Contacts, and arguments refused before any request.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{CONTACT_SCOPES, Env};
use futures_util::StreamExt;
use messenger_connect::models::{ContactEmail, ContactUpdate, NewContact};
use messenger_connect::{Error, Filter, Order, PocoFilterOp, PocoQuery, Query};

#[tokio::test]
async fn create_get_update_delete() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let mut new = NewContact::new("Seán O'Brien");
    new.emails
        .push(ContactEmail::new("sean@example.com", "work"));
    new.tags = vec!["vip".into()];
    let created = client.create_contact(&new).await.expect("create");
    assert_eq!(created.display_name, "Seán O'Brien");
    assert_eq!(created.emails[0].value, "sean@example.com");
    let etag = created.etag.clone().expect("etag");

    let got = client.get_contact(&created.id).await.expect("get");
    assert_eq!(got, created);

    let update = ContactUpdate {
        nickname: Some(Some("Shawn".into())),
        ..ContactUpdate::default()
    };
    let updated = client
        .update_contact(&created.id, &update, Some(&etag))
        .await
        .expect("update with the current etag");
    assert_eq!(updated.nickname.as_deref(), Some("Shawn"));
    assert_ne!(updated.etag.as_deref(), Some(etag.as_str()));

    let stale = client
        .update_contact(&created.id, &update, Some(&etag))
        .await
        .expect_err("stale etag");
    assert_eq!(stale.status(), Some(412));
    assert_eq!(stale.code(), Some("preconditionFailed"));

    let cleared = client
        .update_contact(
            &created.id,
            &ContactUpdate {
                nickname: Some(None),
                ..ContactUpdate::default()
            },
            None,
        )
        .await
        .expect("clear nickname");
    assert_eq!(cleared.nickname, None);

    let err = client
        .delete_contact(&created.id, Some(&etag))
        .await
        .expect_err("stale etag");
    assert_eq!(err.status(), Some(412));
    client
        .delete_contact(&created.id, cleared.etag.as_deref())
        .await
        .expect("delete");
    let gone = client.get_contact(&created.id).await.expect_err("deleted");
    assert_eq!(gone.code(), Some("notFound"));
    assert_eq!(
        client
            .delete_contact(&created.id, None)
            .await
            .expect_err("gone")
            .status(),
        Some(404)
    );
}

#[tokio::test]
async fn invalid_bodies_and_scopes_fail_on_the_server() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let mut bad = NewContact::new("Bad Email");
    bad.emails.push(ContactEmail::new("not-an-email", "work"));
    let err = client.create_contact(&bad).await.expect_err("400");
    assert_eq!(err.code(), Some("validationFailed"));
    assert_eq!(
        err.api().and_then(|a| a.target.as_deref()),
        Some("emails/0/value")
    );

    let (reader, _) = env.client(0, &["contacts.read"]).await;
    let err = reader
        .create_contact(&NewContact::new("x"))
        .await
        .expect_err("403");
    assert_eq!(err.code(), Some("insufficientScope"));
}

#[tokio::test]
async fn filters_escape_user_input() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    client
        .create_contact(&NewContact::new("Mary O'Brien"))
        .await
        .expect("create");
    let mut with_email = NewContact::new("Only Email");
    with_email
        .emails
        .push(ContactEmail::new("needle@example.com", "home"));
    client.create_contact(&with_email).await.expect("create");

    let page = client
        .list_contacts(
            &Query::new()
                .filter(Filter::eq("displayName", "Mary O'Brien"))
                .count(true),
        )
        .await
        .expect("filtered list");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.count, Some(1));
    assert_eq!(page.items[0].display_name, "Mary O'Brien");

    // An injection attempt is just a literal that matches nothing.
    let page = client
        .list_contacts(&Query::new().filter(Filter::eq("displayName", "x' or displayName ne 'x")))
        .await
        .expect("list");
    assert!(page.items.is_empty());

    let page = client
        .list_contacts(&Query::new().filter(Filter::any(
            "emails",
            Filter::eq("value", "needle@example.com"),
        )))
        .await
        .expect("any");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].display_name, "Only Email");

    let page = client
        .list_contacts(
            &Query::new()
                .filter(
                    Filter::startswith("displayName", "mary o'")
                        .or(Filter::contains("displayName", "ONLY EMAIL")),
                )
                .order_by("displayName", Order::Desc)
                .select(["displayName"]),
        )
        .await
        .expect("or + orderby + select");
    let names: Vec<_> = page.items.iter().map(|c| c.display_name.as_str()).collect();
    assert_eq!(names, ["Only Email", "Mary O'Brien"]);
    assert!(page.items[0].emails.is_empty(), "not selected");

    let since = chrono::Utc::now() - chrono::Duration::days(1);
    let recent = client
        .list_contacts(
            &Query::new()
                .filter(Filter::ge("updated", since).and(Filter::ne("nickname", "x")))
                .count(true),
        )
        .await
        .expect("datetime filter");
    assert_eq!(
        recent.count,
        Some(2),
        "only the two made here are that recent"
    );
    let older = client
        .list_contacts(
            &Query::new()
                .filter(Filter::lt("updated", since))
                .count(true)
                .top(1),
        )
        .await
        .expect("datetime filter");
    assert_eq!(older.count, Some(50), "the seed");

    let err = client
        .list_contacts(&Query::new().filter(Filter::eq("noSuchField", 1)))
        .await
        .expect_err("unknown property");
    assert_eq!(err.code(), Some("invalidFilter"));

    // A hand-written expression gives the same page as the built one, alone and combined.
    let by_hand = "startswith(displayName,'mary o''') or contains(displayName,'ONLY EMAIL')";
    let raw = client
        .list_contacts(
            &Query::new()
                .filter(Filter::raw(by_hand))
                .order_by("displayName", Order::Desc),
        )
        .await
        .expect("raw filter");
    let raw_names: Vec<_> = raw.items.iter().map(|c| c.display_name.as_str()).collect();
    assert_eq!(raw_names, ["Only Email", "Mary O'Brien"]);
    let combined = client
        .list_contacts(
            &Query::new().filter(Filter::raw(by_hand).and(Filter::eq("displayName", "Only Email"))),
        )
        .await
        .expect("raw and built");
    assert_eq!(combined.items.len(), 1, "the raw part is parenthesised");
    let err = client
        .list_contacts(&Query::new().filter(Filter::raw("displayName eq")))
        .await
        .expect_err("a syntax error is the server's 400");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("invalidFilter"));
}

#[tokio::test]
async fn paging_with_prefetch_yields_every_item_once() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let total = client
        .list_contacts(&Query::new().top(1).count(true))
        .await
        .expect("count")
        .count
        .expect("count");
    assert_eq!(total, 50);

    env.clear_journal().await;
    let mut stream = client.contacts(&Query::new().top(7)).expect("stream");
    let mut seen = HashSet::new();
    let mut count = 0;
    while let Some(contact) = stream.next().await {
        let contact = contact.expect("item");
        assert!(seen.insert(contact.id.clone()), "{} seen twice", contact.id);
        count += 1;
        if count == 3 {
            // While the first page is being consumed, the next ones are requested without
            // the stream being polled: the second at once (its link was in the first
            // page's body), the third as soon as the second's body names it, and no more
            // (at most two pages in flight beyond the one handed out). The journal shows
            // it, polled with a deadline (each pause lets the prefetch tasks run; without
            // prefetch they would never show).
            let deadline = Instant::now() + Duration::from_secs(10);
            let mut requests = env.journal("/v1/me/contacts").await.len();
            while requests < 3 && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
                requests = env.journal("/v1/me/contacts").await.len();
            }
            assert_eq!(requests, 3, "first page and two prefetched successors");
            assert_eq!(stream.buffered_len(), 4, "still consuming the first page");
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                assert_eq!(
                    env.journal("/v1/me/contacts").await.len(),
                    3,
                    "never more than two pages ahead"
                );
            }
        }
    }
    assert_eq!(count, 50);
    assert!(stream.next_link().is_none());
    assert_eq!(
        env.journal("/v1/me/contacts").await.len(),
        8,
        "ceil(50 / 7) pages"
    );

    // Resuming from a stored link gives the rest, no more, no less.
    let first = client
        .list_contacts(&Query::new().top(20))
        .await
        .expect("page");
    let link = first.next_link.clone().expect("next link");
    let rest: Vec<_> = client
        .contacts_from(&link)
        .expect("resume")
        .map(|c| c.expect("item").id)
        .collect()
        .await;
    assert_eq!(rest.len(), 30);
    assert!(first.items.iter().all(|c| !rest.contains(&c.id)));

    let pages: Vec<_> = client
        .contact_pages(&Query::new().top(25))
        .expect("pages")
        .map(|p| p.expect("page").items.len())
        .collect()
        .await;
    assert_eq!(pages, [25, 25]);
}

#[tokio::test]
async fn links_to_other_origins_are_refused() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let err = client
        .contacts_from("https://evil.example.com/v1/me/contacts")
        .expect_err("other origin");
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
}

#[tokio::test]
async fn portable_contacts_query_form() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    let created = client
        .create_contact(&NewContact::new("Zed O'Neil"))
        .await
        .expect("create");
    let page = client
        .poco_contacts(&PocoQuery::new().filter(
            "displayName",
            PocoFilterOp::Equals,
            Some("Zed O'Neil"),
        ))
        .await
        .expect("poco");
    assert_eq!(page.total_results, 1);
    assert_eq!(page.entry[0].id, created.id);

    let page = client
        .poco_contacts(
            &PocoQuery::new()
                .sort("displayName", true)
                .start_index(2)
                .count(5),
        )
        .await
        .expect("poco page");
    assert_eq!(
        (page.start_index, page.items_per_page, page.total_results),
        (2, 5, 51)
    );

    let one = client.poco_contact(&created.id).await.expect("poco one");
    assert_eq!(one.display_name, "Zed O'Neil");
    assert_eq!(
        client.poco_contact("nope").await.expect_err("404").status(),
        Some(404)
    );
    let err = client
        .poco_contacts(&PocoQuery::new().filter("noSuchField", PocoFilterOp::Present, None))
        .await
        .expect_err("bad field");
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn invalid_arguments_fail_before_any_request() {
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    env.clear_journal().await;
    let invalid = |r: Result<(), Error>| matches!(r, Err(Error::InvalidArgument { .. }));
    assert!(invalid(client.get_contact("").await.map(drop)));
    assert!(invalid(client.get_contact("  ").await.map(drop)));
    assert!(invalid(client.delete_contact("", None).await));
    assert!(invalid(
        client
            .update_contact("c1", &ContactUpdate::default(), Some(""))
            .await
            .map(drop)
    ));
    assert!(invalid(
        client.create_contact(&NewContact::new(" ")).await.map(drop)
    ));
    assert!(invalid(
        client.list_contacts(&Query::new().top(0)).await.map(drop)
    ));
    assert!(invalid(
        client
            .list_contacts(&Query::new().top(5000))
            .await
            .map(drop)
    ));
    assert!(invalid(
        client
            .list_contacts(&Query::new().filter(Filter::eq("a) or (b", 1)))
            .await
            .map(drop)
    ));
    assert!(invalid(
        client.contacts(&Query::new().select(["x y"])).map(drop)
    ));
    assert!(invalid(client.contacts_delta(None, Some(0)).map(drop)));
    assert!(invalid(
        client
            .poco_contacts(&PocoQuery::new().count(1001))
            .await
            .map(drop)
    ));
    assert!(invalid(
        client
            .poco_contacts(&PocoQuery::new().start_index(0))
            .await
            .map(drop)
    ));
    assert!(invalid(client.user("").await.map(drop)));
    assert!(invalid(client.drop_scope("a b").await));
    assert!(invalid(client.contacts_from("http://[bad").map(drop)));
    assert!(invalid(client.revoke_token("", None).await));
    let request = client
        .authorization_url(&messenger_connect::AuthorizationParams::new(["profile"]))
        .expect("url");
    assert!(invalid(
        client.exchange_code(&request, "not a url").await.map(drop)
    ));
    let no_code = format!("{}?state={}", common::REDIRECT_URI, request.state);
    assert!(invalid(
        client.exchange_code(&request, &no_code).await.map(drop)
    ));
    assert!(env.journal("/").await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn without_prefetch_pages_are_fetched_on_demand() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = env.mint(0, &app, CONTACT_SCOPES, None).await;
    let client = env
        .builder(&app)
        .page_prefetch(false)
        .tokens(tokens)
        .build()
        .expect("client");
    env.clear_journal().await;
    let mut stream = client.contacts(&Query::new().top(10)).expect("stream");
    for _ in 0..10 {
        stream.next().await.expect("item").expect("contact");
    }
    assert_eq!(
        env.journal("/v1/me/contacts").await.len(),
        1,
        "no request ahead of need"
    );
    let rest = stream.count().await;
    assert_eq!(rest, 40);
    assert_eq!(env.journal("/v1/me/contacts").await.len(), 5);
}
