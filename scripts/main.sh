#!/usr/bin/env bash
# The main job, end to end: builds the mock server, starts it, and runs every example
# against it, printing what happens.
#
#   bash scripts/main.sh            # every step
#   bash scripts/main.sh tour       # only these steps
#
# Steps are functions `step_<name>` listed in STEPS; the bindings' examples will be added
# the same way (one function each). Each step runs even when an earlier one failed; the
# script exits non-zero if any failed.
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT" || exit 1

STEPS=(tour sync_contacts post_feed chat python_sync_contacts node_post_feed dotnet_chat web_example)

trap mock_stop EXIT

# The HTTP tour of the mock server: scripts/tour.py (python3, standard library only).
step_tour() {
    python3 "$ROOT/scripts/tour.py" "$MOCK_URL"
}

# The Rust client's examples (core/examples): each starts its own in-process mock server
# when given no --url, so they do not depend on the shared one above.
run_example() { # name args...
    local name=$1
    shift
    (cd "$ROOT" && cargo run --quiet --profile "$PROFILE" -p messenger-connect --example "$name" -- "$@")
}

# Full contacts sync to a JSONL file, then an incremental one from the stored delta link.
step_sync_contacts() {
    run_example sync_contacts --rounds 2 --dir "$ROOT/out/examples/sync_contacts"
}

# Alice posts a note and a link; her friend Bob gets them live and in his feed.
step_post_feed() {
    run_example post_feed
}

# A one-to-one chat: typing, an idempotent send, live delivery, the history.
step_chat() {
    run_example chat
}

# The bindings' examples, each against its own in-process mock server (their scripts
# build the binding first).
# Python: examples/sync_contacts.py syncs every user's contacts into SQLite, resumable.
step_python_sync_contacts() {
    bash "$ROOT/bindings-python/run-example.sh"
}

# Node: examples/post-feed.mjs posts items with bounded concurrency and idempotency keys,
# then streams the friends' feed and live events.
step_node_post_feed() {
    bash "$ROOT/bindings-node/run-example.sh"
}

# .NET: examples/Chat.cs on Mono signs in and chats live.
step_dotnet_chat() {
    bash "$ROOT/bindings-dotnet/run-example.sh"
}

# Web: bindings-web/examples/index.html (the library and widgets) served by a tiny static
# server and driven once in headless Chromium: sign-in, friends, feed, share, chat.
step_web_example() {
    bash "$ROOT/bindings-web/run-example.sh"
}

mock_build || die "the mock server does not build"
say "start the mock server"
mock_start --seed 1 --users 3 --contacts-per-user 50 || die "the mock server did not start"

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${STEPS[@]}")
failed=()
for step in "${selected[@]}"; do
    say "step $step"
    if ! declare -F "step_$step" >/dev/null; then
        echo "unknown step: $step (known: ${STEPS[*]})" >&2
        failed+=("$step")
    elif ! "step_$step"; then
        failed+=("$step")
    fi
done

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "main: FAILED steps: ${failed[*]}"
    exit 1
fi
echo "main: all ${#selected[@]} step(s) OK (${SECONDS}s)"
