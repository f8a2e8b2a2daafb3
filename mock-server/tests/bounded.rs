//! Bounded memory under abuse, measured as the mock binary's resident memory (RSS, from
//! `/proc/<pid>/status`): live sockets that never read, idempotency keys by the tens of
//! thousands across mock days, and a journal of huge URLs. Each test asserts growth under
//! a bound far below what the unbounded behaviour took (the measurements).
#[path = "support/child.rs"]
mod child;

use std::time::{Duration, Instant};

use child::{MockProcess, mib};
use futures_util::{SinkExt, StreamExt, stream};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

const MIB: u64 = 1024 * 1024;

/// Runs `n` requests, 8 at a time; returns how many succeeded.
async fn run_ok<F, Fut>(n: u32, request: F) -> u32
where
    F: Fn(u32) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    stream::iter(0..n)
        .map(request)
        .buffer_unordered(8)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await as u32
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    fn new(p: &MockProcess) -> Api {
        Api {
            http: reqwest::Client::new(),
            base: p.url.clone(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("request sent");
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn stats(&self) -> Value {
        self.call(reqwest::Method::GET, "/_mock/stats", None)
            .await
            .1
    }

    async fn first_user(&self) -> String {
        let (_, users) = self.call(reqwest::Method::GET, "/_mock/users", None).await;
        users["users"][0]["id"]
            .as_str()
            .expect("a user")
            .to_string()
    }
}

#[tokio::test]
async fn a_live_socket_that_never_reads_holds_a_bounded_queue_then_gets_resync() {
    let proc = MockProcess::start(&["--users", "1", "--contacts-per-user", "0"], &[]);
    let api = Api::new(&proc);
    let user = api.first_user().await;
    let url = format!(
        "{}/_mock/act-as/{user}/events",
        proc.url.replacen("http", "ws", 1)
    );
    // Eight sockets that never read.
    let mut sockets = Vec::new();
    for _ in 0..8 {
        let (ws, _) = tokio_tungstenite::connect_async(&url)
            .await
            .expect("socket");
        sockets.push(ws);
    }
    let before = proc.rss();
    let payload = "x".repeat(4096);
    // 10,000 events of 4 KB (the scenario), 8 concurrent publishers.
    let published = run_ok(10_000, |i| {
        let (api, user, payload) = (&api, &user, &payload);
        async move {
            let body = json!({"type": "contact.changed", "data": {"n": i, "pad": payload}});
            let path = format!("/_mock/events/{user}");
            api.call(reqwest::Method::POST, &path, Some(body)).await.0 == StatusCode::CREATED
        }
    })
    .await;
    assert_eq!(published, 10_000);
    let grown = proc.rss().saturating_sub(before);
    // Unbounded queues held every frame of every socket: 8 × 10,000 × 4 KB ≈ 330 MiB.
    // Bounded: the log (1,000 events) and at most 1 MiB per socket, plus buffers.
    assert!(
        grown < 64 * MIB,
        "RSS grew by {:.1} MiB with 8 stalled sockets",
        mib(grown)
    );
    let stats = api.stats().await;
    assert_eq!(
        stats["eventSockets"], 0,
        "stalled sockets still get frames: {stats}"
    );
    // A stalled reader that reads again gets what was queued, then `resync`, then a close.
    let ws = &mut sockets[0];
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last_seq = 0;
    let outcome = loop {
        assert!(Instant::now() < deadline, "no resync within the deadline");
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let frame: Value = serde_json::from_str(t.as_str()).expect("JSON frame");
                if frame["type"] == "resync" {
                    assert!(frame["seq"].as_u64().unwrap() >= last_seq, "{frame}");
                    break "resync";
                }
                last_seq = frame["seq"].as_u64().unwrap_or(last_seq);
            }
            Ok(Some(Ok(Message::Close(_)))) => break "closed before resync",
            Ok(Some(Ok(_))) => {}
            other => panic!("the socket ended without resync: {other:?}"),
        }
    };
    assert_eq!(outcome, "resync");
    assert!(
        last_seq < 10_000,
        "every frame was delivered: the queue was not bounded"
    );
    match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => assert_eq!(u16::from(frame.code), 1013),
        other => panic!("expected a close after resync, got {other:?}"),
    }
    let _ = ws.send(Message::Close(None)).await;
}

/// `n` keyed POSTs (each with its own 200-character key) that create nothing new: the
/// same one-to-one conversation is returned every time, so only the idempotency records
/// and the journal can grow.
async fn keyed_posts(api: &Api, token: &str, friend: &str, round: u32, n: u32) {
    let ok = run_ok(n, |i| {
        let key = format!("{round:04}-{i:08}-{}", "k".repeat(186));
        let request = api
            .http
            .post(format!("{}/v1/me/conversations", api.base))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&json!({"members": [friend]}));
        async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    assert_eq!(ok, n);
}

#[tokio::test]
async fn expired_idempotency_records_are_freed_under_the_mock_clock() {
    let proc = MockProcess::start(
        &[
            "--users",
            "2",
            "--contacts-per-user",
            "0",
            "--friends-per-user",
            "1",
            "--journal-max-bytes",
            "1048576",
            "--rate-limit",
            "1000000",
        ],
        &[],
    );
    let api = Api::new(&proc);
    let (_, users) = api.call(reqwest::Method::GET, "/_mock/users", None).await;
    let (me, friend) = (
        users["users"][0]["id"].as_str().unwrap().to_string(),
        users["users"][1]["id"].as_str().unwrap().to_string(),
    );
    let (_, client) = api
        .call(
            reqwest::Method::POST,
            "/_mock/clients",
            Some(json!({"name": "Bound"})),
        )
        .await;
    let (_, token) = api
        .call(
            reqwest::Method::POST,
            "/_mock/tokens",
            Some(json!({"userId": me, "clientId": client["clientId"], "scopes": ["chat"], "expiresIn": 31_536_000})),
        )
        .await;
    let token = token["access_token"].as_str().unwrap().to_string();
    keyed_posts(&api, &token, &friend, 0, 1_000).await; // warm-up: allocator, connections
    let start = proc.rss();
    keyed_posts(&api, &token, &friend, 1, 20_000).await;
    let after_first = proc.rss();
    assert_eq!(api.stats().await["idempotency"]["records"], 21_000);
    // Eight mock days later every record has expired: the clock change forgets them.
    let (status, _) = api
        .call(
            reqwest::Method::POST,
            "/_mock/clock",
            Some(json!({"advanceSeconds": 8 * 86_400})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let stats = api.stats().await;
    assert_eq!(stats["idempotency"]["records"], 0, "{stats}");
    keyed_posts(&api, &token, &friend, 2, 20_000).await;
    let after_second = proc.rss();
    assert_eq!(api.stats().await["idempotency"]["records"], 20_000);
    let first = after_first.saturating_sub(start);
    let second = after_second.saturating_sub(after_first);
    assert!(
        first > 4 * MIB,
        "20,000 records should take memory (grew {:.1} MiB): the test measures nothing",
        mib(first)
    );
    assert!(
        second < first / 2,
        "the second 20,000 keys grew RSS by {:.1} MiB after the first took {:.1} MiB: expired records were not freed",
        mib(second),
        mib(first)
    );
}

#[tokio::test]
async fn the_journal_is_capped_in_bytes_and_cuts_long_urls() {
    let proc = MockProcess::start(&["--journal-max-bytes", "1048576"], &[]);
    let api = Api::new(&proc);
    let before = proc.rss();
    let long = "a".repeat(60_000);
    let done = run_ok(1_500, |i| {
        let request = api.http.get(format!("{}/health?i={i}&q={long}", api.base));
        async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    assert_eq!(done, 1_500);
    let grown = proc.rss().saturating_sub(before);
    let stats = api.stats().await;
    assert!(
        stats["journal"]["bytes"].as_u64().unwrap() <= 4 * MIB,
        "{stats}"
    );
    // Unbounded: 1,500 × 161 KiB ≈ 236 MiB.
    assert!(grown < 48 * MIB, "RSS grew by {:.1} MiB", mib(grown));
    let (_, journal) = api
        .call(reqwest::Method::GET, "/_mock/requests?path=/health", None)
        .await;
    let entries = journal["requests"].as_array().unwrap();
    assert!(
        !entries.is_empty() && entries.len() < 1_500,
        "{}",
        entries.len()
    );
    let q = entries[0]["query"]["q"].as_str().unwrap();
    assert!(
        q.len() < 1_100 && q.ends_with("[truncated 58976 bytes]"),
        "{}",
        &q[1000..]
    );
}
