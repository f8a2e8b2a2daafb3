//! Benchmark of a full contacts sync (driven by `core/bench/bench.sh`; a program that
//! prints a Markdown table, not a timed test).
//!
//! ```sh
//! bench_sync --url URL --mode compare [--contacts 100000] [--runs 5]
//! bench_sync --url URL --mode rss [--contacts 1000000]
//! ```
//!
//! `compare` resets the mock to 1 user × `--contacts` contacts and, `--runs` times each
//! (interleaved, after a warm-up), syncs them all in pages of 1,000:
//! - `client delta stream`: `Client::contacts_delta` (typed `Contact`s, next page
//!   prefetched while the current one is consumed);
//! - `client delta stream, no prefetch`: the same with `page_prefetch(false)`;
//! - `baseline: bare reqwest → serde_json::Value`: the same pages fetched with the
//!   workspace's reqwest, one after the other, following `@odata.nextLink`, parsed into
//!   `Value`;
//! - `floor: bare reqwest, bytes only`: the same requests, each body read as bytes and its
//!   next link found by a byte scan, nothing decoded: what fetching the pages costs here.
//!
//! Each variant's row: the median wall time and the spread (min–max) of the runs, the
//! ratio of the medians to the floor and to the `Value` baseline, and the median CPU time
//! of this (client) process (`getrusage`) and of the mock (`/proc`, with `--mock-pid`).
//!
//! `rss` resets the mock to 1 user × `--contacts` contacts and consumes the delta stream
//! without keeping anything, printing this process's peak RSS (`VmHWM`) after 100,000
//! contacts and at the end.
//!
//! The token comes from the mock's control plane (test setup).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use messenger_connect::{Client, DeltaChange, TokenResponse, TokenSet};
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const PAGE: u32 = 1000;

struct Args {
    url: String,
    mode: String,
    contacts: usize,
    runs: usize,
    mock_pid: Option<u32>,
}

fn args() -> Result<Args, BoxError> {
    let mut out = Args {
        url: String::new(),
        mode: "compare".into(),
        contacts: 0,
        runs: 5,
        mock_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => out.url = value()?.trim_end_matches('/').to_string(),
            "--mode" => out.mode = value()?,
            "--contacts" => out.contacts = value()?.parse()?,
            "--runs" => out.runs = value()?.parse()?,
            "--mock-pid" => out.mock_pid = Some(value()?.parse()?),
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    if out.url.is_empty() {
        return Err("--url is required".into());
    }
    if out.contacts == 0 {
        out.contacts = if out.mode == "rss" {
            1_000_000
        } else {
            100_000
        };
    }
    Ok(out)
}

/// Test setup: reset the mock to one user with `contacts` contacts, register an app and
/// mint a long-lived token for that user.
async fn setup(
    http: &reqwest::Client,
    base: &str,
    contacts: usize,
) -> Result<(String, TokenSet), BoxError> {
    let post = |path: &str, body: Value| {
        let req = http.post(format!("{base}{path}")).json(&body);
        async move {
            let resp = req.send().await?;
            let status = resp.status();
            let text = resp.text().await?;
            if !status.is_success() {
                return Err::<Value, BoxError>(format!("{status}: {text}").into());
            }
            Ok(serde_json::from_str(&text)?)
        }
    };
    let reset = post(
        "/_mock/reset",
        json!({"seed": 1, "users": 1, "contactsPerUser": contacts,
               "rateLimit": {"limit": 1_000_000_000u64, "windowSeconds": 60}}),
    )
    .await?;
    let user = reset["users"][0]["id"]
        .as_str()
        .ok_or("no user")?
        .to_string();
    let app = post(
        "/_mock/clients",
        json!({"name": "bench", "public": false, "scopes": ["contacts.read"]}),
    )
    .await?;
    let client_id = app["clientId"].as_str().ok_or("no clientId")?.to_string();
    let minted = post(
        "/_mock/tokens",
        json!({"userId": user, "clientId": client_id, "scopes": ["contacts.read"], "expiresIn": 86400}),
    )
    .await?;
    let tokens = TokenSet::from_response(serde_json::from_value::<TokenResponse>(minted)?);
    Ok((client_id, tokens))
}

/// (a) the client's delta stream; returns the contacts seen.
async fn client_sync(client: &Client) -> Result<usize, BoxError> {
    let mut stream = client.contacts_delta(None, Some(PAGE))?;
    let mut n = 0;
    while let Some(change) = stream.next().await {
        if let DeltaChange::Upsert(c) = change? {
            n += usize::from(!c.id.is_empty());
        }
    }
    stream.delta_link().ok_or("no delta link")?;
    Ok(n)
}

/// The `@odata.nextLink` of a page, found by a byte scan from the end (the link follows
/// the items), without decoding anything: the server writes links without escapes.
fn next_link(body: &[u8]) -> Option<&str> {
    const KEY: &[u8] = b"\"@odata.nextLink\":\"";
    let start = body.windows(KEY.len()).rposition(|w| w == KEY)? + KEY.len();
    let len = body[start..].iter().position(|&b| b == b'"')?;
    std::str::from_utf8(&body[start..start + len]).ok()
}

/// (c) the fetching floor: bare reqwest, bodies as bytes, the next link by a byte scan;
/// returns the pages fetched (every page but the last holds `PAGE` contacts).
async fn bytes_sync(http: &reqwest::Client, base: &str, token: &str) -> Result<usize, BoxError> {
    let mut url = format!("{base}/v1/me/contacts/delta?$top={PAGE}");
    let mut pages = 0;
    loop {
        let resp = http.get(&url).bearer_auth(token).send().await?;
        if !resp.status().is_success() {
            return Err(format!("floor: HTTP {}", resp.status()).into());
        }
        let bytes = resp.bytes().await?;
        pages += 1;
        match next_link(&bytes) {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    Ok(pages)
}

/// (b) the baseline: bare reqwest, following `@odata.nextLink`, into `serde_json::Value`.
async fn floor_sync(http: &reqwest::Client, base: &str, token: &str) -> Result<usize, BoxError> {
    let mut url = format!("{base}/v1/me/contacts/delta?$top={PAGE}");
    let mut n = 0;
    loop {
        let resp = http.get(&url).bearer_auth(token).send().await?;
        if !resp.status().is_success() {
            return Err(format!("floor: HTTP {}", resp.status()).into());
        }
        let bytes = resp.bytes().await?;
        let page: Value = serde_json::from_slice(&bytes)?;
        n += page["value"].as_array().map_or(0, Vec::len);
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    Ok(n)
}

/// `VmHWM` (peak resident set) of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU time (user + system) of this process so far, in seconds (`getrusage`).
fn own_cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return f64::NAN;
        }
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// CPU time (user + system) of a process so far, in seconds, from `/proc/PID/stat`
/// (assumes 100 clock ticks per second, Linux's usual `USER_HZ`).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `min–max` of some durations, in seconds.
fn spread(v: &[Duration]) -> String {
    let min = v.iter().min().copied().unwrap_or_default();
    let max = v.iter().max().copied().unwrap_or_default();
    format!("{:.2}–{:.2}", min.as_secs_f64(), max.as_secs_f64())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = args()?;
    let http = reqwest::Client::builder().no_proxy().gzip(true).build()?;
    let started = Instant::now();
    let (client_id, tokens) = setup(&http, &args.url, args.contacts).await?;
    eprintln!(
        "mock reset to 1 user × {} contacts in {:.1} s",
        args.contacts,
        started.elapsed().as_secs_f64()
    );
    let token = tokens.access_token.expose().to_string();
    let build = |prefetch: bool| {
        Client::builder(&args.url)
            .client_id(&client_id)
            .no_proxy()
            .tokens(tokens.clone())
            .page_prefetch(prefetch)
            .total_timeout(None)
            .build()
    };

    if args.mode == "rss" {
        let client = build(true)?;
        let before = peak_rss_mib();
        let mut stream = client.contacts_delta(None, Some(PAGE))?;
        let (mut n, mut at_100k) = (0usize, f64::NAN);
        let t = Instant::now();
        while let Some(change) = stream.next().await {
            change?;
            n += 1;
            if n == 100_000 {
                at_100k = peak_rss_mib();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        if n != args.contacts {
            return Err(format!("streamed {n} contacts, expected {}", args.contacts).into());
        }
        println!("| streamed | peak RSS of the client process (VmHWM) |");
        println!("|---:|---:|");
        println!("| 0 (before) | {before:.1} MiB |");
        println!("| 100,000 | {at_100k:.1} MiB |");
        println!("| {n} | {:.1} MiB |", peak_rss_mib());
        eprintln!(
            "streamed {n} contacts in {secs:.1} s ({:.0} contacts/s)",
            n as f64 / secs
        );
        return Ok(());
    }

    // compare: interleave the variants so drift affects them alike; one warm-up each.
    let with_prefetch = build(true)?;
    let without_prefetch = build(false)?;
    let variants = [
        "client delta stream (typed, prefetch)",
        "client delta stream, no prefetch",
        "baseline: bare reqwest → serde_json::Value",
        "floor: bare reqwest, bytes only (next link by byte scan)",
    ];
    let pages = args.contacts.div_ceil(PAGE as usize).max(1);
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    let mut client_cpu: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut mock_cpu: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mock_pid = args.mock_pid.map(|p| p.to_string());
    for run in 0..=args.runs {
        for (i, _) in variants.iter().enumerate() {
            let (cpu0, mock0) = (own_cpu_seconds(), mock_pid.as_deref().map(cpu_seconds));
            let t = Instant::now();
            let (n, expected) = match i {
                0 => (client_sync(&with_prefetch).await?, args.contacts),
                1 => (client_sync(&without_prefetch).await?, args.contacts),
                2 => (floor_sync(&http, &args.url, &token).await?, args.contacts),
                _ => (bytes_sync(&http, &args.url, &token).await?, pages),
            };
            let elapsed = t.elapsed();
            if n != expected {
                return Err(
                    format!("{}: {n} items or pages, expected {expected}", variants[i]).into(),
                );
            }
            if run > 0 {
                times[i].push(elapsed);
                client_cpu[i].push(own_cpu_seconds() - cpu0);
                if let (Some(pid), Some(m0)) = (mock_pid.as_deref(), mock0) {
                    mock_cpu[i].push(cpu_seconds(pid) - m0);
                }
            }
            eprintln!(
                "{} {}: {:.2} s",
                if run == 0 { "warm-up" } else { "run" },
                variants[i],
                elapsed.as_secs_f64()
            );
        }
    }
    let baseline = median(times[2].clone()).as_secs_f64();
    let floor = median(times[3].clone()).as_secs_f64();
    println!(
        "| variant | median s | spread s (min–max, {} runs) | contacts/s | vs floor | vs Value baseline | client CPU s | mock CPU s |",
        args.runs
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (i, name) in variants.iter().enumerate() {
        let m = median(times[i].clone()).as_secs_f64();
        let mock = if mock_cpu[i].is_empty() {
            "n/a".to_string()
        } else {
            format!("{:.2}", median_f(mock_cpu[i].clone()))
        };
        println!(
            "| {name} | {m:.2} | {} | {:.0} | {:.2}× | {:.2}× | {:.2} | {mock} |",
            spread(&times[i]),
            args.contacts as f64 / m,
            m / floor,
            m / baseline,
            median_f(client_cpu[i].clone()),
        );
    }
    Ok(())
}
