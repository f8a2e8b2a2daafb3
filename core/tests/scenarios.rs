//! The shared fault scenarios (`spec/scenarios/*.json`, format in its README) run by the
//! Rust client: each file is one test, each scenario a line `scenario <name>: ok`,
//! `FAILED` (with why) or `skipped` (with the reason the file gives), and the test fails
//! with the list of failed scenarios. Every scenario gets a fresh mock server; its setup
//! and faults go through the typed control plane, its expectations are checked against
//! what the control plane and the request journal saw, never against the client itself.
//!
//! `cargo test --profile ci -p messenger-connect --test scenarios -- --nocapture`

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{DEADLINE, REDIRECT_URI};
use futures_util::StreamExt;
use messenger_connect::models::{
    ContactUpdate, DeviceAuthorization, NewActivity, NewContact, NewInvitation, StatusUpdate,
};
use messenger_connect::{
    Client, DevicePoll, Error, EventsOptions, Query, RetryPolicy, TokenResponse, TokenSet,
};
use messenger_connect_mock::control::{JournalEntry, JournalFilter, NewApp, TokenRequest};
use messenger_connect_mock::{Control, MockConfig, MockServer, deadline};
use serde_json::{Map, Value, json};

/// This runner's name in a scenario's `skip`.
const RUNNER: &str = "core";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/scenarios")
}

/// The scenario files: the `*.json` files of the folder with a `scenarios` list.
fn scenario_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("spec/scenarios")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .filter(|n| load(n).get("scenarios").is_some())
        .collect();
    names.sort();
    names
}

fn load(file: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(file)).expect("scenario file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"))
}

/// Runs every scenario of `file` and fails with the list of those that failed.
async fn run_file(file: &str) {
    let doc = load(file);
    let schema = load("scenario.schema.json");
    let errors = common::schema::validate(&schema, &schema, &doc);
    assert!(
        errors.is_empty(),
        "{file} does not fit the schema: {errors:#?}"
    );
    let mut failed = Vec::new();
    for scenario in doc["scenarios"].as_array().expect("scenarios") {
        let name = scenario["name"].as_str().expect("name");
        if let Some(reason) = scenario["skip"][RUNNER].as_str() {
            println!("scenario {name}: skipped ({reason})");
            continue;
        }
        match run_scenario(scenario).await {
            Ok(()) => println!("scenario {name}: ok"),
            Err(why) => {
                println!(
                    "scenario {name}: FAILED\n    {}",
                    why.replace('\n', "\n    ")
                );
                failed.push(format!("{name}: {why}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} scenario(s) of {file} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// One test per scenario file (a new file needs a line here: `every_file_has_a_test`).
macro_rules! scenario_files {
    ($($test:ident => $file:literal),* $(,)?) => {
        const FILES: &[&str] = &[$($file),*];
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                deadline(DEADLINE, run_file($file)).await;
            }
        )*
    };
}

scenario_files! {
    auth => "auth.json",
    errors => "errors.json",
    events => "events.json",
    retries => "retries.json",
    sync => "sync.json",
    writes => "writes.json",
}

#[test]
fn every_file_has_a_test_and_names_are_unique() {
    assert_eq!(scenario_files(), FILES, "a scenario file without a test");
    let mut names = Vec::new();
    for file in FILES {
        for s in load(file)["scenarios"].as_array().expect("scenarios") {
            names.push(s["name"].as_str().expect("name").to_string());
        }
    }
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "scenario names are unique");
}

/// A scenario's world: its mock server, the client under test and the saved values.
struct World {
    server: MockServer,
    control: Control,
    client: Client,
    vars: Map<String, Value>,
    device: Option<DeviceAuthorization>,
}

async fn run_scenario(scenario: &Value) -> Result<(), String> {
    let mut world = World::new(scenario).await?;
    for (i, step) in scenario["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
    {
        world
            .step(step)
            .await
            .map_err(|why| format!("step {} ({}): {why}", i + 1, step_name(step)))?;
    }
    drop(world.server);
    Ok(())
}

fn step_name(step: &Value) -> &str {
    step["call"]
        .as_str()
        .or_else(|| step["control"].as_str())
        .unwrap_or("?")
}

fn millis(v: &Value) -> Option<Duration> {
    v.as_u64().map(Duration::from_millis)
}

impl World {
    async fn new(scenario: &Value) -> Result<World, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let server = MockServer::start(MockConfig::default()).map_err(|e| e.to_string())?;
        let control = server.control();
        let mock = match &scenario["mock"] {
            Value::Null => json!({}),
            other => other.clone(),
        };
        let users = control
            .call("reset", mock)
            .await
            .map_err(|e| format!("reset: {e}"))?;
        let spec = &scenario["client"];
        let app = control
            .create_app(&NewApp {
                redirect_uris: vec![REDIRECT_URI.to_string()],
                ..NewApp::new("Scenario App")
            })
            .map_err(|e| e.to_string())?;
        let mut vars = Map::new();
        vars.insert("users".into(), users["users"].clone());
        vars.insert("app".into(), json!({"clientId": app.client_id}));

        let mut builder = Client::builder(server.url()).no_proxy();
        if spec["clientId"] != json!(false) {
            builder = builder.client_id(&app.client_id);
            if let Some(secret) = &app.client_secret {
                builder = builder.client_secret(secret);
            }
        }
        let retry = &spec["retry"];
        let defaults = RetryPolicy::default();
        builder = builder.retry_policy(RetryPolicy {
            max_attempts: retry["maxAttempts"].as_u64().map_or(4, |n| n as u32),
            initial_backoff: millis(&retry["initialBackoffMs"])
                .unwrap_or(Duration::from_millis(10)),
            max_backoff: millis(&retry["maxBackoffMs"]).unwrap_or(Duration::from_millis(100)),
            max_retry_after: millis(&retry["maxRetryAfterMs"]).unwrap_or(Duration::from_secs(60)),
            ..defaults
        });
        if let Some(t) = millis(&spec["requestTimeoutMs"]) {
            builder = builder.request_timeout(Some(t));
        }
        if let Some(t) = millis(&spec["totalTimeoutMs"]) {
            builder = builder.total_timeout(Some(t));
        }
        if spec["signedIn"] != json!(false) {
            let user = spec["user"].as_u64().unwrap_or(0) as usize;
            let user_id = vars["users"][user]["id"]
                .as_str()
                .ok_or(format!("no seeded user {user}"))?
                .to_string();
            let scopes = match spec["scopes"].as_array() {
                Some(list) => list
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect(),
                None => messenger_connect_mock::SCOPES
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
            };
            let minted = control
                .mint_token(&TokenRequest {
                    user_id,
                    client_id: app.client_id.clone(),
                    scopes,
                    expires_in: spec["expiresIn"].as_i64(),
                })
                .map_err(|e| e.to_string())?;
            let response: TokenResponse = serde_json::to_value(minted)
                .and_then(serde_json::from_value)
                .map_err(|e| e.to_string())?;
            builder = builder.tokens(TokenSet::from_response(response));
        }
        match spec["tokenStore"].as_str() {
            None | Some("none") => {}
            // A store that cannot save (a full disk): the call that obtained new tokens
            // must fail with a TokenStoreError.
            Some("failing") => {
                builder = builder.token_store(std::sync::Arc::new(
                    |_: &TokenSet| -> Result<(), std::io::Error> {
                        Err(std::io::Error::other("disk full"))
                    },
                ));
            }
            Some(other) => return Err(format!("unknown tokenStore {other:?}")),
        }
        let client = builder.build().map_err(|e| format!("client: {e}"))?;
        Ok(World {
            server,
            control,
            client,
            vars,
            device: None,
        })
    }

    async fn step(&mut self, step: &Value) -> Result<(), String> {
        let args = interpolate(&step["args"], &self.vars)?;
        let expect = &step["expect"];
        let started = Instant::now();
        let outcome = if let Some(op) = step["control"].as_str() {
            self.control
                .call(op, args)
                .await
                .map_err(|e| Failure::Control(e.to_string()))
        } else {
            let op = step["call"].as_str().ok_or("a step names a call")?;
            self.control.clear_requests();
            self.call(op, &args).await.map_err(Failure::Client)
        };
        let elapsed = started.elapsed();
        let mut problems = Vec::new();
        match (&outcome, expect.get("error")) {
            (Ok(result), None) => {
                if let Some(want) = expect.get("result") {
                    let want = interpolate(want, &self.vars)?;
                    matches(&want, result, "result", &mut problems);
                }
            }
            (Ok(result), Some(_)) => {
                problems.push(format!("succeeded, expected an error: {result}"))
            }
            (Err(Failure::Client(e)), Some(want)) => check_error(want, e, &mut problems),
            (Err(Failure::Client(e)), None) => problems.push(format!("failed: {e} ({e:?})")),
            (Err(Failure::Control(e)), _) => problems.push(format!("control call failed: {e}")),
        }
        if let Some(journal) = expect.get("journal") {
            let journal = interpolate(journal, &self.vars)?;
            let entries = self.control.requests(&JournalFilter::default());
            check_journal(&journal, &entries, &mut problems);
        }
        if let Some(min) = millis(&expect["elapsedMs"]["min"])
            && elapsed < min
        {
            problems.push(format!("took {elapsed:?}, less than {min:?}"));
        }
        if let Some(max) = millis(&expect["elapsedMs"]["max"])
            && elapsed > max
        {
            problems.push(format!("took {elapsed:?}, more than {max:?}"));
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        if let (Some(name), Ok(result)) = (step["save"].as_str(), outcome) {
            self.vars.insert(name.to_string(), result);
        }
        Ok(())
    }

    /// Runs a client operation of the scenario vocabulary; its result as JSON.
    async fn call(&mut self, op: &str, args: &Value) -> Result<Value, Error> {
        let c = &self.client;
        let text = |name: &str| args[name].as_str().unwrap_or_default().to_string();
        let body = |name: &str| args.get(name).cloned().unwrap_or(json!({}));
        Ok(match op {
            "me.get" => to_json(c.me().await?),
            "users.get" => to_json(c.user(&text("id")).await?),
            "status.set" => to_json(
                c.set_status(&from_json::<StatusUpdate>(args.clone())?)
                    .await?,
            ),
            "contacts.list" => {
                let mut query = Query::new();
                if let Some(top) = args["top"].as_u64() {
                    query = query.top(top as u32);
                }
                let page = c.list_contacts(&query).await?;
                json!({"items": to_json(&page.items), "nextLink": page.next_link})
            }
            "contacts.get" => to_json(c.get_contact(&text("id")).await?),
            "contacts.create" => to_json(
                c.create_contact(&from_json::<NewContact>(body("body"))?)
                    .await?,
            ),
            "contacts.update" => {
                let update = from_json::<ContactUpdate>(body("body"))?;
                let if_match = args["ifMatch"].as_str();
                to_json(c.update_contact(&text("id"), &update, if_match).await?)
            }
            "contacts.delete" => {
                c.delete_contact(&text("id"), args["ifMatch"].as_str())
                    .await?;
                Value::Null
            }
            "contacts.sync" => {
                let round = c.sync_contacts(args["deltaLink"].as_str()).await?;
                let ids: Vec<&str> = round.upserts.iter().map(|u| u.id.as_str()).collect();
                json!({"upserted": ids, "removed": round.removed, "deltaLink": round.delta_link})
            }
            "activities.create" => {
                let activity = from_json::<NewActivity>(body("body"))?;
                match args["idempotencyKey"].as_str() {
                    Some(key) => to_json(c.create_activity_with_key(&activity, key).await?),
                    None => to_json(c.create_activity(&activity).await?),
                }
            }
            "invitations.create" => {
                to_json(c.invite(&from_json::<NewInvitation>(args.clone())?).await?)
            }
            "events.collect" => {
                let options = EventsOptions {
                    since: args["since"].as_u64(),
                    ..EventsOptions::default()
                };
                let mut stream = c.events(options).await?;
                let mut events = Vec::new();
                for _ in 0..args["count"].as_u64().unwrap_or(1) {
                    let event = match stream.next().await {
                        Some(event) => event?,
                        None => break,
                    };
                    let kind = to_json(&event)["type"].clone();
                    events.push(json!({"seq": stream.last_seq(), "type": kind}));
                }
                json!({"events": events, "lastSeq": stream.last_seq(), "reconnects": stream.reconnects()})
            }
            "auth.device.start" => {
                let scopes: Vec<String> = from_json(body("scopes"))?;
                let device = c.start_device_authorization(&scopes).await?;
                let out = json!({
                    "userCode": device.user_code,
                    "verificationUri": device.verification_uri,
                    "expiresIn": device.expires_in,
                    "interval": device.interval,
                });
                self.device = Some(device);
                out
            }
            "auth.device.poll" => {
                let device = self
                    .device
                    .as_ref()
                    .ok_or_else(|| invalid("a device flow is started first"))?;
                match c.poll_device_token_once(device).await? {
                    DevicePoll::Pending => json!({"state": "pending"}),
                    DevicePoll::SlowDown(interval) => {
                        json!({"state": "slowDown", "interval": interval})
                    }
                    DevicePoll::Complete(_) => json!({"state": "complete"}),
                }
            }
            "auth.refresh" => json!({"scopes": c.refresh_tokens().await?.scopes}),
            other => return Err(invalid(&format!("unknown call `{other}`"))),
        })
    }
}

/// Why a step failed: the client's error (checked against `expect.error`) or a refused
/// control call (always a failure of the scenario).
enum Failure {
    Client(Error),
    Control(String),
}

fn invalid(message: &str) -> Error {
    Error::InvalidArgument {
        name: "scenario".into(),
        message: message.into(),
    }
}

fn to_json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| invalid(&format!("scenario arguments: {e}")))
}

fn check_error(want: &Value, e: &Error, problems: &mut Vec<String>) {
    // The class of core's one error table (`ErrorKind`, DESIGN §3).
    let class = e.kind().class_name();
    if want["class"] != class {
        problems.push(format!(
            "error class {class}, expected {}: {e}",
            want["class"]
        ));
    }
    if let Some(status) = want["status"].as_u64()
        && e.status().map(u64::from) != Some(status)
    {
        problems.push(format!("status {:?}, expected {status}: {e}", e.status()));
    }
    if let Some(code) = want["code"].as_str()
        && e.code() != Some(code)
    {
        problems.push(format!("code {:?}, expected {code}: {e}", e.code()));
    }
    let api = e.api();
    if let Some(target) = want["target"].as_str()
        && api.and_then(|a| a.target.as_deref()) != Some(target)
    {
        problems.push(format!(
            "target {:?}, expected {target}",
            api.map(|a| &a.target)
        ));
    }
    if let Some(seconds) = want["retryAfterSeconds"].as_u64()
        && api.and_then(|a| a.retry_after) != Some(Duration::from_secs(seconds))
    {
        problems.push(format!(
            "retry-after {:?}, expected {seconds} s",
            api.map(|a| a.retry_after)
        ));
    }
}

/// A journal path pattern: exact, or a prefix ending with `*`.
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

fn check_journal(want: &Value, entries: &[JournalEntry], problems: &mut Vec<String>) {
    for w in want.as_array().into_iter().flatten() {
        let pattern = w["path"].as_str().unwrap_or("*");
        let label = format!("journal {} {pattern}", w["method"].as_str().unwrap_or("*"));
        let seen: Vec<&JournalEntry> = entries
            .iter()
            .filter(|e| path_matches(pattern, &e.path))
            .filter(|e| {
                w["method"]
                    .as_str()
                    .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            })
            .collect();
        let statuses: Vec<u16> = seen.iter().map(|e| e.status).collect();
        if let Some(n) = w["count"].as_u64()
            && seen.len() as u64 != n
        {
            problems.push(format!(
                "{label}: {} requests {statuses:?}, expected {n}",
                seen.len()
            ));
        }
        if let Some(expected) = w.get("statuses") {
            matches(
                expected,
                &json!(statuses),
                &format!("{label} statuses"),
                problems,
            );
        }
        if w["sameIdempotencyKey"] == json!(true) {
            let keys: Vec<Option<&str>> =
                seen.iter().map(|e| e.idempotency_key.as_deref()).collect();
            let same = keys
                .first()
                .is_some_and(|k| k.is_some_and(|k| !k.is_empty()))
                && keys.windows(2).all(|p| p[0] == p[1]);
            if !same {
                problems.push(format!(
                    "{label}: idempotency keys {keys:?} are not one key"
                ));
            }
        }
        if let Some(expected) = w.get("entries") {
            let actual: Vec<Value> = seen.iter().map(to_json).collect();
            matches(
                expected,
                &json!(actual),
                &format!("{label} entries"),
                problems,
            );
        }
    }
}

/// `expected` against `actual`: objects as subsets, arrays item by item (same length),
/// other values equal; `{"$len": n}`, `{"$exists": bool}`, `{"$gte": n}`, `{"$lte": n}`.
fn matches(expected: &Value, actual: &Value, path: &str, problems: &mut Vec<String>) {
    if let Some(m) = expected.as_object()
        && let Some((op, arg)) = m.iter().next().filter(|(k, _)| k.starts_with('$'))
    {
        let ok = match op.as_str() {
            "$len" => {
                let len = actual
                    .as_array()
                    .map(Vec::len)
                    .or_else(|| actual.as_str().map(|s| s.chars().count()));
                len.map(|n| n as u64) == arg.as_u64()
            }
            "$exists" => arg.as_bool() == Some(!actual.is_null()),
            "$gte" => actual
                .as_f64()
                .zip(arg.as_f64())
                .is_some_and(|(a, b)| a >= b),
            "$lte" => actual
                .as_f64()
                .zip(arg.as_f64())
                .is_some_and(|(a, b)| a <= b),
            other => {
                problems.push(format!("{path}: unknown matcher {other}"));
                return;
            }
        };
        if !ok {
            problems.push(format!("{path}: {actual} does not satisfy {op} {arg}"));
        }
        return;
    }
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (k, v) in want {
                matches(
                    v,
                    have.get(k).unwrap_or(&Value::Null),
                    &format!("{path}.{k}"),
                    problems,
                );
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if want.len() != have.len() {
                problems.push(format!(
                    "{path}: {} items, expected {}: {actual}",
                    have.len(),
                    want.len()
                ));
                return;
            }
            for (i, (w, h)) in want.iter().zip(have).enumerate() {
                matches(w, h, &format!("{path}.{i}"), problems);
            }
        }
        (Value::Number(w), Value::Number(h)) if w.as_f64() == h.as_f64() => {}
        (w, h) if w == h => {}
        (w, h) => problems.push(format!("{path}: {h}, expected {w}")),
    }
}

/// `${a.b.0.c}` references replaced by the values they name.
fn interpolate(value: &Value, vars: &Map<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            if let Some(path) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
                && !path.contains("${")
            {
                lookup(path, vars)?
            } else {
                let mut out = String::new();
                let mut rest = s.as_str();
                while let Some(start) = rest.find("${") {
                    let end = rest[start..]
                        .find('}')
                        .ok_or(format!("unclosed reference in {s}"))?;
                    out.push_str(&rest[..start]);
                    match lookup(&rest[start + 2..start + end], vars)? {
                        Value::String(v) => out.push_str(&v),
                        other => out.push_str(&other.to_string()),
                    }
                    rest = &rest[start + end + 1..];
                }
                out.push_str(rest);
                Value::String(out)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| interpolate(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), interpolate(v, vars)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

fn lookup(path: &str, vars: &Map<String, Value>) -> Result<Value, String> {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or_default();
    let mut at = vars.get(first).ok_or(format!("no saved value `{first}`"))?;
    for part in parts {
        at = match at {
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(map) => map.get(part),
            _ => None,
        }
        .ok_or(format!("`{path}` names nothing"))?;
    }
    Ok(at.clone())
}
