//! The shared error cases (`spec/scenarios/error-kinds.json`), each run against a real
//! in-process mock: every case raises the kind (and so the class) it names, with its
//! status, code, target, retry-after and request id; client-side refusals send nothing.
//! The bindings run the same file.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::Env;
use messenger_connect::models::{ContactUpdate, NewActivity, NewContact};
use messenger_connect::{Client, Error, ErrorKind, Query, RetryPolicy, Secret, TokenSet};
use serde_json::{Value, json};

const CASES: &str = include_str!("../../spec/scenarios/error-kinds.json");

fn cases() -> Value {
    serde_json::from_str(CASES).expect("error-kinds.json is JSON")
}

#[test]
fn the_class_hierarchy_is_cores() {
    let doc = cases();
    let classes = doc["classes"].as_array().expect("classes");
    assert_eq!(classes.len(), ErrorKind::ALL.len());
    for (entry, &kind) in classes.iter().zip(ErrorKind::ALL) {
        assert_eq!(entry["kind"], kind.as_str());
        assert_eq!(entry["class"], kind.class_name());
        let parent = kind.parent().map(ErrorKind::class_name);
        assert_eq!(entry["parent"].as_str(), parent, "{kind}");
    }
    // Every kind but the ones no server answer or argument can produce is exercised.
    let used: Vec<&str> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["expect"]["kind"].as_str())
        .collect();
    for kind in ErrorKind::ALL {
        if !matches!(kind, ErrorKind::TokenStore | ErrorKind::Internal) {
            assert!(used.contains(&kind.as_str()), "no case of {kind}");
        }
    }
}

#[tokio::test]
async fn every_case_raises_its_class() {
    let doc = cases();
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        // A bound on each case, so a regression fails with the case's name.
        match tokio::time::timeout(Duration::from_secs(60), run(case)).await {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{name}: {why}")),
            Err(_) => failures.push(format!("{name}: no result within 60 s")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one case; `Err` says what differs from what it expects.
async fn run(case: &Value) -> Result<(), String> {
    let setup = &case["setup"];
    let env = Env::start();
    let app = env.app(false).await;
    for fault in setup["faults"].as_array().into_iter().flatten() {
        let spec = serde_json::from_value(fault.clone())
            .map_err(|e| format!("fault {fault} is not a FaultSpec: {e}"))?;
        env.fault(spec).await;
    }
    let client = || client(&env, &app, setup);
    let mut vars = HashMap::new();
    if let Some(steps) = case["steps"].as_array() {
        let c = client()
            .await
            .map_err(|e| format!("building the client: {e}"))?;
        for step in steps {
            if let Some(seconds) = step["advanceClockSeconds"].as_i64() {
                env.advance(seconds).await;
                continue;
            }
            let result = call(&c, step, &vars)
                .await
                .map_err(|e| format!("step {step}: {e}"))?;
            for (var, field) in step["save"].as_object().into_iter().flatten() {
                let field = field.as_str().unwrap_or_default();
                let value = result[field]
                    .as_str()
                    .ok_or(format!("no `{field}` in {result}"))?;
                vars.insert(var.clone(), value.to_string());
            }
        }
    }
    env.clear_journal().await;
    let outcome = match client().await {
        Ok(c) => call(&c, &case["call"], &vars).await,
        Err(e) => Err(e),
    };
    let error = match outcome {
        Ok(value) => return Err(format!("succeeded with {value}")),
        Err(e) => e,
    };
    check(&error, &case["expect"])?;
    if case["expect"]["sent"] == json!(false) {
        let sent = env.journal("/").await;
        let api: Vec<&str> = sent
            .iter()
            .map(|r| r.path.as_str())
            .filter(|p| p.starts_with("/v1") || p.starts_with("/oauth"))
            .collect();
        if !api.is_empty() {
            return Err(format!("refused, yet sent {api:?}"));
        }
    }
    Ok(())
}

/// Compares the error's record with the case's expectations.
fn check(error: &Error, expect: &Value) -> Result<(), String> {
    let info = error.info();
    let got = serde_json::to_value(&info).map_err(|e| e.to_string())?;
    let mut diffs = Vec::new();
    let mut same = |what: &str, want: &Value, have: &Value| {
        // Numbers compare by value (`7` is `7.0`).
        let equal = match (want.as_f64(), have.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => want == have,
        };
        if !equal {
            diffs.push(format!("{what}: expected {want}, got {have}"));
        }
    };
    same("class", &expect["class"], &json!(info.class_name));
    same("kind", &expect["kind"], &json!(info.kind));
    for key in ["status", "code", "target", "retryAfter"] {
        if let Some(want) = expect.get(key) {
            same(key, want, &got[key]);
        }
    }
    if let Some(want) = expect.get("hasRequestId") {
        same("hasRequestId", want, &json!(info.request_id.is_some()));
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("{} ({error})", diffs.join("; ")))
    }
}

/// The case's client: the app's (or a wrong) secret, the tokens `setup.tokens` names.
async fn client(env: &Env, app: &common::App, setup: &Value) -> Result<Client, Error> {
    let base = match (setup["server"].as_str(), setup["baseUrl"].as_str()) {
        (Some("closed"), _) => closed_port_url(),
        (_, Some(url)) => url.to_string(),
        _ => env.base.clone(),
    };
    let mut builder = Client::builder(base).client_id(&app.id).no_proxy();
    let secret = match setup["clientSecret"].as_str() {
        Some("wrong") => Some("not-the-secret".to_string()),
        _ => app.secret.clone(),
    };
    if let Some(s) = secret {
        builder = builder.client_secret(s);
    }
    builder = builder.retry_policy(if setup["retries"] == json!(false) {
        RetryPolicy::none()
    } else {
        RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        }
    });
    if let Some(ms) = setup["requestTimeoutMs"].as_u64() {
        builder = builder.request_timeout(Some(Duration::from_millis(ms)));
    }
    let scopes: Vec<&str> = match setup["scopes"].as_array() {
        Some(list) => list.iter().filter_map(Value::as_str).collect(),
        None => common::ALL_SCOPES.to_vec(),
    };
    let lifetime = setup["tokenLifetimeSeconds"].as_i64();
    let tokens = match setup["tokens"].as_str().unwrap_or("valid") {
        "none" => None,
        "unknownAccessToken" => Some(TokenSet::bearer("at-the-server-never-issued")),
        "accessOnly" => {
            let minted = env.mint(0, app, &scopes, lifetime).await;
            Some(TokenSet::bearer(minted.access_token.expose()))
        }
        "unknownRefreshToken" => {
            let mut minted = common::expired(env.mint(0, app, &scopes, lifetime).await);
            minted.refresh_token = Some(Secret::new("rt-the-server-never-issued"));
            Some(minted)
        }
        _ => Some(env.mint(0, app, &scopes, lifetime).await),
    };
    if let Some(t) = tokens {
        builder = builder.tokens(t);
    }
    builder.build()
}

/// A loopback URL whose port nothing listens on.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Replaces `${name}` in every string of `value` by the saved variable.
fn substitute(value: &Value, vars: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) => {
            let mut s = s.clone();
            for (k, v) in vars {
                s = s.replace(&format!("${{{k}}}"), v);
            }
            Value::String(s)
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Runs one operation of the fixture's vocabulary; its result as JSON.
async fn call(c: &Client, step: &Value, vars: &HashMap<String, String>) -> Result<Value, Error> {
    let args = substitute(&step["args"], vars);
    let text = |k: &str| args[k].as_str().unwrap_or_default().to_string();
    let decode = |k: &str| args[k].clone();
    Ok(match step["op"].as_str().unwrap_or_default() {
        "build" => json!({}),
        "me" => to_json(&c.me().await?),
        "getContact" => to_json(&c.get_contact(&text("id")).await?),
        "listContacts" => {
            let query = Query::from_value(&args["query"])?;
            to_json(&c.list_contacts(&query).await?)
        }
        "createContact" => {
            let contact: NewContact = serde_json::from_value(decode("contact")).expect("contact");
            to_json(&c.create_contact(&contact).await?)
        }
        "updateContact" => {
            let update: ContactUpdate = serde_json::from_value(decode("update")).expect("update");
            let if_match = args["ifMatch"].as_str();
            to_json(&c.update_contact(&text("id"), &update, if_match).await?)
        }
        "createActivity" => {
            let activity: NewActivity =
                serde_json::from_value(decode("activity")).expect("activity");
            match args["idempotencyKey"].as_str() {
                Some(key) => to_json(&c.create_activity_with_key(&activity, key).await?),
                None => to_json(&c.create_activity(&activity).await?),
            }
        }
        "syncContacts" => {
            let round = c.sync_contacts(args["deltaLink"].as_str()).await?;
            json!({ "deltaLink": round.delta_link })
        }
        "refreshTokens" => {
            c.refresh_tokens().await?;
            json!({})
        }
        "clientCredentials" => {
            let scopes: Vec<String> = serde_json::from_value(decode("scopes")).expect("scopes");
            c.client_credentials(&scopes).await?;
            json!({})
        }
        other => panic!("unknown operation `{other}`"),
    })
}

/// A result as JSON.
fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("results serialize")
}
