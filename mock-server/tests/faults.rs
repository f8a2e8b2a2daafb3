//! Injected faults (`/_mock/faults`): what each kind does to a matching request, how
//! faults match, count and draw, and that the control plane is never affected.
mod common;
#[path = "support/rest.rs"]
mod rest;

use common::{ALL_SCOPES, DEADLINE, Env};
use messenger_connect_mock::control::{FaultKind, FaultSpec};
use messenger_connect_mock::deadline;
use reqwest::{Method, StatusCode};
use rest::{all, assert_error, call, fresh};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn faults(env: &Env) -> Vec<Value> {
    let r = env.control(Method::GET, "/_mock/faults", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["faults"].as_array().cloned().unwrap_or_default()
}

async fn fired(env: &Env, id: &str) -> u64 {
    faults(env)
        .await
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("fault {id} is listed"))["fired"]
        .as_u64()
        .unwrap()
}

/// A raw GET (the reply is not read).
async fn raw_get(env: &Env, path: &str, token: &str) -> reqwest::Result<reqwest::Response> {
    env.http.get(env.url(path)).bearer_auth(token).send().await
}

#[tokio::test]
async fn status_fault_answers_without_running_the_request() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let id = env
            .fault(FaultSpec::status(503).on_path("/v1/me").retry_after(7))
            .await;
        for _ in 0..2 {
            let r = env.get("/v1/me", &token).await;
            assert_error(
                &r,
                StatusCode::SERVICE_UNAVAILABLE,
                "serviceUnavailable",
                None,
            );
            assert_eq!(r.header("retry-after"), Some("7"));
        }
        assert_eq!(fired(&env, &id).await, 2);
        // Other paths are untouched.
        assert_eq!(
            env.get("/v1/me/status", &token).await.status,
            StatusCode::OK
        );
        // A status fault on a write does not run it.
        env.fault(
            FaultSpec::status(500)
                .on_method("POST")
                .on_path("/v1/me/contacts"),
        )
        .await;
        let before = all(&env, &token).await.len();
        let r = env
            .post("/v1/me/contacts", &token, json!({ "displayName": "Never" }))
            .await;
        assert_error(
            &r,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            None,
        );
        assert_eq!(all(&env, &token).await.len(), before);

        // The fault listing shows what was asked for.
        let list = faults(&env).await;
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["id"], id.as_str());
        assert_eq!(list[0]["kind"], "status");
        assert_eq!(list[0]["status"], 503);
        assert_eq!(list[0]["retryAfter"], 7);
        assert_eq!(list[0]["path"], "/v1/me");
        // Removing it restores service.
        let r = env
            .control(Method::DELETE, &format!("/_mock/faults/{id}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
        assert_eq!(faults(&env).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn delay_fault_still_answers() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        const DELAY: Duration = Duration::from_millis(300);
        let id = env
            .fault(
                FaultSpec::delay(DELAY.as_millis() as u64)
                    .on_path("/v1/me")
                    .times(1),
            )
            .await;
        let started = Instant::now();
        let r = env.get("/v1/me", &token).await;
        let took = started.elapsed();
        assert!(took >= DELAY, "the answer waited the delay: {took:?}");
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["id"], env.users[0].id.as_str());
        assert_eq!(fired(&env, &id).await, 1);
        env.get("/v1/me", &token).await;
        assert_eq!(fired(&env, &id).await, 1, "count 1");
    })
    .await;
}

#[tokio::test]
async fn reset_fault_closes_the_connection() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let id = env
            .fault(FaultSpec::new(FaultKind::Reset).on_path("/v1/me"))
            .await;
        let err = raw_get(&env, "/v1/me", &token)
            .await
            .expect_err("the connection is closed without an answer");
        assert!(!err.is_status(), "{err}");
        assert!(fired(&env, &id).await >= 1);
        // The journal records it, with status 0: nothing was answered.
        let entries = env.journal("/v1/me").await;
        assert!(!entries.is_empty());
        assert!(entries.iter().all(|e| e["status"] == 0), "{entries:#?}");
        // Other requests still work.
        assert_eq!(
            env.get("/v1/me/status", &token).await.status,
            StatusCode::OK
        );
        env.control(Method::DELETE, "/_mock/faults", None).await;
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn malformed_fault_keeps_the_status_and_breaks_the_body() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        env.fault(FaultSpec::new(FaultKind::Malformed).on_path("/v1/*"))
            .await;
        let r = env.get("/v1/me", &token).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.text.is_empty());
        assert!(
            serde_json::from_str::<Value>(&r.text).is_err(),
            "{}",
            r.text
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(r.header("request-id").is_some());
        // An error status is kept too.
        let r = env.get("/v1/users/u-nobody", &token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(serde_json::from_str::<Value>(&r.text).is_err());
        // The request did run: a malformed answer to a POST still created the contact.
        let r = env
            .post(
                "/v1/me/contacts",
                &token,
                json!({ "displayName": "Ran Anyway" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        env.control(Method::DELETE, "/_mock/faults", None).await;
        let names = rest::names(&all(&env, &token).await);
        assert!(names.contains(&"Ran Anyway".to_string()));
    })
    .await;
}

#[tokio::test]
async fn truncated_fault_cuts_the_body_short() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let id = env
            .fault(
                FaultSpec::new(FaultKind::Truncated)
                    .on_path("/v1/me/contacts")
                    .times(1),
            )
            .await;
        let resp = raw_get(&env, "/v1/me/contacts", &token)
            .await
            .expect("the head arrives");
        assert_eq!(resp.status(), StatusCode::OK);
        let announced = resp.content_length();
        assert!(announced.is_some_and(|n| n > 0));
        assert!(resp.bytes().await.is_err(), "reading the body fails");
        assert_eq!(fired(&env, &id).await, 1);
        // Next time (count 1) the whole body arrives, as long as announced.
        let resp = raw_get(&env, "/v1/me/contacts", &token).await.unwrap();
        let len = resp.content_length();
        let body = resp.bytes().await.expect("whole body");
        assert!(serde_json::from_slice::<Value>(&body).is_ok());
        assert_eq!(len, announced);
    })
    .await;
}

#[tokio::test]
async fn drop_after_commit_runs_the_request_and_a_keyed_retry_replays_it() {
    deadline(DEADLINE, async {
        let env = Env::start();
        fresh(&env, 0).await;
        let token = env.token(0, ALL_SCOPES).await;
        let id = env
            .fault(
                FaultSpec::new(FaultKind::DropAfterCommit)
                    .on_method("POST")
                    .on_path("/v1/me/contacts")
                    .times(1),
            )
            .await;
        let body = json!({ "displayName": "Committed" });
        let err = env
            .http
            .post(env.url("/v1/me/contacts"))
            .bearer_auth(&token)
            .header("idempotency-key", "drop-1")
            .json(&body)
            .send()
            .await
            .expect_err("no answer");
        assert!(!err.is_status(), "{err}");
        assert_eq!(fired(&env, &id).await, 1);
        let contacts = all(&env, &token).await;
        assert_eq!(contacts.len(), 1, "the contact was created");
        assert_eq!(contacts[0]["displayName"], "Committed");

        let r = call(
            &env,
            Method::POST,
            "/v1/me/contacts",
            Some(&token),
            Some(body),
            &[("idempotency-key", "drop-1")],
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.header("idempotent-replayed"), Some("true"));
        assert_eq!(r.body, contacts[0]);
        assert_eq!(all(&env, &token).await.len(), 1, "no duplicate");
    })
    .await;
}

#[tokio::test]
async fn count_limits_how_often_a_fault_fires() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let id = env
            .fault(FaultSpec::status(500).on_path("/v1/me").times(3))
            .await;
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(env.get("/v1/me", &token).await.status.as_u16());
        }
        assert_eq!(statuses, [500, 500, 500, 200, 200, 200]);
        assert_eq!(fired(&env, &id).await, 3);
        // A spent fault is still listed until removed.
        assert_eq!(faults(&env).await.len(), 1);
    })
    .await;
}

async fn pattern(env: &Env, token: &str, seed: u64) -> Vec<bool> {
    env.control(Method::DELETE, "/_mock/faults", None).await;
    let id = env
        .fault(
            FaultSpec::status(503)
                .on_path("/v1/me")
                .with_probability(0.5, seed),
        )
        .await;
    let mut hits = Vec::new();
    for _ in 0..50 {
        let s = env.get("/v1/me", token).await.status;
        assert!(
            s == StatusCode::OK || s == StatusCode::SERVICE_UNAVAILABLE,
            "{s}"
        );
        hits.push(s == StatusCode::SERVICE_UNAVAILABLE);
    }
    let n = hits.iter().filter(|h| **h).count() as u64;
    assert_eq!(fired(env, &id).await, n);
    hits
}

#[tokio::test]
async fn probability_draws_are_deterministic_per_seed() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let a = pattern(&env, &token, 7).await;
        let b = pattern(&env, &token, 7).await;
        assert_eq!(a, b, "same seed, same pattern");
        let hits = a.iter().filter(|h| **h).count();
        assert!((10..=40).contains(&hits), "about half fire: {hits}");
        let c = pattern(&env, &token, 8).await;
        assert_ne!(a, c, "another seed, another pattern");

        // The same holds on a fresh server.
        let other = Env::start();
        let t = other.token(0, ALL_SCOPES).await;
        assert_eq!(pattern(&other, &t, 7).await, a);

        // probability 0 never fires, 1 always.
        for (p, expected) in [
            (0.0, StatusCode::OK),
            (1.0, StatusCode::SERVICE_UNAVAILABLE),
        ] {
            env.control(Method::DELETE, "/_mock/faults", None).await;
            env.fault(FaultSpec {
                probability: Some(p),
                ..FaultSpec::status(503).on_path("/v1/me")
            })
            .await;
            for _ in 0..5 {
                assert_eq!(env.get("/v1/me", &token).await.status, expected);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn faults_match_by_method_and_path() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let contact = all(&env, &token).await[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        // Exact path: only that path.
        env.fault(FaultSpec::status(502).on_path("/v1/me")).await;
        assert_eq!(
            env.get("/v1/me", &token).await.status,
            StatusCode::BAD_GATEWAY
        );
        assert_eq!(
            env.get("/v1/me/status", &token).await.status,
            StatusCode::OK
        );
        env.control(Method::DELETE, "/_mock/faults", None).await;

        // Prefix with `*`, method in any case.
        env.fault(
            FaultSpec::status(504)
                .on_method("patch")
                .on_path("/v1/me/contacts/*"),
        )
        .await;
        let path = format!("/v1/me/contacts/{contact}");
        let r = call(
            &env,
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "nickname": "x" })),
            &[],
        )
        .await;
        assert_error(&r, StatusCode::GATEWAY_TIMEOUT, "gatewayTimeout", None);
        assert_eq!(env.get(&path, &token).await.status, StatusCode::OK);
        assert!(env.get(&path, &token).await.body["nickname"].is_null());
        assert_eq!(
            env.get("/v1/me/contacts", &token).await.status,
            StatusCode::OK
        );
        env.control(Method::DELETE, "/_mock/faults", None).await;

        // No path: every path; a method only.
        env.fault(FaultSpec::status(418).on_method("DELETE")).await;
        let r = env.send(Method::DELETE, &path, Some(&token), None).await;
        assert_error(&r, StatusCode::IM_A_TEAPOT, "injectedFault", None);
        assert_eq!(
            env.get(&path, &token).await.status,
            StatusCode::OK,
            "not deleted"
        );
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
        env.control(Method::DELETE, "/_mock/faults", None).await;

        // The first matching fault, in the order added, fires.
        let first = env
            .fault(FaultSpec::status(500).on_path("/v1/*").times(1))
            .await;
        let second = env
            .fault(FaultSpec::status(503).on_path("/v1/me").times(1))
            .await;
        assert_eq!(env.get("/v1/me", &token).await.status.as_u16(), 500);
        assert_eq!(env.get("/v1/me", &token).await.status.as_u16(), 503);
        assert_eq!(env.get("/v1/me", &token).await.status.as_u16(), 200);
        assert_eq!(fired(&env, &first).await, 1);
        assert_eq!(fired(&env, &second).await, 1);
    })
    .await;
}

#[tokio::test]
async fn faults_are_removed_one_by_one_or_all_at_once() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        let a = env.fault(FaultSpec::status(500).on_path("/v1/me")).await;
        let b = env
            .fault(FaultSpec::status(500).on_path("/v1/me/status"))
            .await;
        assert_ne!(a, b);
        let r = env
            .control(Method::DELETE, &format!("/_mock/faults/{a}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
        assert_eq!(env.get("/v1/me/status", &token).await.status.as_u16(), 500);
        let r = env
            .control(Method::DELETE, &format!("/_mock/faults/{a}"), None)
            .await;
        assert_error(&r, StatusCode::NOT_FOUND, "notFound", None);
        let listed: Vec<Value> = faults(&env).await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["id"], b.as_str());

        env.fault(FaultSpec::new(FaultKind::Reset).on_path("/v1/me"))
            .await;
        let r = env.control(Method::DELETE, "/_mock/faults", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert!(faults(&env).await.is_empty());
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
        assert_eq!(
            env.get("/v1/me/status", &token).await.status,
            StatusCode::OK
        );

        // A reset clears them too.
        env.fault(FaultSpec::status(500).on_path("/v1/me")).await;
        fresh(&env, 1).await;
        assert!(faults(&env).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn faults_never_touch_the_control_plane() {
    deadline(DEADLINE, async {
        let env = Env::start();
        let token = env.token(0, ALL_SCOPES).await;
        for kind in [
            FaultKind::Status,
            FaultKind::Reset,
            FaultKind::Malformed,
            FaultKind::Truncated,
            FaultKind::DropAfterCommit,
        ] {
            env.control(Method::DELETE, "/_mock/faults", None).await;
            let fault = FaultSpec {
                status: Some(500),
                ..FaultSpec::new(kind)
            };
            env.fault(fault.clone()).await;
            env.fault(fault.on_path("/_mock/*")).await;
            for (method, path, body) in [
                (Method::GET, "/_mock/faults", None),
                (Method::GET, "/_mock/clock", None),
                (Method::GET, "/_mock/users", None),
                (Method::GET, "/_mock/requests?path=/nothing", None),
                (
                    Method::POST,
                    "/_mock/clock",
                    Some(json!({ "advanceSeconds": 0 })),
                ),
                (Method::GET, "/health", None),
            ] {
                let r = env.control(method.clone(), path, body).await;
                assert!(
                    r.status.is_success(),
                    "{kind:?}: {method} {path}: {}",
                    r.status
                );
                assert!(r.body.is_object(), "{kind:?}: {method} {path}: {}", r.text);
            }
            // ... while the resource API is affected.
            match raw_get(&env, "/v1/me", &token).await {
                Ok(resp) if kind == FaultKind::Status => assert_eq!(resp.status().as_u16(), 500),
                Ok(resp) => {
                    let text = resp.text().await;
                    assert!(
                        text.map(|t| serde_json::from_str::<Value>(&t).is_err())
                            .unwrap_or(true),
                        "{kind:?} fired"
                    );
                }
                Err(_) => assert!(
                    matches!(kind, FaultKind::Reset | FaultKind::DropAfterCommit),
                    "{kind:?}"
                ),
            }
        }
        // And the control plane still cleans up.
        let r = env.control(Method::DELETE, "/_mock/faults", None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(env.get("/v1/me", &token).await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn fault_specs_are_validated() {
    deadline(DEADLINE, async {
        let env = Env::start();
        for (spec, target) in [
            (json!({ "kind": "status" }), "status"),
            (json!({ "kind": "status", "status": 200 }), "status"),
            (json!({ "kind": "delay" }), "delayMs"),
            (json!({ "kind": "delay", "delayMs": 600_000 }), "delayMs"),
            (
                json!({ "kind": "status", "status": 500, "probability": 1.5 }),
                "probability",
            ),
            (
                json!({ "kind": "status", "status": 500, "path": "v1/me" }),
                "path",
            ),
            (
                json!({ "kind": "status", "status": 500, "method": "GET /" }),
                "method",
            ),
            (json!({ "kind": "explode" }), "kind"),
            (json!({ "status": 500 }), "kind"),
            (json!({ "kind": "status", "status": "500" }), "status"),
        ] {
            let r = env
                .control(Method::POST, "/_mock/faults", Some(spec.clone()))
                .await;
            assert_error(
                &r,
                StatusCode::BAD_REQUEST,
                "validationFailed",
                Some(target),
            );
        }
        assert!(faults(&env).await.is_empty());
    })
    .await;
}
