//! Keeps a local copy of the user's contacts in sync with delta links.
//!
//! ```sh
//! cargo run --profile ci -p messenger-connect --example sync_contacts -- --rounds 2
//! cargo run --profile ci -p messenger-connect --example sync_contacts -- --url http://127.0.0.1:8080
//! ```
//!
//! The local copy is `contacts.jsonl` (one contact per line, sorted by id) next to
//! `state.json` (the delta link and the tokens, rotated ones included, saved by the
//! client's token callback). Each round:
//!
//! 1. streams the changes since the stored delta link (or, the first time, every contact)
//!    into an in-memory map: upserts replace a contact, removals delete it;
//! 2. rewrites `contacts.jsonl`, then `state.json` with the new delta link (in that order:
//!    a crash in between re-applies the same changes next time, which is harmless);
//! 3. prints the counts and checks the file against the server's listing.
//!
//! A delta link too old for the server (`Error::ResyncRequired`) starts over with a full
//! sync. Without `--url` the example starts its own mock server (a fresh one, so it also
//! starts from fresh state); with `--url` a later run continues from `state.json`. Before
//! every incremental round the "test setup" part makes a few changes server-side through
//! the mock's control plane (`/_mock/act-as`), as another device of the user would, and
//! moves the mock's clock past the access token's expiry so the client must refresh it.
//!
//! Options: `--url URL`, `--rounds N` (default 1), `--dir DIR` (default: a directory under
//! the system's temp dir), `--contacts N` (embedded mock, default 500), `--page N` (300).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use messenger_connect::models::Contact;
use messenger_connect::{Client, DeltaChange, Error, Query, TokenResponse, TokenSet};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    url: Option<String>,
    rounds: u32,
    dir: PathBuf,
    contacts: usize,
    page: u32,
}

fn args() -> Result<Args, BoxError> {
    let mut out = Args {
        url: None,
        rounds: 1,
        dir: std::env::temp_dir().join("messenger-connect-sync-contacts"),
        contacts: 500,
        page: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => out.url = Some(value()?),
            "--rounds" => out.rounds = value()?.parse()?,
            "--dir" => out.dir = PathBuf::from(value()?),
            "--contacts" => out.contacts = value()?.parse()?,
            "--page" => out.page = value()?.parse()?,
            "-h" | "--help" => {
                println!(
                    "sync_contacts [--url URL] [--rounds N] [--dir DIR] [--contacts N] [--page N]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(out)
}

/// What persists between rounds and runs.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    base_url: String,
    user_id: String,
    client_id: String,
    client_secret: Option<String>,
    delta_link: Option<String>,
    tokens: Option<TokenSet>,
}

impl State {
    fn load(path: &Path) -> Option<State> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn save(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, serde_json::to_string_pretty(self)?.as_bytes())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

/// The local copy: contacts by id, as JSON (unknown fields kept).
type Local = BTreeMap<String, Value>;

fn load_local(path: &Path) -> Result<Local, BoxError> {
    let mut out = Local::new();
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(out);
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().ok_or("a line without an id")?.to_string();
        out.insert(id, v);
    }
    Ok(out)
}

fn save_local(path: &Path, local: &Local) -> Result<(), BoxError> {
    let mut text = String::new();
    for v in local.values() {
        text.push_str(&serde_json::to_string(v)?);
        text.push('\n');
    }
    Ok(write_atomically(path, text.as_bytes())?)
}

#[derive(Debug, Default)]
struct Counts {
    upserted: usize,
    removed: usize,
    resyncs: usize,
}

/// One delta round into `local`; returns the counts and the next delta link.
async fn sync_round(
    client: &Client,
    link: Option<String>,
    local: &mut Local,
    page: u32,
) -> Result<(Counts, String), BoxError> {
    let mut counts = Counts::default();
    let mut link = link;
    'round: loop {
        // A full round lists every contact: it rebuilds the copy from nothing.
        let mut fresh = if link.is_none() {
            Local::new()
        } else {
            local.clone()
        };
        let mut stream = client.contacts_delta(link.as_deref(), Some(page))?;
        while let Some(change) = stream.next().await {
            match change {
                Ok(DeltaChange::Upsert(contact)) => {
                    counts.upserted += 1;
                    fresh.insert(contact.id.clone(), serde_json::to_value(&contact)?);
                }
                Ok(DeltaChange::Removed { id, .. }) => {
                    counts.removed += 1;
                    fresh.remove(&id);
                }
                Err(Error::ResyncRequired { message, .. }) => {
                    println!("  the delta link is too old ({message}): full sync again");
                    counts = Counts {
                        resyncs: counts.resyncs + 1,
                        ..Counts::default()
                    };
                    link = None;
                    continue 'round;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let next = stream
            .delta_link()
            .ok_or("the last page has no delta link")?
            .to_string();
        *local = fresh;
        return Ok((counts, next));
    }
}

/// Compares the file with the server's listing (ids and ETags).
async fn check(client: &Client, file: &Path) -> Result<usize, BoxError> {
    let local = load_local(file)?;
    let mut server = BTreeMap::new();
    let mut contacts = client.contacts(&Query::new().top(1000))?;
    while let Some(c) = contacts.next().await {
        let c: Contact = c?;
        server.insert(c.id, c.etag);
    }
    let mine: BTreeMap<String, Option<String>> = local
        .iter()
        .map(|(id, v)| (id.clone(), v["@odata.etag"].as_str().map(str::to_string)))
        .collect();
    if mine != server {
        let missing = server.keys().filter(|k| !mine.contains_key(*k)).count();
        let extra = mine.keys().filter(|k| !server.contains_key(*k)).count();
        return Err(format!(
            "the local copy differs from the server: {missing} missing, {extra} extra, {} in all vs {}",
            mine.len(),
            server.len()
        )
        .into());
    }
    Ok(server.len())
}

// ---------------------------------------------------------------------------------------
// Test setup: everything below talks to the mock's control plane (`/_mock`), which a real
// deployment does not have. The sync above uses only the public client API.
// ---------------------------------------------------------------------------------------

struct Mock {
    http: reqwest::Client,
    base: String,
    /// The embedded server, when the example started one.
    _server: Option<messenger_connect_mock::MockServer>,
}

impl Mock {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, BoxError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    /// Registers an app and mints tokens for the first user, as a sign-in would.
    async fn sign_in(&self) -> Result<State, BoxError> {
        let users = self
            .call(reqwest::Method::GET, "/_mock/users", None)
            .await?;
        let user_id = users["users"][0]["id"]
            .as_str()
            .ok_or("no user")?
            .to_string();
        let app = self
            .call(
                reqwest::Method::POST,
                "/_mock/clients",
                Some(json!({"name": "sync_contacts example", "public": false,
                            "scopes": ["contacts.read", "contacts.write", "offline_access"]})),
            )
            .await?;
        let client_id = app["clientId"].as_str().ok_or("no clientId")?.to_string();
        let minted = self
            .call(
                reqwest::Method::POST,
                "/_mock/tokens",
                Some(json!({"userId": user_id, "clientId": client_id,
                            "scopes": ["contacts.read", "offline_access"]})),
            )
            .await?;
        let tokens = TokenSet::from_response(serde_json::from_value::<TokenResponse>(minted)?);
        Ok(State {
            base_url: self.base.clone(),
            user_id,
            client_id,
            client_secret: app["clientSecret"].as_str().map(str::to_string),
            delta_link: None,
            tokens: Some(tokens),
        })
    }

    /// Another device of the user changes a few contacts: 5 new, 5 changed, 5 deleted.
    async fn change_contacts(&self, user: &str, round: u32) -> Result<(), BoxError> {
        let base = format!("/_mock/act-as/{user}/contacts");
        let list = self
            .call(reqwest::Method::GET, &format!("{base}?$top=15"), None)
            .await?;
        let ids: Vec<String> = list["value"]
            .as_array()
            .ok_or("no contacts")?
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_string))
            .collect();
        for i in 0..5 {
            let body = json!({"displayName": format!("Round {round} New {i}")});
            self.call(reqwest::Method::POST, &base, Some(body)).await?;
        }
        for id in ids.iter().take(5) {
            let body = json!({"note": format!("changed in round {round}")});
            self.call(reqwest::Method::PATCH, &format!("{base}/{id}"), Some(body))
                .await?;
        }
        for id in ids.iter().skip(5).take(5) {
            self.call(reqwest::Method::DELETE, &format!("{base}/{id}"), None)
                .await?;
        }
        println!("  (test setup) another device made 5 contacts, changed 5, deleted 5");
        Ok(())
    }

    /// Moves the server's clock 2 hours on: the access token expires, the refresh token
    /// does not, so the client refreshes and the token callback persists the new ones.
    async fn expire_access_token(&self) -> Result<(), BoxError> {
        self.call(
            reqwest::Method::POST,
            "/_mock/clock",
            Some(json!({"advanceSeconds": 7200})),
        )
        .await?;
        println!("  (test setup) server clock +2 h: the access token has expired");
        Ok(())
    }
}

async fn start_mock(args: &Args) -> Result<Mock, BoxError> {
    let http = reqwest::Client::builder().no_proxy().build()?;
    if let Some(url) = &args.url {
        return Ok(Mock {
            http,
            base: url.trim_end_matches('/').to_string(),
            _server: None,
        });
    }
    let server = messenger_connect_mock::MockServer::start(messenger_connect_mock::MockConfig {
        users: 2,
        contacts_per_user: args.contacts,
        ..Default::default()
    })?;
    println!("(test setup) started a mock server at {}", server.url());
    Ok(Mock {
        http,
        base: server.url().to_string(),
        _server: Some(server),
    })
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = args()?;
    std::fs::create_dir_all(&args.dir)?;
    let state_path = args.dir.join("state.json");
    let file = args.dir.join("contacts.jsonl");
    let mock = start_mock(&args).await?;

    // A fresh embedded server (or another server than last time): start from nothing.
    let state = match State::load(&state_path) {
        Some(s) if args.url.is_some() && s.base_url == mock.base => {
            println!("continuing from {}", state_path.display());
            s
        }
        _ => {
            let _ = std::fs::remove_file(&file);
            println!("(test setup) signing in through the mock's control plane");
            mock.sign_in().await?
        }
    };
    state.save(&state_path)?;
    let user_id = state.user_id.clone();
    let first_run_round = state.delta_link.is_none();
    let state = Arc::new(Mutex::new(state));

    // The client: the stored tokens, and a callback that persists every rotated set.
    let rotated = Arc::new(Mutex::new(0u32));
    let client = {
        let s = state.lock().map_err(|_| "poisoned")?;
        let mut builder = Client::builder(&s.base_url).client_id(&s.client_id);
        if let Some(secret) = &s.client_secret {
            builder = builder.client_secret(secret);
        }
        if let Some(tokens) = &s.tokens {
            builder = builder.tokens(tokens.clone());
        }
        let (saved, path, count) = (state.clone(), state_path.clone(), rotated.clone());
        builder
            .on_tokens(move |tokens| {
                if let Ok(mut s) = saved.lock() {
                    s.tokens = Some(tokens.clone());
                    if let Err(e) = s.save(&path) {
                        eprintln!("cannot save the new tokens: {e}");
                    }
                }
                if let Ok(mut n) = count.lock() {
                    *n += 1;
                }
            })
            .build()?
    };

    let mut local = load_local(&file)?;
    for round in 1..=args.rounds {
        let link = state.lock().map_err(|_| "poisoned")?.delta_link.clone();
        let kind = if link.is_some() {
            "incremental"
        } else {
            "full"
        };
        println!("round {round}: {kind} sync");
        if link.is_some() && (round > 1 || !first_run_round) {
            mock.change_contacts(&user_id, round).await?;
            if args.url.is_none() {
                mock.expire_access_token().await?;
            }
        }
        let (counts, next) = sync_round(&client, link, &mut local, args.page).await?;
        save_local(&file, &local)?;
        {
            let mut s = state.lock().map_err(|_| "poisoned")?;
            s.delta_link = Some(next);
            s.save(&state_path)?;
        }
        println!(
            "  upserted {}, removed {}, total {}{}",
            counts.upserted,
            counts.removed,
            local.len(),
            if counts.resyncs > 0 {
                " (after a resync)"
            } else {
                ""
            }
        );
        let total = check(&client, &file).await?;
        println!(
            "  check: {} equals the server's {total} contacts",
            file.display()
        );
    }
    let rotations = *rotated.lock().map_err(|_| "poisoned")?;
    println!(
        "tokens rotated and saved by the callback: {rotations}; state in {}",
        state_path.display()
    );
    Ok(())
}
