//! Retries under injected faults: 429 with Retry-After, 503, connection reset, truncated
//! and malformed bodies, and an idempotent POST under `dropAfterCommit`.

mod common;

use common::{CONTACT_SCOPES, DEADLINE, Env};
use messenger_connect::models::NewContact;
use messenger_connect::{Error, Filter, Query, RetryPolicy};
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use messenger_connect_mock::deadline;
use std::time::{Duration, Instant};

/// Statuses the journal recorded for `path`.
async fn statuses(env: &Env, path: &str) -> Vec<u16> {
    env.journal(path)
        .await
        .iter()
        .filter(|e| e.path == path)
        .map(|e| e.status)
        .collect()
}

#[tokio::test]
async fn status_faults_are_retried() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        env.clear_journal().await;
        env.fault(
            FaultSpec::status(429)
                .on_path("/v1/me")
                .retry_after(1)
                .times(1),
        )
        .await;
        env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
            .await;
        let started = std::time::Instant::now();
        assert_eq!(client.me().await.expect("me").id, env.users[0].id);
        assert!(
            started.elapsed() >= std::time::Duration::from_secs(1),
            "Retry-After honoured"
        );
        assert_eq!(statuses(&env, "/v1/me").await, [429, 503, 200]);

        env.fault(FaultSpec::status(502).on_path("/v1/me/status").times(2))
            .await;
        env.fault(FaultSpec::status(504).on_path("/v1/me/status").times(1))
            .await;
        client.status().await.expect("status");
        assert_eq!(statuses(&env, "/v1/me/status").await, [502, 502, 504, 200]);
    })
    .await;
}

#[tokio::test]
async fn attempts_are_bounded_and_other_statuses_not_retried() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        env.clear_journal().await;
        env.fault(FaultSpec::status(503).on_path("/v1/me")).await;
        let err = client.me().await.expect_err("always 503");
        assert_eq!(err.status(), Some(503));
        assert_eq!(err.code(), Some("serviceUnavailable"));
        assert_eq!(statuses(&env, "/v1/me").await.len(), 4, "max_attempts");

        env.fault(FaultSpec::status(500).on_path("/v1/me/status").times(1))
            .await;
        assert_eq!(client.status().await.expect_err("500").status(), Some(500));
        assert_eq!(statuses(&env, "/v1/me/status").await, [500]);

        // A Retry-After longer than the policy allows ends the retries at once.
        env.fault(
            FaultSpec::status(429)
                .on_path("/v1/users/*")
                .retry_after(3600)
                .times(1),
        )
        .await;
        let err = client.user(&env.users[1].id).await.expect_err("429");
        assert_eq!(
            err.api().and_then(|a| a.retry_after),
            Some(std::time::Duration::from_secs(3600))
        );

        let no_retry = env
            .builder(&common::App {
                id: "x".into(),
                secret: None,
            })
            .retry_policy(RetryPolicy::none());
        let no_retry = no_retry
            .tokens(client.tokens().expect("tokens"))
            .build()
            .expect("client");
        env.clear_journal().await;
        env.fault(
            FaultSpec::status(503)
                .on_path("/v1/me/permissions")
                .times(1),
        )
        .await;
        assert_eq!(
            no_retry.permissions().await.expect_err("503").status(),
            Some(503)
        );
        assert_eq!(statuses(&env, "/v1/me/permissions").await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn resets_and_bad_bodies_are_retried_on_reads() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        env.clear_journal().await;
        for kind in [FaultKind::Reset, FaultKind::Truncated, FaultKind::Malformed] {
            env.fault(
                FaultSpec::new(kind)
                    .on_path("/v1/me/contacts")
                    .on_method("GET")
                    .times(1),
            )
            .await;
        }
        let page = client
            .list_contacts(&Query::new().top(10))
            .await
            .expect("list after three faults");
        assert_eq!(page.items.len(), 10);
        assert_eq!(
            env.journal("/v1/me/contacts").await.len(),
            4,
            "three faulty attempts, then success"
        );

        // Without retries each one is reported as what it is.
        let once = env
            .builder(&common::App {
                id: "x".into(),
                secret: None,
            })
            .retry_policy(RetryPolicy::none())
            .tokens(client.tokens().expect("tokens"))
            .build()
            .expect("client");
        env.fault(FaultSpec::new(FaultKind::Reset).on_path("/v1/me").times(1))
            .await;
        assert!(matches!(once.me().await, Err(Error::Network { .. })));
        env.fault(
            FaultSpec::new(FaultKind::Malformed)
                .on_path("/v1/me")
                .times(1),
        )
        .await;
        assert!(matches!(
            once.me().await,
            Err(Error::Decode { status: 200, .. })
        ));
        env.fault(
            FaultSpec::new(FaultKind::Truncated)
                .on_path("/v1/me")
                .times(1),
        )
        .await;
        assert!(matches!(once.me().await, Err(Error::Network { .. })));
    })
    .await;
}

#[tokio::test]
async fn post_after_drop_after_commit_creates_one_contact() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        env.clear_journal().await;
        env.fault(
            FaultSpec::new(FaultKind::DropAfterCommit)
                .on_method("POST")
                .on_path("/v1/me/contacts")
                .times(1),
        )
        .await;
        env.fault(
            FaultSpec::status(503)
                .on_method("POST")
                .on_path("/v1/me/contacts")
                .times(1),
        )
        .await;
        let created = client
            .create_contact(&NewContact::new("Exactly Once"))
            .await
            .expect("create");
        let posts: Vec<_> = env
            .journal("/v1/me/contacts")
            .await
            .into_iter()
            .filter(|e| e.method == "POST")
            .collect();
        assert_eq!(posts.len(), 3, "committed-then-dropped, 503, replayed");
        let keys: Vec<_> = posts
            .iter()
            .map(|e| e.idempotency_key.clone().expect("key"))
            .collect();
        assert!(
            keys.iter().all(|k| k == &keys[0]),
            "one key reused by every retry: {keys:?}"
        );
        let page = client
            .list_contacts(&Query::new().filter(Filter::eq("displayName", "Exactly Once")))
            .await
            .expect("list");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].id, created.id);

        // A second logical call gets a new key, so it creates another contact.
        client
            .create_contact(&NewContact::new("Exactly Once"))
            .await
            .expect("create again");
        let posts: Vec<_> = env
            .journal("/v1/me/contacts")
            .await
            .into_iter()
            .filter(|e| e.method == "POST")
            .collect();
        assert_ne!(posts[3].idempotency_key, posts[0].idempotency_key);
    })
    .await;
}

#[tokio::test]
async fn delete_cut_off_after_commit_still_succeeds() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        let contact = client
            .create_contact(&NewContact::new("Short Lived"))
            .await
            .expect("create");
        env.fault(
            FaultSpec::new(FaultKind::DropAfterCommit)
                .on_method("DELETE")
                .times(1),
        )
        .await;
        client
            .delete_contact(&contact.id, None)
            .await
            .expect("delete, retried");
        assert_eq!(
            client
                .get_contact(&contact.id)
                .await
                .expect_err("deleted")
                .status(),
            Some(404)
        );
    })
    .await;
}

#[tokio::test]
async fn token_requests_are_not_replayed_after_a_reset() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let app = env.app(false).await;
        let tokens = common::expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
        let client = env.builder(&app).tokens(tokens).build().expect("client");
        env.clear_journal().await;
        env.fault(
            FaultSpec::new(FaultKind::Reset)
                .on_path("/oauth/token")
                .times(1),
        )
        .await;
        assert!(matches!(client.me().await, Err(Error::Network { .. })));
        assert_eq!(
            env.journal("/oauth/token").await.len(),
            1,
            "a refresh may have been committed: not resent"
        );
    })
    .await;
}

/// Times the fault with this id fired, from the control plane.
fn fired(env: &Env, id: &str) -> u64 {
    let faults = env.control.faults();
    faults.iter().find(|f| f.id == id).expect("the fault").fired
}

#[tokio::test]
async fn a_slow_attempt_times_out_and_is_retried() {
    deadline(DEADLINE, async {
        // The server holds the first answer for DELAY; the client gives up on it after
        // TIMEOUT. Had the timeout been ignored, the call would take the whole DELAY.
        const TIMEOUT: Duration = Duration::from_millis(300);
        const DELAY: Duration = Duration::from_secs(6);
        let env = Env::start();
        let app = env.app(false).await;
        let tokens = env.mint(0, &app, CONTACT_SCOPES, None).await;
        let client = env
            .builder(&app)
            .request_timeout(Some(TIMEOUT))
            .tokens(tokens)
            .build()
            .expect("client");
        let slow = env
            .fault(
                FaultSpec::delay(DELAY.as_millis() as u64)
                    .on_path("/v1/me")
                    .times(1),
            )
            .await;
        let started = Instant::now();
        assert_eq!(
            client.me().await.expect("second attempt").id,
            env.users[0].id
        );
        let took = started.elapsed();
        assert_eq!(fired(&env, &slow), 1, "the first attempt met the delay");
        assert!(took >= TIMEOUT, "waited the timeout first: {took:?}");
        assert!(
            took < DELAY / 2,
            "the timeout cut the slow attempt short: {took:?}"
        );
        assert_eq!(statuses(&env, "/v1/me").await.last(), Some(&200));

        // The total timeout ends the call itself, retries or not.
        let impatient = env
            .builder(&app)
            .total_timeout(Some(TIMEOUT))
            .tokens(client.tokens().expect("tokens"))
            .build()
            .expect("client");
        let slow = env
            .fault(
                FaultSpec::delay(DELAY.as_millis() as u64)
                    .on_path("/v1/me/status")
                    .times(1),
            )
            .await;
        let started = Instant::now();
        match impatient.status().await {
            Err(Error::Network { timeout, .. }) => assert!(timeout),
            other => panic!("expected a timeout, got {other:?}"),
        }
        let took = started.elapsed();
        assert_eq!(fired(&env, &slow), 1);
        assert!(took >= TIMEOUT, "{took:?}");
        assert!(
            took < DELAY / 2,
            "the total timeout ended the call: {took:?}"
        );
    })
    .await;
}
