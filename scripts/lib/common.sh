# shellcheck shell=bash
# Shared helpers for the scripts in scripts/ and mock-server/bench/. Source it; it defines
# functions and a few variables and runs nothing else.
#
#   ROOT          the repository root
#   TARGET_DIR    cargo's target dir (CARGO_TARGET_DIR or $ROOT/target)
#   PROFILE       the cargo profile everything builds with: ci
#   MOCK_URL      set by mock_start: the running mock server's base URL
#   MOCK_PID      set by mock_start: its process id
#
# Environment: MC_NO_BUILD=1 reuses binaries already built instead of running cargo.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE=ci
MOCK_BIN="$TARGET_DIR/$PROFILE/messenger-connect-mock"
MOCK_URL=""
MOCK_PID=""
MOCK_DIR=""
MOCK_FD=""

# Prints a section heading.
say() { printf '\n==> %s\n' "$*"; }

# Prints to stderr and exits.
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Builds the mock server's binary (skipped with MC_NO_BUILD=1 when the binary exists).
mock_build() {
    if [[ "${MC_NO_BUILD:-0}" == 1 && -x "$MOCK_BIN" ]]; then
        echo "MC_NO_BUILD=1: using the existing $MOCK_BIN"
        return 0
    fi
    say "cargo build --profile $PROFILE -p messenger-connect-mock --bin messenger-connect-mock"
    (cd "$ROOT" && cargo build --profile "$PROFILE" -p messenger-connect-mock --bin messenger-connect-mock)
}

# Starts the mock binary with the given flags on a free port, reads its URL from the first
# line of its stdout, then waits until GET /health answers. Sets MOCK_URL and MOCK_PID.
# The caller must call mock_stop (e.g. from an EXIT trap).
mock_start() {
    [[ -x "$MOCK_BIN" ]] || die "no mock binary at $MOCK_BIN (run mock_build first)"
    MOCK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mc-mock.XXXXXX")"
    mkfifo "$MOCK_DIR/stdout"
    "$MOCK_BIN" --port 0 "$@" >"$MOCK_DIR/stdout" 2>"$MOCK_DIR/stderr" &
    MOCK_PID=$!
    # Opening the FIFO waits for the child to open it; read waits for the first line,
    # or gets EOF if the server exits before printing it. The fd stays open until
    # mock_stop so the server never writes into a closed pipe.
    exec {MOCK_FD}<"$MOCK_DIR/stdout"
    if ! IFS= read -r -t 120 MOCK_URL <&"$MOCK_FD" || [[ "$MOCK_URL" != http* ]]; then
        cat "$MOCK_DIR/stderr" >&2 || true
        die "the mock server did not print its URL"
    fi
    # Readiness: poll /health (bounded: curl retries refused connections for up to 60 s).
    if ! curl --silent --show-error --fail --output /dev/null \
        --retry 60 --retry-connrefused --retry-all-errors --retry-delay 1 --retry-max-time 60 \
        "$MOCK_URL/health"; then
        cat "$MOCK_DIR/stderr" >&2 || true
        die "the mock server at $MOCK_URL never answered GET /health"
    fi
    echo "mock server (pid $MOCK_PID) ready at $MOCK_URL"
}

# Stops the mock server started by mock_start, if any. Safe to call twice.
mock_stop() {
    if [[ -n "$MOCK_PID" ]]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=""
    fi
    if [[ -n "$MOCK_FD" ]]; then
        exec {MOCK_FD}<&-
        MOCK_FD=""
    fi
    if [[ -n "$MOCK_DIR" ]]; then
        rm -rf "$MOCK_DIR"
        MOCK_DIR=""
    fi
}

# Creates a confidential OAuth client with every scope of the discovery document and
# mints a token for the first user through the control plane. Prints the access token.
mock_mint_token() {
    python3 "$ROOT/scripts/lib/mint_token.py" "$MOCK_URL"
}

# The first 6 characters of a secret and an ellipsis, for printing.
redact() { printf '%s…' "${1:0:6}"; }

# Creates .venv (Python 3.11) if missing and installs the given pip requirements into it.
venv_install() {
    local venv="$ROOT/.venv"
    if [[ ! -x "$venv/bin/python" ]]; then
        say "python3 -m venv .venv"
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}
