//! The client's `tracing` events (DESIGN §3, "Observability"): every attempt, retry,
//! Retry-After wait, refresh and resync is reported with its fields, on the targets of
//! `messenger_connect::targets`, and no event carries a token, secret or query string.
mod common;

use std::sync::{Arc, Mutex};

use common::{CONTACT_SCOPES, Env, expired};
use messenger_connect::targets;
use messenger_connect_mock::control::FaultSpec;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// One event as seen by a subscriber: level, target and every field as text.
#[derive(Debug, Clone)]
struct Seen {
    level: tracing::Level,
    target: String,
    fields: Vec<(String, String)>,
}

impl Seen {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn message(&self) -> &str {
        self.get("message").unwrap_or("")
    }
}

struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<Seen>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Collect {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(Vec::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(Seen {
            level: *event.metadata().level(),
            target: event.metadata().target().to_string(),
            fields: fields.0,
        });
    }
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        let mut fields = Fields(Vec::new());
        attrs.record(&mut fields);
        fields
            .0
            .push(("span".into(), attrs.metadata().name().to_string()));
        self.0.lock().unwrap().push(Seen {
            level: *attrs.metadata().level(),
            target: attrs.metadata().target().to_string(),
            fields: fields.0,
        });
    }
}

fn collect() -> (Collect, tracing::subscriber::DefaultGuard) {
    let seen = Collect::default();
    let subscriber = tracing_subscriber::registry().with(seen.clone());
    (seen, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn retries_waits_and_refreshes_are_reported_without_secrets() {
    let (seen, _guard) = collect();
    let env = Env::start();
    let (client, app) = env.client(0, CONTACT_SCOPES).await;
    let tokens = client.tokens().expect("tokens");
    client.set_tokens(expired(tokens.clone())).expect("valid");
    env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
        .await;
    env.fault(
        FaultSpec::status(429)
            .on_path("/v1/me/status")
            .retry_after(1)
            .times(1),
    )
    .await;
    client.me().await.expect("me after a retry");
    client.status().await.expect("status after Retry-After");
    let newest = client.tokens().expect("tokens");
    let round = client.sync_contacts(None).await.expect("round");
    client
        .create_contact(&messenger_connect::models::NewContact::new("Old Change"))
        .await
        .expect("create");
    // Past the change log's 7 days: the delta link is too old.
    env.advance(8 * 24 * 3600).await;
    let err = client
        .sync_contacts(Some(&round.delta_link))
        .await
        .expect_err("too old");
    assert!(
        matches!(err, messenger_connect::Error::ResyncRequired { .. }),
        "{err:?}"
    );
    let newer = client.tokens().expect("tokens");

    let events = seen.0.lock().unwrap().clone();
    let find = |message: &str| {
        events
            .iter()
            .find(|e| e.message().starts_with(message))
            .unwrap_or_else(|| panic!("no `{message}` event in {events:#?}"))
    };
    let retry = find("retrying");
    assert_eq!(retry.level, tracing::Level::INFO);
    assert_eq!(retry.target, targets::HTTP);
    assert_eq!(retry.get("path"), Some("/v1/me"));
    assert_eq!(retry.get("method"), Some("GET"));
    assert_eq!(retry.get("status"), Some("503"));
    assert_eq!(retry.get("attempt"), Some("1"));
    assert!(retry.get("wait_ms").is_some() && retry.get("request_id").is_some());

    let wait = find("waiting for Retry-After");
    assert_eq!(wait.get("wait_ms"), Some("1000"));
    assert_eq!(wait.get("status"), Some("429"));
    assert_eq!(wait.get("path"), Some("/v1/me/status"));

    let refreshed = find("refreshed the access token");
    assert_eq!(refreshed.target, targets::AUTH);
    assert_eq!(refreshed.get("refresh_token_rotated"), Some("true"));

    let response = find("response");
    assert_eq!(response.level, tracing::Level::DEBUG);
    assert!(response.get("elapsed_ms").is_some() && response.get("status").is_some());
    let call = events
        .iter()
        .find(|e| e.get("span") == Some("call"))
        .expect("a call span");
    assert!(call.get("method").is_some() && call.get("path").is_some());

    let resync = find("resync required");
    assert_eq!(resync.target, targets::SYNC);
    assert_eq!(resync.level, tracing::Level::WARN);

    // Nothing secret, and no query string (delta and skip tokens live there).
    let secrets = [
        tokens.access_token.expose().to_string(),
        tokens.refresh_token.clone().unwrap().expose().to_string(),
        newest.access_token.expose().to_string(),
        newest.refresh_token.clone().unwrap().expose().to_string(),
        newer.access_token.expose().to_string(),
        newer.refresh_token.clone().unwrap().expose().to_string(),
        app.secret.clone().unwrap(),
    ];
    for e in &events {
        for (name, value) in &e.fields {
            for s in &secrets {
                assert!(
                    !value.contains(s.as_str()),
                    "{name} of {e:?} shows a secret"
                );
            }
            if e.target.starts_with("messenger_connect::") {
                assert!(
                    !value.contains("deltatoken") && !value.contains('?'),
                    "{e:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn giving_up_is_a_warning() {
    let (seen, _guard) = collect();
    let env = Env::start();
    let (client, _) = env.client(0, CONTACT_SCOPES).await;
    env.fault(FaultSpec::status(503).on_path("/v1/me")).await;
    let err = client.me().await.expect_err("always 503");
    assert_eq!(err.status(), Some(503));
    let events = seen.0.lock().unwrap().clone();
    let retries = events.iter().filter(|e| e.message() == "retrying").count();
    assert_eq!(retries, 3, "4 attempts: 3 retries");
    let gave_up = events
        .iter()
        .find(|e| e.message().starts_with("giving up"))
        .expect("a giving-up event");
    assert_eq!(gave_up.level, tracing::Level::WARN);
    assert_eq!(gave_up.get("attempts"), Some("4"));
}
