//! `messenger-connect-mock`: runs the mock server until SIGTERM or SIGINT, then stops it
//! gracefully (open requests finish, live sockets close with 1001) and exits 0.
//!
//! Every flag has an environment variable (`MESSENGER_CONNECT_MOCK_<FLAG>`), for
//! containers and CI services; a flag given on the command line wins.

use clap::Parser;
use messenger_connect_mock::{MockConfig, MockServer, RateLimit};

/// Stateful mock server of the Messenger Connect API.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to bind. Beyond loopback (e.g. 0.0.0.0) a control token is required.
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to bind (0 picks a free one).
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_PORT", default_value_t = 0)]
    port: u16,
    /// The URL clients reach the server by: the OIDC issuer and the base of every link
    /// (default: each request's Host header, e.g. http://localhost:PORT).
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_PUBLIC_URL")]
    public_url: Option<String>,
    /// Bearer token required by /_mock (required when binding beyond loopback).
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_CONTROL_TOKEN",
        hide_env_values = true
    )]
    control_token: Option<String>,
    /// JSON file of users, apps, contacts, friends and activities loaded after the
    /// generated data (and after every reset).
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_FIXTURES")]
    fixtures: Option<std::path::PathBuf>,
    /// Seed of the generated data.
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_SEED", default_value_t = 1)]
    seed: u64,
    /// Users to create.
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_USERS", default_value_t = 3)]
    users: usize,
    /// Contacts per user.
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_CONTACTS_PER_USER",
        default_value_t = 50
    )]
    contacts_per_user: usize,
    /// Friends per user.
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_FRIENDS_PER_USER",
        default_value_t = 0
    )]
    friends_per_user: usize,
    /// Activities per user.
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_ACTIVITIES_PER_USER",
        default_value_t = 0
    )]
    activities_per_user: usize,
    /// Requests per token per window.
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_RATE_LIMIT",
        default_value_t = 10_000
    )]
    rate_limit: u64,
    /// Rate-limit window in seconds.
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_RATE_WINDOW", default_value_t = 60)]
    rate_window: u64,
    /// Largest size of the request journal in bytes (oldest entries dropped first).
    #[arg(
        long,
        env = "MESSENGER_CONNECT_MOCK_JOURNAL_MAX_BYTES",
        default_value_t = messenger_connect_mock::DEFAULT_JOURNAL_MAX_BYTES
    )]
    journal_max_bytes: usize,
    /// Server worker threads.
    #[arg(long, env = "MESSENGER_CONNECT_MOCK_THREADS", default_value_t = 2)]
    threads: usize,
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("messenger-connect-mock: {message}");
    std::process::exit(1);
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if args.rate_limit == 0 || args.rate_window == 0 {
        fail("--rate-limit and --rate-window must be positive");
    }
    let fixtures = args.fixtures.as_ref().map(|path| {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| fail(format!("cannot read the fixtures {}: {e}", path.display())));
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| fail(format!("the fixtures {} are not JSON: {e}", path.display())))
    });
    let config = MockConfig {
        host: args.host,
        port: args.port,
        seed: args.seed,
        users: args.users,
        contacts_per_user: args.contacts_per_user,
        friends_per_user: args.friends_per_user,
        activities_per_user: args.activities_per_user,
        rate_limit: RateLimit {
            limit: args.rate_limit,
            window_seconds: args.rate_window,
        },
        worker_threads: args.threads,
        public_url: args.public_url,
        control_token: args.control_token,
        fixtures,
        journal_max_bytes: args.journal_max_bytes,
    };
    // Blocked before the server's threads exist, so every thread inherits the mask and
    // the signals wait for `wait_for_stop_signal` (also as PID 1 in a container, where
    // unhandled SIGTERM would be ignored).
    let signals = stop_signals::block();
    match MockServer::start(config) {
        Ok(server) => {
            // The first line of stdout is the URL, for scripts that start the binary.
            println!("{}", server.url());
            if let Some(public) = server.public_url() {
                eprintln!("messenger-connect-mock: public URL (issuer) {public}");
            }
            let signal = stop_signals::wait(signals);
            eprintln!("messenger-connect-mock: {signal}: stopping");
            server.shutdown();
            eprintln!("messenger-connect-mock: stopped");
        }
        Err(e) => fail(e),
    }
}

#[cfg(unix)]
mod stop_signals {
    //! SIGTERM and SIGINT, blocked in every thread and taken synchronously by the main
    //! thread with `sigwait`.

    /// Blocks SIGTERM and SIGINT in this thread (and the threads it starts later).
    pub fn block() -> libc::sigset_t {
        // SAFETY: sigset_t is plain data; the calls only read and write `set`, and
        // pthread_sigmask changes this thread's mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGTERM);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            set
        }
    }

    /// Waits for one of the blocked signals; returns its name.
    pub fn wait(set: libc::sigset_t) -> &'static str {
        loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` came from `block`; `sig` is a valid out pointer.
            let rc = unsafe { libc::sigwait(&set, &mut sig) };
            if rc == 0 {
                return match sig {
                    libc::SIGTERM => "SIGTERM",
                    libc::SIGINT => "SIGINT",
                    _ => "signal",
                };
            }
        }
    }
}

#[cfg(not(unix))]
mod stop_signals {
    //! Without Unix signals the server runs until the process is killed.

    /// Nothing to block.
    pub fn block() {}

    /// Parks forever.
    pub fn wait(_: ()) -> &'static str {
        loop {
            std::thread::park();
        }
    }
}
