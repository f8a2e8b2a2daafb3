//! `messenger-connect-mock`: runs the mock server until killed.

use clap::Parser;
use messenger_connect_mock::{MockConfig, MockServer, RateLimit};

/// Stateful mock server of the Messenger Connect API.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Users to create.
    #[arg(long, default_value_t = 3)]
    users: usize,
    /// Contacts per user.
    #[arg(long, default_value_t = 50)]
    contacts_per_user: usize,
    /// Friends per user.
    #[arg(long, default_value_t = 0)]
    friends_per_user: usize,
    /// Activities per user.
    #[arg(long, default_value_t = 0)]
    activities_per_user: usize,
    /// Requests per token per window.
    #[arg(long, default_value_t = 10_000)]
    rate_limit: u64,
    /// Rate-limit window in seconds.
    #[arg(long, default_value_t = 60)]
    rate_window: u64,
    /// Server worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
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
    };
    match MockServer::start(config) {
        Ok(server) => {
            // The first line of stdout is the URL, for scripts that start the binary.
            println!("{}", server.url());
            loop {
                std::thread::park();
            }
        }
        Err(e) => {
            eprintln!("messenger-connect-mock: {e}");
            std::process::exit(1);
        }
    }
}
