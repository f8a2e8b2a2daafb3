//! The mock binary as a child process, the way users run it in CI: started with flags
//! and environment variables, its URL read from the first line of its stdout, its memory
//! read from `/proc/<pid>/status`, stopped by SIGTERM (then killed) when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a child may take to print its URL or to stop.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A running mock binary.
pub struct MockProcess {
    pub child: Child,
    pub url: String,
    stderr: mpsc::Receiver<String>,
}

/// The binary's path (built by cargo for the integration tests).
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_messenger-connect-mock")
}

impl MockProcess {
    /// Starts the binary with `args` and `env`, waiting (bounded) for its URL.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> MockProcess {
        match MockProcess::try_start(args, env) {
            Ok(p) => p,
            Err((status, stderr)) => panic!("the mock did not start ({status:?}): {stderr}"),
        }
    }

    /// Starts the binary; on failure, its exit status and stderr.
    pub fn try_start(
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<MockProcess, (Option<ExitStatus>, String)> {
        // reqwest (no default provider) needs the process's rustls provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn the mock binary");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (url_tx, url_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = url_tx.send(line.trim().to_string());
        });
        let (err_tx, err_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = err_tx.send(text);
        });
        match url_rx.recv_timeout(DEADLINE) {
            Ok(url) if url.starts_with("http") => Ok(MockProcess {
                child,
                url,
                stderr: err_rx,
            }),
            _ => {
                let status = wait_until(&mut child, DEADLINE);
                if status.is_none() {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                let text = err_rx.recv_timeout(DEADLINE).unwrap_or_default();
                Err((status, text))
            }
        }
    }

    /// Resident memory of the process in bytes (`VmRSS`).
    pub fn rss(&self) -> u64 {
        rss_of(self.child.id())
    }

    /// Sends a signal (e.g. `"TERM"`) with `kill`.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the process to exit; returns its status and stderr.
    pub fn wait_exit(mut self) -> (ExitStatus, String) {
        let status = wait_until(&mut self.child, DEADLINE).expect("the mock exits in time");
        let text = self.stderr.recv_timeout(DEADLINE).unwrap_or_default();
        (status, text)
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls the child's exit status until `deadline` passes.
fn wait_until(child: &mut Child, deadline: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if start.elapsed() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `VmRSS` of a process in bytes.
pub fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc status");
    kb * 1024
}

/// MiB, for messages.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
