//! The live-events stream against the mock: typed events, typing, resync, token renewal,
//! and reconnection after dropped sockets with nothing lost or repeated.

mod common;

use std::time::Duration;

use common::{DEADLINE, Env};
use futures_util::StreamExt;
use messenger_connect::models::{ActivityType, Event, Presence};
use messenger_connect::{Error, EventStream, EventsOptions, TokenSet};
use messenger_connect_mock::MockConfig;
use messenger_connect_mock::control::{ActAs, FaultKind, FaultSpec, NewEvent};
use messenger_connect_mock::deadline;
use serde_json::{Value, json};

fn env() -> Env {
    Env::with(MockConfig {
        friends_per_user: 2,
        ..MockConfig::default()
    })
}

const SCOPES: &[&str] = &["profile", "chat", "feed.read", "offline_access"];

/// The next event (failing the test after a generous guard time).
async fn next(stream: &mut EventStream) -> Event {
    tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .expect("an event within 30 s")
        .expect("the stream goes on")
        .expect("an event, not an error")
}

/// Publishes a test event for seed user `user` through the control plane; its seq.
fn publish(env: &Env, user: usize, kind: &str, data: Value) -> u64 {
    let event = NewEvent {
        kind: kind.to_string(),
        data: Some(data),
    };
    let frame = env
        .control
        .publish_event(&env.users[user].id, &event)
        .expect("event published");
    frame["seq"].as_u64().expect("seq")
}

#[tokio::test]
async fn typed_events_and_typing() {
    deadline(DEADLINE, async {
        let env = env();
        let (alice, _) = env.client(0, SCOPES).await;
        let (bob, _) = env.client(1, SCOPES).await;
        let conv = alice
            .conversation_with(&env.users[1].id)
            .await
            .expect("conversation");
        let options = EventsOptions {
            since: None,
            ping_interval: Some(Duration::from_millis(200)),
        };
        let mut alice_events = alice.events(options.clone()).await.expect("alice's events");
        let mut bob_events = bob.events(options).await.expect("bob's events");

        let sent = bob.send_text(&conv.id, "hi alice").await.expect("send");
        match next(&mut alice_events).await {
            Event::MessageCreated(m) => assert_eq!(m, sent),
            other => panic!("expected a message, got {other:?}"),
        }
        match next(&mut bob_events).await {
            Event::MessageCreated(m) => assert_eq!(m.id, sent.id),
            other => panic!("expected a message, got {other:?}"),
        }

        env.act_as(
            1,
            "PUT",
            "status",
            Some(json!({"message": "busy day", "presence": "busy"})),
        )
        .await;
        let mut status = None;
        let mut presence = None;
        let mut activity = None;
        while status.is_none() || presence.is_none() || activity.is_none() {
            match next(&mut alice_events).await {
                Event::StatusChanged(s) => status = Some(s),
                Event::PresenceChanged(p) => presence = Some(p),
                Event::ActivityCreated(a) => activity = Some(a),
                other => panic!("unexpected {other:?}"),
            }
        }
        let status = status.unwrap();
        assert_eq!(status.user_id, env.users[1].id);
        assert_eq!(status.message, "busy day");
        assert_eq!(status.presence, Presence::Busy);
        assert_eq!(presence.unwrap().presence, Presence::Busy);
        let activity = activity.unwrap();
        assert_eq!(activity.kind, ActivityType::Status);
        assert_eq!(activity.actor.id, env.users[1].id);

        alice_events.typing(&conv.id).expect("typing");
        loop {
            match next(&mut bob_events).await {
                Event::Typing {
                    conversation_id,
                    user_id,
                } => {
                    assert_eq!(conversation_id, conv.id);
                    assert_eq!(user_id, env.users[0].id);
                    break;
                }
                // Bob's own status events.
                Event::StatusChanged(_) | Event::PresenceChanged(_) | Event::ActivityCreated(_) => {
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(matches!(
            alice_events.typing(""),
            Err(Error::InvalidArgument { .. })
        ));

        // Unknown types are forwarded as they are.
        let seq = publish(&env, 0, "sticker.sent", json!({"sticker": "cat"}));
        assert_eq!(
            next(&mut alice_events).await,
            Event::Other {
                kind: "sticker.sent".into(),
                data: json!({"sticker": "cat"})
            }
        );
        assert_eq!(alice_events.last_seq(), Some(seq));
        assert_eq!(alice_events.reconnects(), 0, "pings kept the socket");
        assert!(format!("{alice_events:?}").contains("last_seq"));
    })
    .await;
}

#[tokio::test]
async fn dropped_sockets_lose_and_repeat_nothing() {
    deadline(DEADLINE, async {
        const MESSAGES: usize = 500;
        const DROPS: u64 = 5;
        let env = env();
        let (alice, _) = env.client(0, SCOPES).await;
        let conv = alice
            .conversation_with(&env.users[1].id)
            .await
            .expect("conversation");
        for _ in 0..DROPS {
            env.fault(
                FaultSpec::new(FaultKind::CloseSocket)
                    .on_path("/v1/me/events")
                    .times(1)
                    .after_frames(37),
            )
            .await;
        }
        let mut events = alice
            .events(EventsOptions::default())
            .await
            .expect("events");

        let control = env.control.clone();
        let path = format!("conversations/{}/messages", conv.id);
        let bob = env.users[1].id.clone();
        let sender = tokio::spawn(async move {
            for i in 0..MESSAGES {
                let send = ActAs::new(&bob, "POST", &path).body(json!({"text": format!("m{i}")}));
                let sent = control.act_as(&send).await.expect("send");
                assert_eq!(sent.status, 201);
            }
        });

        let mut seqs = Vec::new();
        for i in 0..MESSAGES {
            match next(&mut events).await {
                Event::MessageCreated(m) => {
                    assert_eq!(m.text, format!("m{i}"), "in order, once each");
                    seqs.push(events.last_seq().expect("seq"));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        sender.await.expect("sender");
        assert!(
            seqs.windows(2).all(|w| w[1] == w[0] + 1),
            "consecutive seqs"
        );
        assert_eq!(events.reconnects(), DROPS);
        let opened = env.journal("/v1/me/events").await;
        assert_eq!(opened.len() as u64, DROPS + 1, "{opened:#?}");
    })
    .await;
}

#[tokio::test]
async fn a_socket_dropped_before_any_event_loses_nothing() {
    deadline(DEADLINE, async {
        let env = env();
        let (alice, _) = env.client(0, SCOPES).await;
        let publish = |n: u64| publish(&env, 0, "sticker.sent", json!({ "n": n }));
        publish(1);
        publish(2);
        // The first socket is dropped before it carries any frame.
        env.fault(
            FaultSpec::new(FaultKind::CloseSocket)
                .on_path("/v1/me/events")
                .times(1)
                .after_frames(0),
        )
        .await;
        let mut events = alice
            .events(EventsOptions::default())
            .await
            .expect("events");
        assert_eq!(events.last_seq(), Some(2), "from the handshake's Event-Seq");
        let third = publish(3);
        assert_eq!(
            next(&mut events).await,
            Event::Other {
                kind: "sticker.sent".into(),
                data: json!({"n": 3})
            },
            "replayed after the reconnection"
        );
        assert_eq!(events.last_seq(), Some(third));
        assert_eq!(events.reconnects(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_log_too_short_is_a_resync() {
    deadline(DEADLINE, async {
        let env = env();
        let publish = |kind: &str| publish(&env, 0, kind, json!({ "n": 1 }));
        publish("test.one");
        publish("test.two");
        env.advance(25 * 3600).await;
        let third = publish("test.three");
        let (client, _) = env.client(0, SCOPES).await;
        let mut events = client
            .events(EventsOptions::since(1))
            .await
            .expect("events");
        assert_eq!(next(&mut events).await, Event::Resync { seq: third });
        assert_eq!(events.last_seq(), Some(third));
        let fourth = publish("test.four");
        assert!(
            matches!(next(&mut events).await, Event::Other { kind, .. } if kind == "test.four")
        );
        assert_eq!(events.last_seq(), Some(fourth));

        // Resuming from a seq the log still holds replays what followed.
        let mut resumed = client
            .events(EventsOptions::since(third))
            .await
            .expect("events");
        assert!(
            matches!(next(&mut resumed).await, Event::Other { kind, .. } if kind == "test.four")
        );
    })
    .await;
}

#[tokio::test]
async fn the_handshake_renews_an_expired_token() {
    deadline(DEADLINE, async {
        let env = env();
        let app = env.app(false).await;
        let tokens = env.mint(0, &app, SCOPES, None).await;
        let old = tokens.access_token.clone();
        let client = env
            .builder(&app)
            .tokens(common::expired(tokens))
            .build()
            .expect("client");
        let mut events = client
            .events(EventsOptions::default())
            .await
            .expect("events");
        assert_ne!(client.tokens().expect("tokens").access_token, old);
        publish(&env, 0, "test.ping", json!({}));
        assert!(matches!(next(&mut events).await, Event::Other { .. }));
    })
    .await;
}

#[tokio::test]
async fn handshake_failures_are_errors() {
    deadline(DEADLINE, async {
        let env = env();
        let (no_scope, app) = env.client(0, &["profile"]).await;
        let err = no_scope
            .events(EventsOptions::default())
            .await
            .expect_err("scope");
        assert_eq!(err.status(), Some(403));
        assert_eq!(err.code(), Some("insufficientScope"));

        let bad = env
            .builder(&app)
            .tokens(TokenSet::bearer("not-a-token"))
            .build()
            .expect("client");
        let err = bad.events(EventsOptions::default()).await.expect_err("401");
        assert_eq!(err.status(), Some(401));

        let (client, _) = env.client(0, SCOPES).await;
        let err = client
            .events(EventsOptions::since(1_000_000))
            .await
            .expect_err("future since");
        assert_eq!(err.status(), Some(400));
        let err = client
            .events(EventsOptions {
                since: None,
                ping_interval: Some(Duration::ZERO),
            })
            .await
            .expect_err("zero ping interval");
        assert!(matches!(err, Error::InvalidArgument { .. }));
    })
    .await;
}

#[tokio::test]
async fn a_typer_works_while_another_task_awaits_the_stream() {
    deadline(DEADLINE, async {
        let env = env();
        let (alice, _) = env.client(0, SCOPES).await;
        let (bob, _) = env.client(1, SCOPES).await;
        let conv = alice
            .conversation_with(&env.users[1].id)
            .await
            .expect("conversation");
        let mut alice_events = alice.events(EventsOptions::default()).await.expect("alice");
        let mut bob_events = bob.events(EventsOptions::default()).await.expect("bob");
        let typer = alice_events.typer();
        assert!(format!("{typer:?}").contains("open: true"));

        // Alice's stream is held by a reader task; typing goes through the handle meanwhile.
        let reader = tokio::spawn(async move {
            let event = next(&mut alice_events).await;
            (event, alice_events)
        });
        typer.clone().typing(&conv.id).expect("typing");
        match next(&mut bob_events).await {
            Event::Typing {
                conversation_id,
                user_id,
            } => {
                assert_eq!(conversation_id, conv.id);
                assert_eq!(user_id, env.users[0].id);
            }
            other => panic!("expected typing, got {other:?}"),
        }
        let sent = bob
            .send_text(&conv.id, "seen you typing")
            .await
            .expect("send");
        let (event, alice_events) = reader.await.expect("reader task");
        assert_eq!(event, Event::MessageCreated(sent.clone()));

        // Events serialise in their wire form.
        let wire = serde_json::to_value(&event).expect("serialise");
        assert_eq!(wire["type"], "message.created");
        assert_eq!(wire["data"]["id"], sent.id.as_str());
        let typing = Event::Typing {
            conversation_id: conv.id.clone(),
            user_id: "u1".into(),
        };
        assert_eq!(
            serde_json::to_value(&typing).unwrap(),
            json!({"type": "typing", "data": {"conversationId": conv.id, "userId": "u1"}})
        );
        assert_eq!(
            serde_json::to_value(Event::Resync { seq: 7 }).unwrap(),
            json!({"type": "resync", "data": {"seq": 7}})
        );

        let logged = env.control.events(&env.users[0].id, 0).expect("event log");
        assert_eq!(alice_events.last_seq(), Some(logged.seq));
    })
    .await;
}
