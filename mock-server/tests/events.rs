//! Live events over a real WebSocket: `GET /v1/me/events` and `/_mock/events/{userId}`.
mod common;

use std::collections::BTreeSet;

use common::ws::{self, Next};
use common::{DEADLINE, Env};
use messenger_connect_mock::MockConfig;
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use messenger_connect_mock::deadline;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn seq(frame: &Value) -> u64 {
    frame["seq"].as_u64().expect("frame has a seq")
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, &["chat"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
    })
    .await;
}

#[tokio::test]
async fn published_events_arrive_in_order_with_growing_seq() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["feed.read"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        let published = ws::publish_many(&env, &user, 5).await;
        assert_eq!(published, vec![1, 2, 3, 4, 5]);
        for (i, expected) in published.iter().enumerate() {
            let frame = ws::frame(&mut socket).await;
            assert_eq!(seq(&frame), *expected);
            assert_eq!(frame["type"], "contact.changed");
            assert_eq!(frame["data"], json!({ "n": i }));
        }
        // Another user's events do not reach this socket; this user's next one does.
        ws::publish(&env, &env.users[1].id, "status.changed", json!({})).await;
        let own = ws::publish(&env, &user, "status.changed", json!({ "x": 1 })).await;
        assert_eq!(ws::frame(&mut socket).await, own);
        assert_eq!(seq(&own), 6);
    })
    .await;
}

#[tokio::test]
async fn the_handshake_names_the_last_seq() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["chat"]).await;
        let (_, seq0) = ws::try_connect_seq(&env, Some(&token), "")
            .await
            .expect("handshake");
        assert_eq!(seq0, 0, "no event yet");
        ws::publish_many(&env, &user, 3).await;
        let (mut socket, seq3) = ws::try_connect_seq(&env, Some(&token), "")
            .await
            .expect("handshake");
        assert_eq!(seq3, 3);
        // The next event is the first one on this socket, right after the named seq.
        let next = ws::publish(&env, &user, "status.changed", json!({})).await;
        assert_eq!(seq(&next), seq3 + 1);
        assert_eq!(ws::frame(&mut socket).await, next);
    })
    .await;
}

#[tokio::test]
async fn act_as_opens_a_users_socket_without_a_token() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[1].id.clone();
        let mut socket = ws::connect_as(&env, &user).await;
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
        let own = ws::publish(&env, &user, "status.changed", json!({ "n": 1 })).await;
        assert_eq!(ws::frame(&mut socket).await, own);
    })
    .await;
}

#[tokio::test]
async fn replay_after_a_dropped_connection_loses_and_repeats_nothing() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["chat"]).await;
        ws::publish_many(&env, &user, 50).await;

        let mut first = ws::connect(&env, &token, Some(0)).await;
        let mut seen = Vec::new();
        for _ in 0..20 {
            seen.push(ws::frame(&mut first).await);
        }
        drop(first);
        let last = seq(seen.last().expect("frames"));
        assert_eq!(last, 20);

        let mut second = ws::connect(&env, &token, Some(last)).await;
        for _ in 20..50 {
            seen.push(ws::frame(&mut second).await);
        }
        let seqs: Vec<u64> = seen.iter().map(seq).collect();
        assert_eq!(seqs, (1..=50).collect::<Vec<u64>>());
        let ns: Vec<u64> = seen
            .iter()
            .map(|f| f["data"]["n"].as_u64().unwrap())
            .collect();
        assert_eq!(ns, (0..50).collect::<Vec<u64>>());

        // Live events follow the replay on the same socket.
        let live = ws::publish(&env, &user, "message.created", json!({ "text": "hi" })).await;
        assert_eq!(ws::frame(&mut second).await, live);
        assert_eq!(seq(&live), 51);
    })
    .await;
}

#[tokio::test]
async fn close_socket_fault_then_resume_from_last_seq() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["chat"]).await;
        env.fault(
            FaultSpec::new(FaultKind::CloseSocket)
                .on_path("/v1/me/events")
                .times(1)
                .after_frames(7),
        )
        .await;
        ws::publish_many(&env, &user, 50).await;

        let mut seen: Vec<u64> = Vec::new();
        let mut first = ws::connect(&env, &token, Some(0)).await;
        loop {
            match ws::next(&mut first).await {
                Next::Frame(f) => seen.push(seq(&f)),
                Next::Dropped => break,
                Next::Closed(c) => panic!("expected an abrupt close, got a close frame {c:?}"),
            }
        }
        assert_eq!(seen, (1..=7).collect::<Vec<u64>>());

        // The fault fired once: the next connection resumes and stays open.
        let mut second = ws::connect(&env, &token, seen.last().copied()).await;
        while seen.len() < 50 {
            seen.push(seq(&ws::frame(&mut second).await));
        }
        assert_eq!(seen, (1..=50).collect::<Vec<u64>>());
        let unique: BTreeSet<u64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), 50);
        ws::send(&mut second, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut second).await, json!({ "type": "pong" }));
    })
    .await;
}

#[tokio::test]
async fn close_socket_fault_counts_every_frame_sent() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, &["chat"]).await;
        env.fault(
            FaultSpec::new(FaultKind::CloseSocket)
                .on_path("/v1/me/events")
                .times(1)
                .after_frames(2),
        )
        .await;
        let mut socket = ws::connect(&env, &token, None).await;
        for _ in 0..2 {
            ws::send(&mut socket, json!({ "type": "ping" })).await;
            assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
        }
        assert!(matches!(ws::next(&mut socket).await, Next::Dropped));
    })
    .await;
}

#[tokio::test]
async fn resync_when_since_is_older_than_the_retention() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        ws::publish_many(&env, &user, 3).await;
        env.advance(25 * 3600).await;
        // Tokens last one hour: take one at the new time.
        let token_now = env.token(0, &["chat"]).await;
        let fresh = ws::publish(&env, &user, "status.changed", json!({})).await;
        assert_eq!(seq(&fresh), 4);

        // Events 2 and 3 are gone: resync, then live events.
        let mut socket = ws::connect(&env, &token_now, Some(1)).await;
        assert_eq!(
            ws::frame(&mut socket).await,
            json!({ "seq": 4, "type": "resync" })
        );
        let live = ws::publish(&env, &user, "status.changed", json!({ "n": 5 })).await;
        assert_eq!(ws::frame(&mut socket).await, live);

        // Nothing after 3 was lost: a plain replay.
        let mut socket = ws::connect(&env, &token_now, Some(3)).await;
        assert_eq!(ws::frame(&mut socket).await, fresh);
        assert_eq!(ws::frame(&mut socket).await, live);

        let log = env
            .control(Method::GET, &format!("/_mock/events/{user}?since=1"), None)
            .await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.text);
        assert_eq!(log.body["seq"], 5);
        assert_eq!(log.body["resync"], true);
        assert_eq!(log.body["events"].as_array().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn resync_when_more_than_a_thousand_events_were_logged() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["chat"]).await;
        ws::publish_many(&env, &user, 1001).await;

        let mut socket = ws::connect(&env, &token, Some(0)).await;
        assert_eq!(
            ws::frame(&mut socket).await,
            json!({ "seq": 1001, "type": "resync" })
        );
        let live = ws::publish(&env, &user, "activity.created", json!({})).await;
        assert_eq!(ws::frame(&mut socket).await, live);

        // The log now holds events 3..=1002: since=2 replays all 1,000 of them.
        let mut socket = ws::connect(&env, &token, Some(2)).await;
        for expected in 3..=1002 {
            assert_eq!(seq(&ws::frame(&mut socket).await), expected);
        }
        let log = env
            .control(Method::GET, &format!("/_mock/events/{user}"), None)
            .await;
        assert_eq!(log.body["resync"], true, "events 1 and 2 were pruned");
        assert_eq!(log.body["seq"], 1002);
        assert_eq!(log.body["events"].as_array().unwrap().len(), 1000);
        assert_eq!(log.body["events"][0]["seq"], 3);
    })
    .await;
}

#[tokio::test]
async fn handshake_is_refused_before_upgrading() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (status, body) = ws::refused(&env, None, "").await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["code"], "invalidToken");

        let (status, body) = ws::refused(&env, Some("not-a-token"), "").await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["code"], "invalidToken");
        assert!(body["error"]["innerError"]["requestId"].is_string());

        let profile_only = env.token(0, &["profile", "contacts.read"]).await;
        let (status, body) = ws::refused(&env, Some(&profile_only), "").await;
        assert_eq!(status, 403);
        assert_eq!(body["error"]["code"], "insufficientScope");

        let token = env.token(0, &["chat"]).await;
        let (status, body) = ws::refused(&env, Some(&token), "since=5").await;
        assert_eq!(status, 400, "since beyond the last seq");
        assert_eq!(body["error"]["target"], "since");
        let (status, body) = ws::refused(&env, Some(&token), "since=abc").await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["target"], "since");

        // A plain GET is told to upgrade.
        let r = env.get("/v1/me/events", &token).await;
        assert_eq!(r.status, StatusCode::UPGRADE_REQUIRED, "{}", r.text);
        assert_eq!(r.code(), "upgradeRequired");

        // The documented query-parameter form (for browsers) works, and the journal hides it.
        let mut socket = ws::try_connect(&env, None, &format!("access_token={token}"))
            .await
            .expect("access_token accepted");
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
        let journal = env.journal("/v1/me/events").await;
        let text = serde_json::to_string(&journal).unwrap();
        assert!(!text.contains(&token), "the token leaked into the journal");
        let opened = journal
            .iter()
            .find(|e| e["status"] == 101 && e["query"]["access_token"].is_string())
            .expect("the socket opened with ?access_token=");
        assert_eq!(
            opened["userId"], env.users[0].id,
            "the query token identifies the caller (journal, rate limit) like the header"
        );
    })
    .await;
}

#[tokio::test]
async fn invalid_client_frames_get_error_frames_and_the_socket_stays_open() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, &["chat"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        use futures_util::SinkExt;
        use tokio_tungstenite::tungstenite::Message;

        socket
            .send(Message::text("this is not json"))
            .await
            .expect("sent");
        let bad = [
            json!({ "type": "dance" }),
            json!({ "type": "typing" }),
            json!({ "type": "typing", "conversationId": 7 }),
            json!({ "noType": true }),
            json!([1, 2, 3]),
        ];
        for frame in &bad {
            ws::send(&mut socket, frame.clone()).await;
        }
        socket
            .send(Message::binary(vec![1u8, 2, 3]))
            .await
            .expect("sent");
        for _ in 0..bad.len() + 2 {
            let reply = ws::frame(&mut socket).await;
            assert_eq!(reply["type"], "error", "{reply}");
            assert!(
                reply["data"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
            assert!(reply.get("seq").is_none());
        }
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
    })
    .await;
}

#[tokio::test]
async fn typing_in_an_unknown_conversation_is_ignored() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, &["chat"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        ws::send(
            &mut socket,
            json!({ "type": "typing", "conversationId": "no-such-conversation" }),
        )
        .await;
        // No reply to the typing frame: the next frame is the pong.
        ws::send(&mut socket, json!({ "type": "ping" })).await;
        assert_eq!(ws::frame(&mut socket).await, json!({ "type": "pong" }));
    })
    .await;
}

#[tokio::test]
async fn revoking_the_grant_closes_the_socket_at_the_next_frame() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[0].id.clone();
        let token = env.token(0, &["chat"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        let r = env
            .send(Method::DELETE, "/v1/me/permissions", Some(&token), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        ws::publish(&env, &user, "status.changed", json!({})).await;
        match ws::next(&mut socket).await {
            Next::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1008),
            other => panic!("expected a close frame 1008, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn control_plane_reads_and_publishes_the_log() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let user = env.users[2].id.clone();
        let empty = env
            .control(Method::GET, &format!("/_mock/events/{user}"), None)
            .await;
        assert_eq!(empty.status, StatusCode::OK);
        assert_eq!(
            empty.body,
            json!({ "events": [], "seq": 0, "resync": false })
        );

        let frame = ws::publish(
            &env,
            &user,
            "presence.changed",
            json!({ "presence": "away" }),
        )
        .await;
        assert_eq!(
            frame,
            json!({ "seq": 1, "type": "presence.changed", "data": { "presence": "away" } })
        );
        ws::publish_many(&env, &user, 3).await;
        let after = env
            .control(Method::GET, &format!("/_mock/events/{user}?since=2"), None)
            .await;
        assert_eq!(after.body["seq"], 4);
        let seqs: Vec<u64> = after.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(seq)
            .collect();
        assert_eq!(seqs, vec![3, 4]);

        let unknown = env.control(Method::GET, "/_mock/events/nobody", None).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let reserved = env
            .control(
                Method::POST,
                &format!("/_mock/events/{user}"),
                Some(json!({ "type": "resync" })),
            )
            .await;
        assert_eq!(reserved.status, StatusCode::BAD_REQUEST);
        assert_eq!(reserved.body["error"]["target"], "type");
        let bad_since = env
            .control(Method::GET, &format!("/_mock/events/{user}?since=x"), None)
            .await;
        assert_eq!(bad_since.status, StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn a_reset_closes_open_sockets() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, &["chat"]).await;
        let mut socket = ws::connect(&env, &token, None).await;
        let r = env
            .control(Method::POST, "/_mock/reset", Some(json!({ "seed": 1 })))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        match ws::next(&mut socket).await {
            Next::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), 1012),
            other => panic!("expected a close frame 1012, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn typing_reaches_the_other_members_only_and_messages_are_events() {
    deadline(DEADLINE, async {
    // Four users in a ring of friendships: 0-1, 1-2, 2-3, 3-0.
    let env = Env::with(MockConfig {
        users: 4,
        contacts_per_user: 0,
        friends_per_user: 1,
        ..Default::default()
    });
    let t0 = env.token(0, &["chat"]).await;
    let t1 = env.token(1, &["chat"]).await;
    let t2 = env.token(2, &["chat"]).await;
    let r = env
        .post(
            "/v1/me/conversations",
            &t0,
            json!({ "members": [env.users[1].id] }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let conversation = r.body["id"].as_str().unwrap().to_string();
    let mut s0 = ws::connect(&env, &t0, None).await;
    let mut s1 = ws::connect(&env, &t1, None).await;
    let mut s2 = ws::connect(&env, &t2, None).await;

    // A non-member's typing goes nowhere (and gets no reply).
    ws::send(
        &mut s2,
        json!({ "type": "typing", "conversationId": conversation }),
    )
    .await;
    ws::send(&mut s2, json!({ "type": "ping" })).await;
    assert_eq!(ws::frame(&mut s2).await, json!({ "type": "pong" }));

    ws::send(
        &mut s0,
        json!({ "type": "typing", "conversationId": conversation }),
    )
    .await;
    assert_eq!(
        ws::frame(&mut s1).await,
        json!({ "type": "typing", "data": { "conversationId": conversation, "userId": env.users[0].id } })
    );
    // The sender gets no echo: its next frame is the answer to its ping.
    ws::send(&mut s0, json!({ "type": "ping" })).await;
    assert_eq!(ws::frame(&mut s0).await, json!({ "type": "pong" }));

    // A message is a logged event for every member, typing is not.
    let sent = env
        .post(
            &format!("/v1/me/conversations/{conversation}/messages"),
            &t0,
            json!({ "text": "hello" }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    let event = ws::frame(&mut s1).await;
    assert_eq!(event["type"], "message.created");
    assert_eq!(event["data"]["id"], sent.body["id"]);
    let log = env
        .control(
            Method::GET,
            &format!("/_mock/events/{}", env.users[1].id),
            None,
        )
        .await;
    assert!(
        log.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "typing")
    );
    assert_eq!(log.body["events"].as_array().unwrap().last(), Some(&event));
    // User 2 saw none of it.
    ws::send(&mut s2, json!({ "type": "ping" })).await;
    assert_eq!(ws::frame(&mut s2).await, json!({ "type": "pong" }));
})
    .await;
}
