//! A token store that fails (DESIGN §3, "Token store failures"): the call that obtained
//! the tokens fails with `Error::TokenStore`, carrying them and the cause; the client
//! keeps using them; saving them again from the error lets the next run go on, and the
//! server never sees a retired refresh token again.
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{CONTACT_SCOPES, Env, expired};
use messenger_connect::{Error, SaveFuture, TokenSet, TokenStore};
use messenger_connect_mock::control::JournalEntry;

/// Where a job keeps a user's tokens; refuses to save while `failures` is above zero.
#[derive(Default)]
struct FlakyDb {
    saved: Mutex<Option<TokenSet>>,
    failures: AtomicUsize,
    attempts: AtomicUsize,
}

#[derive(Debug)]
struct DiskFull;

impl std::fmt::Display for DiskFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("database or disk is full")
    }
}

impl std::error::Error for DiskFull {}

impl TokenStore for FlakyDb {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> SaveFuture<'a> {
        Box::pin(async move {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            let left = self.failures.load(Ordering::SeqCst);
            if left > 0 {
                self.failures.store(left - 1, Ordering::SeqCst);
                return Err(Box::new(DiskFull) as _);
            }
            *self.saved.lock().unwrap() = Some(tokens.clone());
            Ok(())
        })
    }
}

/// Token-endpoint answers in the journal that are errors (reuse detection shows up as
/// `invalid_grant` there).
async fn token_errors(env: &Env) -> Vec<JournalEntry> {
    env.journal("/oauth/token")
        .await
        .into_iter()
        .filter(|r| r.status != 200)
        .collect()
}

#[tokio::test]
async fn a_failed_save_fails_the_call_with_the_new_tokens_and_the_cause() {
    let env = Env::start();
    let app = env.app(false).await;
    let first = expired(env.mint(0, &app, CONTACT_SCOPES, None).await);
    let db = Arc::new(FlakyDb {
        failures: AtomicUsize::new(1),
        ..FlakyDb::default()
    });
    let client = env
        .builder(&app)
        .tokens(first.clone())
        .token_store(db.clone())
        .build()
        .expect("client");

    let err = client.me().await.expect_err("the save failed");
    let Error::TokenStore { tokens, cause } = &err else {
        panic!("expected a TokenStore error, got {err:?}");
    };
    assert!(cause.get_ref().downcast_ref::<DiskFull>().is_some());
    assert!(
        err.to_string().contains("database or disk is full"),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert_ne!(tokens.refresh_token, first.refresh_token, "rotated");
    assert_eq!(err.unsaved_tokens(), Some(&**tokens));
    // No secret in the message or Debug.
    let secret = tokens.refresh_token.as_ref().unwrap().expose().to_string();
    assert!(!format!("{err} {err:?}").contains(&secret));
    // The client uses the new tokens: the next call needs no refresh.
    assert_eq!(client.tokens().as_ref(), Some(&**tokens));
    assert_eq!(client.me().await.expect("me").id, env.users[0].id);
    assert_eq!(
        db.attempts.load(Ordering::SeqCst),
        1,
        "one refresh, one save"
    );
    assert!(db.saved.lock().unwrap().is_none());

    // The caller saves them itself; the next run starts from them and refreshes again.
    db.save(tokens).await.expect("saved the second time");
    let stored = db.saved.lock().unwrap().clone().expect("stored");
    let next_run = env
        .builder(&app)
        .tokens(expired(stored.clone()))
        .token_store(db.clone())
        .build()
        .expect("client");
    assert_eq!(next_run.me().await.expect("me").id, env.users[0].id);
    let newest = db.saved.lock().unwrap().clone().expect("stored");
    assert_ne!(newest.refresh_token, stored.refresh_token);
    assert!(token_errors(&env).await.is_empty(), "no invalid_grant");
}

#[tokio::test]
async fn closures_may_fail_and_a_slow_store_times_out() {
    let env = Env::start();
    let app = env.app(false).await;
    let tokens = expired(env.mint(1, &app, CONTACT_SCOPES, None).await);
    let client = env
        .builder(&app)
        .tokens(tokens)
        .on_tokens(|_: &TokenSet| Err::<(), _>("lock timeout"))
        .build()
        .expect("client");
    let err = client.me().await.expect_err("store failed");
    assert!(matches!(err, Error::TokenStore { .. }), "{err:?}");
    assert!(err.to_string().contains("lock timeout"), "{err}");

    struct Never;
    impl TokenStore for Never {
        fn save<'a>(&'a self, _: &'a TokenSet) -> SaveFuture<'a> {
            Box::pin(std::future::pending())
        }
    }
    let slow = env
        .builder(&app)
        .tokens(expired(env.mint(2, &app, CONTACT_SCOPES, None).await))
        .token_store(Arc::new(Never))
        .token_store_timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let err = slow.me().await.expect_err("timed out");
    assert!(err.to_string().contains("did not finish within"), "{err}");
    assert!(err.unsaved_tokens().is_some());
    assert!(token_errors(&env).await.is_empty());
}

#[tokio::test]
async fn only_the_call_that_refreshed_fails_under_concurrency() {
    let env = Env::start();
    let app = env.app(false).await;
    let db = Arc::new(FlakyDb {
        failures: AtomicUsize::new(1),
        ..FlakyDb::default()
    });
    let client = env
        .builder(&app)
        .tokens(expired(env.mint(0, &app, CONTACT_SCOPES, None).await))
        .token_store(db.clone())
        .build()
        .expect("client");
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.me().await })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        match call.await.expect("task") {
            Ok(me) => assert_eq!(me.id, env.users[0].id),
            Err(Error::TokenStore { .. }) => failed += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(failed, 1, "one refresh, one failed save, one failed call");
    assert_eq!(db.attempts.load(Ordering::SeqCst), 1);
}
