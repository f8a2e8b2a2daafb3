//! A one-to-one chat with live delivery, typing indicators and idempotent sends.
//!
//! ```sh
//! cargo run --profile ci -p messenger-connect --example chat [-- --url URL]
//! ```
//!
//! Alice and her friend Bob both listen to their live events (`events`). Alice opens the
//! conversation with Bob (`conversation_with`), says she is typing (`EventStream::typing`),
//! sends a message with a `clientMessageId` and sends it again, as a retry after a lost
//! answer would (`send_message`: the server returns the original, no duplicate); Bob gets
//! `typing` and `message.created` and replies; Alice lists the conversation (`messages`,
//! oldest first). Without `--url` the example starts its own mock server; signing the two
//! users in goes through the mock's control plane (test setup).

use futures_util::StreamExt;
use messenger_connect::models::{Event, NewMessage};
use messenger_connect::{EventStream, EventsOptions, Query};

#[path = "support/mod.rs"]
mod support;

use support::{BoxError, Setup};

const SCOPES: &[&str] = &["profile", "friends.read", "chat"];

/// The next event that `pick` accepts (others are printed and skipped).
async fn wait_for<T>(
    who: &str,
    events: &mut EventStream,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> Result<T, BoxError> {
    loop {
        let event = events.next().await.ok_or("the event stream ended")??;
        if let Some(out) = pick(&event) {
            return Ok(out);
        }
        println!("  ({who} also got {})", event.kind());
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let setup = Setup::start("chat", SCOPES).await?;
    let alice = setup.client(&setup.users[0]).await?;
    let bob_id = alice
        .friends(&Query::new())?
        .next()
        .await
        .ok_or("Alice has no friend")??
        .id;
    let bob = setup.client(&bob_id).await?;
    let mut alice_events = alice.events(EventsOptions::default()).await?;
    let mut bob_events = bob.events(EventsOptions::default()).await?;

    let conversation = alice.conversation_with(&bob_id).await?;
    let again = alice.conversation_with(&bob_id).await?;
    println!(
        "conversation {} with {} members (asking again gives the same one: {})",
        conversation.id,
        conversation.members.len(),
        again.id == conversation.id
    );

    alice_events.typing(&conversation.id)?;
    let typist = wait_for("Bob", &mut bob_events, |e| match e {
        Event::Typing { user_id, .. } => Some(user_id.clone()),
        _ => None,
    })
    .await?;
    println!("Bob sees {typist} typing");

    let hello = NewMessage::new("Hi Bob! Lunch at noon?").with_client_message_id("alice-0001");
    let sent = alice.send_message(&conversation.id, &hello).await?;
    let retried = alice.send_message(&conversation.id, &hello).await?;
    if retried.id != sent.id {
        return Err("the same clientMessageId made a second message".into());
    }
    println!(
        "Alice sent {} (sent again with the same clientMessageId: same message)",
        sent.id
    );

    let received = wait_for("Bob", &mut bob_events, |e| match e {
        Event::MessageCreated(m) => Some(m.clone()),
        _ => None,
    })
    .await?;
    println!(
        "Bob got message.created from {}: {:?}",
        received.sender.display_name, received.text
    );
    let reply = bob
        .send_text(&conversation.id, "Sure, see you there.")
        .await?;
    let (alice_saw_own, alice_saw_reply) = (
        wait_for("Alice", &mut alice_events, |e| match e {
            Event::MessageCreated(m) => Some(m.id.clone()),
            _ => None,
        })
        .await?,
        wait_for("Alice", &mut alice_events, |e| match e {
            Event::MessageCreated(m) => Some(m.id.clone()),
            _ => None,
        })
        .await?,
    );
    if alice_saw_own != sent.id || alice_saw_reply != reply.id {
        return Err("Alice's events are not her message then Bob's reply".into());
    }

    println!("the conversation, oldest first:");
    let mut messages = alice.messages(&conversation.id, &Query::new())?;
    let mut count = 0;
    while let Some(m) = messages.next().await {
        let m = m?;
        count += 1;
        println!("  {:<20} {}", m.sender.display_name, m.text);
    }
    if count != 2 {
        return Err(format!("expected 2 messages, found {count}").into());
    }
    println!("OK: delivered live, once each, in order");
    Ok(())
}
