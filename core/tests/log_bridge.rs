//! Core's log bridge (`log_bridge::BridgeLayer`, feature `log-bridge`), the layer the
//! Python and Node bindings forward records from: a record has the event's message and
//! fields plus those of its enclosing spans (the call's `method` and `path`), only core's
//! targets reach the sink, and the sink's `enabled` filters by level.
mod common;

use std::sync::{Arc, Mutex};

use common::{CONTACT_SCOPES, Env};
use messenger_connect::log_bridge::{BridgeLayer, FieldValue, LogRecord, LogSink};
use messenger_connect::targets;
use messenger_connect_mock::control::FaultSpec;
use tracing::Metadata;
use tracing_subscriber::layer::SubscriberExt;

/// A sink that keeps every record at or above `level` (tracing's order: ERROR is lowest).
#[derive(Clone)]
struct Keep {
    level: tracing::Level,
    records: Arc<Mutex<Vec<LogRecord>>>,
}

impl LogSink for Keep {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        *meta.level() <= self.level
    }
    fn emit(&self, record: LogRecord) {
        self.records.lock().unwrap().push(record);
    }
}

fn field<'a>(record: &'a LogRecord, name: &str) -> Option<&'a FieldValue> {
    record
        .fields
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

#[tokio::test]
async fn records_carry_the_event_and_its_spans_fields_and_only_core_targets() {
    let sink = Keep {
        level: tracing::Level::INFO,
        records: Arc::default(),
    };
    let subscriber = tracing_subscriber::registry().with(BridgeLayer(sink.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);
    let env = Env::start();
    let (client, _app) = env.client(0, CONTACT_SCOPES).await;
    env.fault(FaultSpec::status(503).on_path("/v1/me").times(1))
        .await;
    tracing::info!(target: "someone_else", "not ours");
    tracing::info!(target: "messenger_connect_mock::server", "the mock's");
    // An enclosing span of core's target: its fields reach the records of the call.
    let job = tracing::info_span!(target: "messenger_connect::http", "job", job = "nightly");
    {
        use tracing::Instrument;
        client.me().instrument(job).await.expect("me after a retry");
    }

    let records = sink.records.lock().unwrap().clone();
    assert!(
        records
            .iter()
            .all(|r| r.target.starts_with("messenger_connect::")),
        "{records:#?}"
    );
    // DEBUG (`response`) is below the sink's level: not emitted.
    assert!(
        records.iter().all(|r| r.level <= tracing::Level::INFO),
        "{records:#?}"
    );
    let retry = records
        .iter()
        .find(|r| r.message == "retrying")
        .unwrap_or_else(|| panic!("no `retrying` record in {records:#?}"));
    assert_eq!(retry.target, targets::HTTP);
    assert!(
        matches!(
            field(retry, "status"),
            Some(FieldValue::UInt(503) | FieldValue::Int(503))
        ),
        "{retry:?}"
    );
    assert_eq!(
        field(retry, "path"),
        Some(&FieldValue::Text("/v1/me".into()))
    );
    assert_eq!(
        field(retry, "method"),
        Some(&FieldValue::Text("GET".into()))
    );
    assert!(
        field(retry, "message").is_none(),
        "the message is not a field"
    );
    assert_eq!(
        field(retry, "job"),
        Some(&FieldValue::Text("nightly".into())),
        "a span's field"
    );
}
