//! `Client::with_options`: per-call timeouts, retry policy and cancellation on a view of a
//! client that keeps its tokens and pool.

mod common;

use std::time::{Duration, Instant};

use common::{CONTACT_SCOPES, DEADLINE, Env};
use messenger_connect::{CallOptions, CancellationToken, Error, RetryChanges, RetryPolicy};
use messenger_connect_mock::control::FaultSpec;
use messenger_connect_mock::deadline;

/// Times the fault with this id fired.
fn fired(env: &Env, id: &str) -> u64 {
    let faults = env.control.faults();
    faults.iter().find(|f| f.id == id).expect("the fault").fired
}

fn expect_cancelled<T: std::fmt::Debug>(result: Result<T, Error>) {
    match result {
        Err(Error::Network { message, timeout }) => {
            assert!(!timeout, "a cancellation is not a timeout");
            assert!(message.contains("cancelled"), "{message}");
        }
        other => panic!("expected a cancelled call, got {other:?}"),
    }
}

#[tokio::test]
async fn a_cancelled_view_sends_nothing_and_ends_pending_calls() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        let token = CancellationToken::new();
        let view = client
            .with_options(CallOptions {
                cancel: Some(token.clone()),
                ..CallOptions::default()
            })
            .expect("options");
        assert_eq!(
            view.me().await.expect("me").id,
            env.users[0].id,
            "same user"
        );

        // A call held by the server ends when the token is cancelled, not when it answers.
        const DELAY: Duration = Duration::from_secs(20);
        let slow = env
            .fault(
                FaultSpec::delay(DELAY.as_millis() as u64)
                    .on_path("/v1/me/status")
                    .times(1),
            )
            .await;
        let pending = tokio::spawn({
            let view = view.clone();
            async move { view.status().await }
        });
        while fired(&env, &slow) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let started = Instant::now();
        token.cancel();
        expect_cancelled(pending.await.expect("task"));
        assert!(started.elapsed() < DELAY / 4, "{:?}", started.elapsed());

        // Later calls through the view fail before any request; the client is untouched.
        env.clear_journal().await;
        expect_cancelled(view.me().await);
        assert!(env.journal("/v1/").await.is_empty(), "nothing was sent");
        assert_eq!(client.me().await.expect("client").id, env.users[0].id);
    })
    .await;
}

#[tokio::test]
async fn a_view_has_its_own_retry_policy_and_timeouts() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        let once = client
            .with_options(CallOptions {
                retry: Some(RetryPolicy {
                    max_attempts: 1,
                    ..RetryPolicy::default()
                }),
                ..CallOptions::default()
            })
            .expect("options");
        assert_eq!(once.retry_policy().max_attempts, 1);
        assert_eq!(
            client.retry_policy().max_attempts,
            4,
            "the client keeps its own"
        );

        env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
            .await;
        match once.me().await {
            Err(e) => assert_eq!(e.status(), Some(503), "{e:?}"),
            Ok(_) => panic!("a single attempt met the 503"),
        }
        env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
            .await;
        client.me().await.expect("the client retries");

        // A view of a view keeps what it does not change.
        let impatient = once
            .with_options(CallOptions {
                total_timeout: Some(Duration::from_millis(300)),
                ..CallOptions::default()
            })
            .expect("options");
        assert_eq!(impatient.retry_policy().max_attempts, 1);
        // (A short delay: the server holds this request until it ends, and the test's
        // server waits for it when it shuts down.)
        let slow = env
            .fault(FaultSpec::delay(4_000).on_path("/v1/me/status").times(1))
            .await;
        let started = Instant::now();
        match impatient.status().await {
            Err(Error::Network { timeout, .. }) => assert!(timeout),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(fired(&env, &slow), 1);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_view_refuses_zero_limits_and_changes_apply_over_the_clients_policy() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let (client, _) = env.client(0, CONTACT_SCOPES).await;
        env.clear_journal().await;
        for (options, name) in [
            (
                CallOptions {
                    request_timeout: Some(Duration::ZERO),
                    ..CallOptions::default()
                },
                "requestTimeout",
            ),
            (
                CallOptions {
                    total_timeout: Some(Duration::ZERO),
                    ..CallOptions::default()
                },
                "totalTimeout",
            ),
            (
                CallOptions {
                    retry: Some(RetryPolicy {
                        max_attempts: 0,
                        ..RetryPolicy::default()
                    }),
                    ..CallOptions::default()
                },
                "maxAttempts",
            ),
        ] {
            match client.with_options(options) {
                Err(Error::InvalidArgument { name: got, .. }) => assert_eq!(got, name),
                other => panic!("{name}: expected InvalidArgument, got {other:?}"),
            }
        }

        // Changes keep what they do not give; none given is no policy of the view's own.
        let base = client.retry_policy().clone();
        assert_eq!(RetryChanges::default().over(&base).expect("none"), None);
        let changed = RetryChanges {
            max_attempts: Some(2),
            max_retry_after: Some(Duration::from_secs(1)),
            ..RetryChanges::default()
        }
        .over(&base)
        .expect("valid")
        .expect("a policy");
        assert_eq!(
            changed,
            RetryPolicy {
                max_attempts: 2,
                max_retry_after: Duration::from_secs(1),
                ..base.clone()
            }
        );
        let zero = RetryChanges {
            max_attempts: Some(0),
            ..RetryChanges::default()
        };
        assert!(
            matches!(zero.over(&base), Err(Error::InvalidArgument { ref name, .. }) if name == "maxAttempts")
        );
        assert!(
            env.journal("/v1/").await.is_empty(),
            "nothing was sent for refused options"
        );
    })
    .await;
}
