#!/usr/bin/env bash
# The main job, end to end: builds the mock server, starts it, and runs every example
# against it, printing what happens.
#
#   bash scripts/main.sh            # every step
#   bash scripts/main.sh tour       # only these steps
#
# Steps are functions `step_<name>` listed in STEPS (one per example). Each step runs even
# when an earlier one failed and counts as one test: the script ends with
# "main: N passed, N failed, N skipped" and exits non-zero if any failed. A new step needs
# only its function and its name in STEPS; .ci/run adds the counts to its total.
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/tally.sh
source "$ROOT/scripts/lib/tally.sh"
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

# run_step NAME: one step as one test; a failed step says so.
run_step() {
    if ! declare -F "step_$1" >/dev/null; then
        echo "unknown step: $1 (known: ${STEPS[*]})" >&2
        record 0 1
    elif "step_$1"; then
        record 1 0
    else
        echo "FAILED: step $1 (status $?)"
        record 0 1
    fi
}

mock_build || die "the mock server does not build"
say "start the mock server"
mock_start --seed 1 --users 3 --contacts-per-user 50 || die "the mock server did not start"

selected=("$@")
[[ ${#selected[@]} -eq 0 ]] && selected=("${STEPS[@]}")
for step in "${selected[@]}"; do
    say "step $step"
    tally_part "$step" run_step "$step"
done

tally_summary main.sh main
