//! Posts to the feed and watches a friend receive it live.
//!
//! ```sh
//! cargo run --profile ci -p messenger-connect --example post_feed [-- --url URL]
//! ```
//!
//! Alice posts a note and a shared link (`create_activity`); her friend Bob, listening to
//! his live events (`events`), gets `activity.created` for each, then reads his feed
//! (`feed`, newest first) and finds them there. Without `--url` the example starts its own
//! mock server; signing the two users in goes through the mock's control plane (test setup).

use futures_util::StreamExt;
use messenger_connect::models::{Event, NewActivity};
use messenger_connect::{Client, EventsOptions, Query, TokenResponse, TokenSet};
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const SCOPES: &[&str] = &["profile", "friends.read", "feed.read", "feed.write"];

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let setup = Setup::start().await?;
    let alice = setup.client(&setup.users[0]).await?;

    // Alice's first friend plays Bob.
    let bob_id = alice
        .friends(&Query::new())?
        .next()
        .await
        .ok_or("Alice has no friend")??
        .id;
    let bob = setup.client(&bob_id).await?;
    let mut bob_events = bob.events(EventsOptions::default()).await?;

    let note = alice
        .create_activity(&NewActivity::note("Hello from the Rust client"))
        .await?;
    let mut share = NewActivity::share("https://example.com/article");
    share.name = Some("An article worth reading".into());
    let share = alice.create_activity(&share).await?;
    println!(
        "Alice posted {} ({:?}) and {} ({:?})",
        note.id, note.kind, share.id, share.kind
    );

    let mut seen = Vec::new();
    while seen.len() < 2 {
        match bob_events.next().await.ok_or("the event stream ended")?? {
            Event::ActivityCreated(a) => {
                println!(
                    "Bob got activity.created: {} by {} (seq {:?})",
                    a.id,
                    a.actor.display_name,
                    bob_events.last_seq()
                );
                seen.push(a.id);
            }
            other => println!("Bob got {}", other.kind()),
        }
    }
    if seen != [note.id.clone(), share.id.clone()] {
        return Err(format!("unexpected activities: {seen:?}").into());
    }

    let mut feed = bob.feed(&Query::new().top(20))?;
    let mut found = 0;
    println!("Bob's feed, newest first:");
    for _ in 0..5 {
        let Some(a) = feed.next().await else { break };
        let a = a?;
        found += usize::from(a.id == note.id || a.id == share.id);
        println!(
            "  {:<6} {:<20} {}",
            format!("{:?}", a.kind),
            a.actor.display_name,
            a.content.or(a.name).unwrap_or_default()
        );
    }
    if found != 2 {
        return Err("Alice's activities are not at the top of Bob's feed".into());
    }
    println!("OK: both activities reached Bob live and in his feed");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Test setup: the mock's control plane (`/_mock`), which a real deployment does not have.
// ---------------------------------------------------------------------------------------

struct Setup {
    http: reqwest::Client,
    base: String,
    users: Vec<String>,
    client_id: String,
    client_secret: Option<String>,
    _server: Option<messenger_connect_mock::MockServer>,
}

impl Setup {
    async fn start() -> Result<Setup, BoxError> {
        let http = reqwest::Client::builder().no_proxy().build()?;
        let mut args = std::env::args().skip(1);
        let (base, server) = match (args.next().as_deref(), args.next()) {
            (Some("--url"), Some(url)) => (url.trim_end_matches('/').to_string(), None),
            (None, _) => {
                let server = messenger_connect_mock::MockServer::start(
                    messenger_connect_mock::MockConfig {
                        users: 3,
                        friends_per_user: 2,
                        activities_per_user: 3,
                        ..Default::default()
                    },
                )?;
                println!("(test setup) started a mock server at {}", server.url());
                (server.url().to_string(), Some(server))
            }
            _ => return Err("usage: post_feed [--url URL]".into()),
        };
        let mut setup = Setup {
            http,
            base,
            users: Vec::new(),
            client_id: String::new(),
            client_secret: None,
            _server: server,
        };
        let users = setup.call("/_mock/users", None).await?;
        setup.users = users["users"]
            .as_array()
            .ok_or("no users")?
            .iter()
            .filter_map(|u| u["id"].as_str().map(str::to_string))
            .collect();
        let app = setup
            .call(
                "/_mock/clients",
                Some(json!({"name": "post_feed example", "scopes": SCOPES})),
            )
            .await?;
        setup.client_id = app["clientId"].as_str().ok_or("no clientId")?.to_string();
        setup.client_secret = app["clientSecret"].as_str().map(str::to_string);
        Ok(setup)
    }

    async fn call(&self, path: &str, body: Option<Value>) -> Result<Value, BoxError> {
        let url = format!("{}{path}", self.base);
        let req = match body {
            Some(b) => self.http.post(url).json(&b),
            None => self.http.get(url),
        };
        let resp = req.send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A client signed in as this user (tokens minted by the control plane).
    async fn client(&self, user: &str) -> Result<Client, BoxError> {
        let minted = self
            .call(
                "/_mock/tokens",
                Some(json!({"userId": user, "clientId": self.client_id, "scopes": SCOPES})),
            )
            .await?;
        let tokens = TokenSet::from_response(serde_json::from_value::<TokenResponse>(minted)?);
        let mut builder = Client::builder(&self.base)
            .client_id(&self.client_id)
            .tokens(tokens);
        if let Some(secret) = &self.client_secret {
            builder = builder.client_secret(secret);
        }
        Ok(builder.build()?)
    }
}
