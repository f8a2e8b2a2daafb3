//! A deadline for a test's body: a test that waits forever (a lost event, a response that
//! never comes) fails with its name instead of hanging the whole run.

use std::future::Future;
use std::time::Duration;

/// Runs `body` for at most `limit`, then panics naming the test. The name is the calling
/// thread's, which libtest sets to the test's path, so call it from the test itself:
///
/// ```no_run
/// # async fn run() {
/// use std::time::Duration;
/// messenger_connect_mock::deadline(Duration::from_secs(60), async {
///     // the test's body: every wait in it is now bounded
/// })
/// .await;
/// # }
/// ```
///
/// Needs a tokio runtime with time enabled (`#[tokio::test]` has one).
pub fn deadline<F: Future>(limit: Duration, body: F) -> impl Future<Output = F::Output> {
    let name = std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string();
    async move {
        match tokio::time::timeout(limit, body).await {
            Ok(out) => out,
            Err(_) => panic!(
                "{name}: still running after {} s, failed by its deadline (a wait that never ends?)",
                limit.as_secs()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_that_never_ends_fails_with_the_tests_name() {
        let hung = tokio::spawn(deadline(
            Duration::from_millis(20),
            std::future::pending::<()>(),
        ));
        let panic = hung.await.expect_err("the deadline fails it").into_panic();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.contains("a_body_that_never_ends_fails_with_the_tests_name"),
            "{message}"
        );
        assert_eq!(deadline(Duration::from_secs(5), async { 7 }).await, 7);
    }
}
