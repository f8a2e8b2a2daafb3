//! The benchmark's floor: the least any axum server on this machine must do per request.
//!
//! Answers `GET` on every path with one fixed JSON body of about 35 KB shaped like a page
//! of 100 contacts, built once at start-up. No state, no locks, no authentication, no
//! query parsing: what `mock-server/bench/bench.sh` compares the mock server with.
//!
//! ```sh
//! cargo run --profile ci -p messenger-connect-mock --example bench_floor -- --port 0 --threads 2
//! ```
//!
//! Prints its URL as the first line of stdout (like the mock binary) and serves until killed.

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

/// A page of `n` contacts shaped like the mock's (fewer fields: ~350 bytes each).
fn page(n: usize) -> Bytes {
    const GIVEN: [&str; 8] = [
        "Ada", "Alan", "Grace", "Barbara", "Edsger", "Frances", "Donald", "Radia",
    ];
    const FAMILY: [&str; 8] = [
        "Lovelace", "Turing", "Hopper", "Liskov", "Dijkstra", "Allen", "Knuth", "Perlman",
    ];
    let value: Vec<Value> = (0..n)
        .map(|i| {
            let given = GIVEN[i % GIVEN.len()];
            let family = FAMILY[(i / GIVEN.len()) % FAMILY.len()];
            json!({
                "@odata.etag": format!("\"{}\"", i + 1),
                "id": format!("c{:016x}", 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1)),
                "displayName": format!("{given} {family}"),
                "name": {"givenName": given, "familyName": family},
                "emails": [{"value": format!("{}.{}{}@example.com", given.to_lowercase(), family.to_lowercase(), i), "type": "home"}],
                "phoneNumbers": [{"value": format!("+1 555 01{:02}", i % 100), "type": "mobile"}],
                "isFriend": false,
                "published": "2025-01-01T12:00:00Z",
                "updated": "2025-01-02T08:30:00Z",
            })
        })
        .collect();
    let body = json!({
        "@odata.count": n,
        "value": value,
        "@odata.nextLink": "http://127.0.0.1/v1/me/contacts?$top=100&$skiptoken=eyJrIjpbIkFkYSBMb3ZlbGFjZSJdfQ.c2lnbmF0dXJl",
    });
    Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
}

fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = flag(&args, "--port", 0);
    let threads: usize = flag(&args, "--threads", 2).max(1);
    let contacts: usize = flag(&args, "--contacts", 100);
    let body = page(contacts);
    eprintln!("bench_floor: {} bytes per response", body.len());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let handler = move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body).into_response() }
        };
        let app = Router::new()
            .route("/", get(handler.clone()))
            .route("/{*rest}", get(handler));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        println!("http://{}", listener.local_addr()?);
        axum::serve(listener, app).await
    })
}
