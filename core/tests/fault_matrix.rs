//! Fault matrix: a full delta sync of 20,000 contacts (pages of 1,000), then an incremental
//! one after 1,000 server-side changes, both while the mock injects 429 (`Retry-After` 0
//! and 1), 503, connection resets, truncated and malformed bodies on the delta path and
//! the access token expires mid-sync. The local copy must equal the server's set exactly:
//! same ids, same ETags, every contact upserted exactly once per round.
//!
//! The fault counts that fired are printed (`cargo test --profile ci -p messenger-connect
//! --test fault_matrix -- --nocapture`).

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{App, CONTACT_SCOPES, Env};
use futures_util::StreamExt;
use messenger_connect::models::Contact;
use messenger_connect::{Client, DeltaChange, Error, Query, RetryPolicy, TokenResponse, TokenSet};
use messenger_connect_mock::control::{ActAs, FaultKind, FaultSpec, ResetOptions, TokenRequest};
use messenger_connect_mock::deadline;
use serde_json::{Value, json};

const CONTACTS: usize = 20_000;
const PAGE: u32 = 1_000;
const DELTA_PATH: &str = "/v1/me/contacts/delta";

/// The fault kinds of the matrix, as labelled in the report.
const KINDS: &[&str] = &[
    "429 ra=0",
    "429 ra=1",
    "503",
    "reset",
    "truncated",
    "malformed",
];

/// The fault of each kind, on the delta path.
fn fault(kind: &str) -> FaultSpec {
    let f = match kind {
        "429 ra=0" => FaultSpec::status(429).retry_after(0),
        "429 ra=1" => FaultSpec::status(429).retry_after(1),
        "503" => FaultSpec::status(503),
        "reset" => FaultSpec::new(FaultKind::Reset),
        "truncated" => FaultSpec::new(FaultKind::Truncated),
        "malformed" => FaultSpec::new(FaultKind::Malformed),
        other => panic!("unknown fault kind {other}"),
    };
    f.on_method("GET").on_path(DELTA_PATH)
}

/// The kind label of an armed fault.
fn kind_of(f: &FaultSpec) -> String {
    match (f.kind, f.status, f.retry_after) {
        (FaultKind::Status, Some(429), Some(ra)) => format!("429 ra={ra}"),
        (FaultKind::Status, Some(s), _) => s.to_string(),
        (kind, _, _) => serde_json::to_value(kind)
            .ok()
            .and_then(|k| k.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

/// Times each kind fired so far.
async fn fired(env: &Env) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = KINDS.iter().map(|k| (k.to_string(), 0)).collect();
    for f in env.control.faults() {
        *out.entry(kind_of(&f.spec)).or_default() += f.fired;
    }
    out
}

/// Background faults: each kind with a small seeded probability, for the whole round.
async fn install_background(env: &Env, seed: u64) {
    for (i, kind) in KINDS.iter().enumerate() {
        if *kind == "429 ra=1" {
            continue; // costs a real second per firing: only the counted ones below
        }
        env.fault(fault(kind).with_probability(0.04, seed * 100 + i as u64))
            .await;
    }
}

/// One fault of this kind that fires on the next delta request.
async fn install_once(env: &Env, kind: &str) {
    env.fault(fault(kind).times(1)).await;
}

/// Removes every fault.
async fn clear_faults(env: &Env) {
    env.control.clear_faults();
}

/// What a delta round did to the local copy.
#[derive(Default, Debug)]
struct Round {
    /// Upserts per id.
    upserts: HashMap<String, u32>,
    /// Removals per id.
    removed: HashMap<String, u32>,
    /// Times the stream failed after its retries and was resumed from its next link.
    resumed: u32,
    delta_link: String,
}

/// Runs a delta round into `local` (id → ETag). `at_page(n)` runs after page `n` (1-based,
/// counted by items) was applied, to inject faults or move the clock mid-round.
async fn delta_round<F, Fut>(
    client: &Client,
    link: Option<&str>,
    local: &mut HashMap<String, String>,
    mut at_page: F,
) -> Round
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut round = Round::default();
    let mut stream = client
        .contacts_delta(link, Some(PAGE))
        .expect("delta stream");
    let mut items = 0usize;
    while let Some(change) = stream.next().await {
        match change {
            Ok(DeltaChange::Upsert(c)) => {
                *round.upserts.entry(c.id.clone()).or_default() += 1;
                local.insert(c.id, c.etag.expect("a contact has an ETag"));
            }
            Ok(DeltaChange::Removed { id, .. }) => {
                *round.removed.entry(id.clone()).or_default() += 1;
                local.remove(&id);
            }
            Err(Error::ResyncRequired { .. }) => panic!("no resync expected"),
            Err(e) => {
                // Retries exhausted on one page: resume from the link that failed.
                round.resumed += 1;
                assert!(round.resumed <= 5, "the stream keeps failing: {e}");
                let next = stream.next_link().expect("the failed link").to_string();
                stream = client.contacts_delta(Some(&next), None).expect("resume");
                continue;
            }
        }
        items += 1;
        if items.is_multiple_of(PAGE as usize) {
            at_page(items / PAGE as usize).await;
        }
    }
    round.delta_link = stream.delta_link().expect("a delta link").to_string();
    round
}

/// The server's set, id → ETag, by a plain listing (no faults on that path).
async fn server_set(client: &Client) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut contacts = client
        .contacts(&Query::new().top(PAGE))
        .expect("contacts stream");
    while let Some(c) = contacts.next().await {
        let c: Contact = c.expect("contact");
        assert!(
            out.insert(c.id, c.etag.expect("etag")).is_none(),
            "the listing repeats an id"
        );
    }
    out
}

/// Makes the user's 1,000 changes through act-as: 300 creates, 400 updates, 300 deletes.
/// Returns (created ids, updated ids, deleted ids).
async fn mutate(
    env: &Env,
    user: &str,
    existing: &[String],
) -> (HashSet<String>, HashSet<String>, HashSet<String>) {
    let creates = (0..300).map(|i| {
        ActAs::new(user, "POST", "contacts").body(json!({"displayName": format!("Matrix New {i}")}))
    });
    let updates = existing[..400].iter().map(|id| {
        ActAs::new(user, "PATCH", format!("contacts/{id}"))
            .body(json!({"note": format!("changed {id}")}))
    });
    let deletes = existing[400..700]
        .iter()
        .map(|id| ActAs::new(user, "DELETE", format!("contacts/{id}")));
    let calls: Vec<_> = creates.chain(updates).chain(deletes).collect();
    let results: Vec<(String, u16, Value)> = futures_util::stream::iter(calls)
        .map(|call| async move {
            match env.control.act_as(&call).await {
                Ok(r) => (call.method, r.status, r.body),
                Err(e) => panic!("{} {}: {e}", call.method, call.path),
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut created = HashSet::new();
    for (method, status, body) in results {
        match method.as_str() {
            "POST" => {
                assert_eq!(status, 201, "{body}");
                created.insert(body["id"].as_str().expect("id").to_string());
            }
            "PATCH" => assert_eq!(status, 200, "{body}"),
            _ => assert_eq!(status, 204, "{body}"),
        }
    }
    let updated = existing[..400].iter().cloned().collect();
    let deleted = existing[400..700].iter().cloned().collect();
    (created, updated, deleted)
}

/// 401s answered on the delta path and refresh-token grants, from the journal.
async fn expiries_and_refreshes(env: &Env) -> (usize, usize) {
    let unauthorized = env
        .journal(DELTA_PATH)
        .await
        .iter()
        .filter(|e| e.status == 401)
        .count();
    let refreshes = env
        .journal("/oauth/token")
        .await
        .iter()
        .filter(|e| e.grant_type.as_deref() == Some("refresh_token") && e.status == 200)
        .count();
    (unauthorized, refreshes)
}

fn print_fired(title: &str, before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) {
    let line: Vec<String> = after
        .iter()
        .map(|(k, n)| format!("{k}: {}", n - before.get(k).copied().unwrap_or(0)))
        .collect();
    println!("{title}: faults fired: {}", line.join(", "));
}

fn assert_every_kind_fired(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) {
    for kind in KINDS {
        let n = after[*kind] - before.get(*kind).copied().unwrap_or(0);
        assert!(n >= 1, "fault `{kind}` never fired");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delta_sync_is_exact_under_faults_and_token_expiry() {
    deadline(Duration::from_secs(300), async {
    let env = Env::start();
    let users = env
        .control
        .reset(&ResetOptions {
            seed: Some(20),
            users: Some(1),
            contacts_per_user: Some(CONTACTS),
            ..ResetOptions::default()
        })
        .expect("reset");
    let user = users[0].id.clone();

    // Sign in: a short-lived access token (the server's clock decides) and a refresh token.
    let app: App = env.app(false).await;
    let minted = env
        .control
        .mint_token(&TokenRequest {
            user_id: user.clone(),
            client_id: app.id.clone(),
            scopes: CONTACT_SCOPES.iter().map(|s| s.to_string()).collect(),
            expires_in: Some(300),
        })
        .expect("tokens minted");
    let minted: TokenResponse = serde_json::to_value(minted)
        .and_then(serde_json::from_value)
        .expect("token response");
    assert!(minted.refresh_token.is_some());
    let rotations = Arc::new(AtomicUsize::new(0));
    let seen = rotations.clone();
    let client = env
        .builder(&app)
        .tokens(TokenSet::from_response(minted))
        .on_tokens(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .retry_policy(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            max_elapsed: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(2),
        })
        .build()
        .expect("client");

    // Round 1: the full sync. Background faults all along; one of each kind, by count,
    // spread over the pages; the access token expires (server clock +10 min) after page 10.
    let mut local: HashMap<String, String> = HashMap::new();
    let before = fired(&env).await;
    install_background(&env, 1).await;
    let env_ref = &env;
    let first = delta_round(&client, None, &mut local, |page| async move {
        match page {
            2..=7 => install_once(env_ref, KINDS[page - 2]).await,
            10 => env_ref.advance(600).await,
            _ => {}
        }
    })
    .await;
    let after_first = fired(&env).await;
    clear_faults(&env).await;
    let (expired_1, refreshed_1) = expiries_and_refreshes(&env).await;
    print_fired("round 1 (full, 20,000 contacts)", &before, &after_first);
    println!(
        "round 1: upserts {}, removals {}, resumed streams {}, 401s {expired_1}, refreshes {refreshed_1}, tokens saved {}",
        first.upserts.len(),
        first.removed.len(),
        first.resumed,
        rotations.load(Ordering::SeqCst),
    );
    assert_eq!(first.upserts.len(), CONTACTS);
    assert!(
        first.upserts.values().all(|n| *n == 1),
        "every contact exactly once"
    );
    assert!(first.removed.is_empty());
    assert_every_kind_fired(&before, &after_first);
    assert!(expired_1 >= 1, "the access token expired mid-sync");
    assert!(refreshed_1 >= 1 && rotations.load(Ordering::SeqCst) >= 1);
    let server = server_set(&client).await;
    assert_eq!(server.len(), CONTACTS);
    assert!(local == server, "the local copy equals the server's set");

    // Round 2: 1,000 changes server-side, then the incremental sync under faults again
    // (one of each kind on its first requests, plus the background), after another expiry.
    let mut ids: Vec<String> = server.keys().cloned().collect();
    ids.sort();
    let (created, updated, deleted) = mutate(&env, &user, &ids).await;
    env.clear_journal().await;
    env.advance(2 * 3600).await; // the refreshed token (1 h) has expired
    let saved_before = rotations.load(Ordering::SeqCst);
    let before_second = fired(&env).await; // zeros: the faults of round 1 are gone
    for kind in KINDS {
        install_once(&env, kind).await;
    }
    install_background(&env, 2).await;
    let second = delta_round(&client, Some(&first.delta_link), &mut local, |_| async {}).await;
    let after_second = fired(&env).await;
    clear_faults(&env).await;
    let (expired_2, refreshed_2) = expiries_and_refreshes(&env).await;
    print_fired(
        "round 2 (incremental, 1,000 changes)",
        &before_second,
        &after_second,
    );
    println!(
        "round 2: upserts {}, removals {}, resumed streams {}, 401s {expired_2}, refreshes {refreshed_2}, tokens saved {}",
        second.upserts.len(),
        second.removed.len(),
        second.resumed,
        rotations.load(Ordering::SeqCst) - saved_before,
    );
    let upserted: HashSet<String> = second.upserts.keys().cloned().collect();
    let expected: HashSet<String> = created.union(&updated).cloned().collect();
    assert_eq!(upserted, expected);
    assert!(second.upserts.values().all(|n| *n == 1));
    let removed: HashSet<String> = second.removed.keys().cloned().collect();
    assert_eq!(removed, deleted);
    assert!(second.removed.values().all(|n| *n == 1));
    // Every kind fired in this round too (the background ones are only a bonus here).
    assert_every_kind_fired(&before_second, &after_second);
    assert!(expired_2 >= 1 && refreshed_2 >= 1);
    assert!(rotations.load(Ordering::SeqCst) > saved_before);
    let server = server_set(&client).await;
    assert_eq!(server.len(), CONTACTS + 300 - 300);
    assert!(local == server, "the local copy equals the server's set");

    // And a quiet round changes nothing.
    let third = delta_round(&client, Some(&second.delta_link), &mut local, |_| async {}).await;
    assert!(third.upserts.is_empty() && third.removed.is_empty());
})
    .await;
}
