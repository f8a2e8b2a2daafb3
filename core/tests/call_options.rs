//! `Client::with_options`: per-call timeouts, retry policy and cancellation on a view of a
//! client that keeps its tokens and pool.

mod common;

use std::time::{Duration, Instant};

use common::{CONTACT_SCOPES, DEADLINE, Env};
use messenger_connect::{CallOptions, CancellationToken, Error, RetryPolicy};
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
        let view = client.with_options(CallOptions {
            cancel: Some(token.clone()),
            ..CallOptions::default()
        });
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
        let once = client.with_options(CallOptions {
            retry: Some(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            }),
            ..CallOptions::default()
        });
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
        let impatient = once.with_options(CallOptions {
            total_timeout: Some(Duration::from_millis(300)),
            ..CallOptions::default()
        });
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
