//! Posts to the feed and watches a friend receive it live.
//!
//! ```sh
//! cargo run --profile ci -p messenger-connect --example post_feed [-- --url URL]
//! ```
//!
//! Alice posts a note and a shared link (`create_activity`); her friend Bob, listening to
//! his live events (`events`), gets `activity.created` for each, then reads his feed
//! (`feed`, newest first) and finds them there. Without `--url` the example starts its own
//! mock server; signing the two users in goes through the mock's control plane (test setup).

use futures_util::StreamExt;
use messenger_connect::models::{Event, NewActivity};
use messenger_connect::{EventsOptions, Query};

#[path = "support/mod.rs"]
mod support;

use support::{BoxError, Setup};

const SCOPES: &[&str] = &["profile", "friends.read", "feed.read", "feed.write"];

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let setup = Setup::start("post_feed", SCOPES).await?;
    let alice = setup.client(&setup.users[0]).await?;

    // Alice's first friend plays Bob.
    let bob_id = alice
        .friends(&Query::new())?
        .next()
        .await
        .ok_or("Alice has no friend")??
        .id;
    let bob = setup.client(&bob_id).await?;
    let mut bob_events = bob.events(EventsOptions::default()).await?;

    let note = alice
        .create_activity(&NewActivity::note("Hello from the Rust client"))
        .await?;
    let mut share = NewActivity::share("https://example.com/article");
    share.name = Some("An article worth reading".into());
    let share = alice.create_activity(&share).await?;
    println!(
        "Alice posted {} ({:?}) and {} ({:?})",
        note.id, note.kind, share.id, share.kind
    );

    let mut seen = Vec::new();
    while seen.len() < 2 {
        match bob_events.next().await.ok_or("the event stream ended")?? {
            Event::ActivityCreated(a) => {
                println!(
                    "Bob got activity.created: {} by {} (seq {:?})",
                    a.id,
                    a.actor.display_name,
                    bob_events.last_seq()
                );
                seen.push(a.id);
            }
            other => println!("Bob got {}", other.kind()),
        }
    }
    if seen != [note.id.clone(), share.id.clone()] {
        return Err(format!("unexpected activities: {seen:?}").into());
    }

    let mut feed = bob.feed(&Query::new().top(20))?;
    let mut found = 0;
    println!("Bob's feed, newest first:");
    for _ in 0..5 {
        let Some(a) = feed.next().await else { break };
        let a = a?;
        found += usize::from(a.id == note.id || a.id == share.id);
        println!(
            "  {:<6} {:<20} {}",
            format!("{:?}", a.kind),
            a.actor.display_name,
            a.content.or(a.name).unwrap_or_default()
        );
    }
    if found != 2 {
        return Err("Alice's activities are not at the top of Bob's feed".into());
    }
    println!("OK: both activities reached Bob live and in his feed");
    Ok(())
}
