//! Injected faults (`POST /_mock/faults`): what a flaky network or server does, on demand.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What a fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer with `status` (and `Retry-After` if `retryAfter` is set) without running the request.
    Status,
    /// Wait `delayMs`, then run the request.
    Delay,
    /// Close the connection without running the request or answering.
    Reset,
    /// Run the request, then answer with a body that is not valid JSON.
    Malformed,
    /// Run the request, then send half of the body and close the connection.
    Truncated,
    /// Run (commit) the request, then close the connection without answering.
    DropAfterCommit,
    /// Close a live-events WebSocket after `afterFrames` frames.
    CloseSocket,
}

/// A fault as posted to `/_mock/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    /// HTTP method to match (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path to match: exact, or a prefix ending with `*` (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What to do.
    pub kind: FaultKind,
    /// Status for `status` faults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` seconds for `status` faults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Delay for `delay` faults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// How many times it fires (unlimited when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Chance of firing on each matching request (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Seed of the probability draws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Frames sent before a `closeSocket` fault closes the socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_frames: Option<u64>,
}

impl FaultSpec {
    /// A fault of this kind on every request (narrow it with the methods below).
    pub fn new(kind: FaultKind) -> FaultSpec {
        FaultSpec {
            method: None,
            path: None,
            kind,
            status: None,
            retry_after: None,
            delay_ms: None,
            count: None,
            probability: None,
            seed: None,
            after_frames: None,
        }
    }

    /// A `status` fault answering `status`.
    pub fn status(status: u16) -> FaultSpec {
        FaultSpec {
            status: Some(status),
            ..FaultSpec::new(FaultKind::Status)
        }
    }

    /// A `delay` fault of `ms` milliseconds.
    pub fn delay(ms: u64) -> FaultSpec {
        FaultSpec {
            delay_ms: Some(ms),
            ..FaultSpec::new(FaultKind::Delay)
        }
    }

    /// Only requests with this method.
    pub fn on_method(mut self, method: &str) -> FaultSpec {
        self.method = Some(method.to_string());
        self
    }

    /// Only requests to this path (exact, or a prefix ending with `*`).
    pub fn on_path(mut self, path: &str) -> FaultSpec {
        self.path = Some(path.to_string());
        self
    }

    /// Fires at most `n` times.
    pub fn times(mut self, n: u64) -> FaultSpec {
        self.count = Some(n);
        self
    }

    /// `Retry-After` seconds of a `status` fault.
    pub fn retry_after(mut self, seconds: u64) -> FaultSpec {
        self.retry_after = Some(seconds);
        self
    }

    /// Fires with this chance on each matching request, drawn from `seed`.
    pub fn with_probability(mut self, probability: f64, seed: u64) -> FaultSpec {
        self.probability = Some(probability);
        self.seed = Some(seed);
        self
    }

    /// Frames a `closeSocket` fault lets through before it closes the socket.
    pub fn after_frames(mut self, frames: u64) -> FaultSpec {
        self.after_frames = Some(frames);
        self
    }

    /// Checks the fields that depend on `kind`.
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.kind == FaultKind::Status {
            match self.status {
                Some(s) if (400..=599).contains(&s) => {}
                _ => {
                    return Err(ApiError::validation(
                        "status",
                        "a status fault needs a status between 400 and 599",
                    ));
                }
            }
        }
        if self.kind == FaultKind::Delay && self.delay_ms.is_none() {
            return Err(ApiError::validation(
                "delayMs",
                "a delay fault needs delayMs",
            ));
        }
        if let Some(ms) = self.delay_ms
            && ms > 60_000
        {
            return Err(ApiError::validation(
                "delayMs",
                "delayMs must be at most 60000",
            ));
        }
        if let Some(p) = self.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err(ApiError::validation(
                "probability",
                "probability must be between 0 and 1",
            ));
        }
        if let Some(m) = &self.method
            && (m.is_empty() || !m.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(ApiError::validation(
                "method",
                "method must be an HTTP method name",
            ));
        }
        if let Some(p) = &self.path
            && !p.starts_with('/')
        {
            return Err(ApiError::validation("path", "path must start with '/'"));
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.as_deref() {
            None => true,
            Some(p) => match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => p == path,
            },
        };
        method_ok && path_ok
    }
}

/// An installed fault.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// Id, for `DELETE /_mock/faults/{id}`.
    pub id: String,
    /// What was asked for.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Times it fired.
    pub fired: u64,
    #[serde(skip)]
    rng: ChaCha8Rng,
}

/// The installed faults, checked in the order they were added.
#[derive(Debug, Default)]
pub struct Faults {
    list: Vec<Fault>,
    next_id: u64,
}

impl Faults {
    /// Installs a fault and returns its id.
    pub fn add(&mut self, spec: FaultSpec) -> String {
        self.next_id += 1;
        let id = format!("f{}", self.next_id);
        let rng = ChaCha8Rng::seed_from_u64(spec.seed.unwrap_or(self.next_id));
        self.list.push(Fault {
            id: id.clone(),
            spec,
            fired: 0,
            rng,
        });
        id
    }

    /// Every installed fault.
    pub fn list(&self) -> &[Fault] {
        &self.list
    }

    /// Removes one fault; false if there was none with that id.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|f| f.id != id);
        self.list.len() != before
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// The fault that fires for this HTTP request, if any (consuming one of its count).
    /// `closeSocket` faults are left for the live-events socket.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultSpec> {
        self.take_where(method, path, |k| k != FaultKind::CloseSocket)
    }

    /// The `closeSocket` fault that fires for a live-events socket opened at `path`, if
    /// any (consuming one of its count). The method of a fault, if set, is matched as GET.
    pub fn take_socket(&mut self, path: &str) -> Option<FaultSpec> {
        self.take_where("GET", path, |k| k == FaultKind::CloseSocket)
    }

    fn take_where(
        &mut self,
        method: &str,
        path: &str,
        kind_ok: impl Fn(FaultKind) -> bool,
    ) -> Option<FaultSpec> {
        for fault in &mut self.list {
            if !kind_ok(fault.spec.kind) || !fault.spec.matches(method, path) {
                continue;
            }
            if fault.spec.count.is_some_and(|c| fault.fired >= c) {
                continue;
            }
            if let Some(p) = fault.spec.probability
                && fault.rng.r#gen::<f64>() >= p
            {
                continue;
            }
            fault.fired += 1;
            return Some(fault.spec.clone());
        }
        None
    }
}
