//! The server starts, answers health and serves its spec.
mod common;

use common::Env;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn health_and_request_id() {
    let env = Env::start();
    let r = env.control(Method::GET, "/health", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "ok");
    assert!(r.header("request-id").is_some_and(|id| id.len() == 36));
}
