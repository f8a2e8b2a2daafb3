# shellcheck shell=bash
# Counting checks, for scripts/main.sh, scripts/test.sh and scripts/release.sh. Source it
# (after common.sh); it defines functions and runs nothing.
#
#   SUITE_PASSED / SUITE_FAILED / SUITE_SKIPPED   counts of the part being run
#   TOTAL_PASSED / TOTAL_FAILED / TOTAL_SKIPPED   counts of the whole script
#   SUITE_CHECKS / TOTAL_CHECKS / TOTAL_CHECKS_FAILED
#                                                tool checks (fmt, clippy, mypy, tsc, diffs)
#                                                among the counts, listed apart in the summary
#   SUMMARY                                      one line per part, for tally_summary
#
# Environment: MC_SUITE_TIMEOUT (seconds, default 1500) bounds each command run through
# run_bounded / record_run, so a hung suite fails with its name instead of hanging CI.
#
# Environment: MC_TALLY_FILE, when set, gets one line "<script> <passed> <failed> <skipped>"
# from tally_summary, so .ci/run can add up the main job, the tests and the release checks.

TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
SUITE_PASSED=0
SUITE_FAILED=0
SUITE_SKIPPED=0
SUITE_CHECKS=0
TOTAL_CHECKS=0
TOTAL_CHECKS_FAILED=0
SUMMARY=()

# record PASSED FAILED [SKIPPED]: adds to the current part's counts.
record() {
    SUITE_PASSED=$((SUITE_PASSED + $1))
    SUITE_FAILED=$((SUITE_FAILED + $2))
    SUITE_SKIPPED=$((SUITE_SKIPPED + ${3:-0}))
}

# record_check NAME STATUS: one tool check (a linter, a type checker, a diff) that passed
# (STATUS 0) or failed; counted as a test and listed apart as a check.
record_check() {
    SUITE_CHECKS=$((SUITE_CHECKS + 1))
    TOTAL_CHECKS=$((TOTAL_CHECKS + 1))
    if [[ $2 -eq 0 ]]; then
        record 1 0
    else
        echo "FAILED: $1"
        TOTAL_CHECKS_FAILED=$((TOTAL_CHECKS_FAILED + 1))
        record 0 1
    fi
}

# record_test NAME STATUS: one test that passed (STATUS 0) or failed, saying which failed.
record_test() {
    if [[ $2 -eq 0 ]]; then record 1 0; else echo "FAILED: $1"; record 0 1; fi
}

# run_one RECORDER NAME CMD...: runs CMD, shown under NAME, and records its outcome with
# RECORDER (record_check or record_test); returns CMD's status.
run_one() {
    local recorder=$1 name=$2 rc=0
    shift 2
    say "$name: $*"
    "$@" || rc=$?
    "$recorder" "$name" "$rc"
    return "$rc"
}

# check NAME CMD...: runs one command as a single pass/fail tool check (a linter, a type
# checker, a diff); returns the command's success, so later checks that need it can be
# left out.
check() { run_one record_check "$@"; }

# verify NAME CMD...: like check, but counted as a test (e.g. a release step: an artifact
# built, installed and run).
verify() { run_one record_test "$@"; }

# run_bounded CMD...: runs CMD (a program, not a shell function) under `timeout`
# (MC_SUITE_TIMEOUT seconds, then SIGKILL 30 s later) and says so when it timed out.
run_bounded() {
    local limit=${MC_SUITE_TIMEOUT:-1500} rc=0
    timeout -k 30 "$limit" "$@" || rc=$?
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        echo "TIMED OUT after ${limit}s (MC_SUITE_TIMEOUT): $*"
    fi
    return "$rc"
}

# record_from LOG PREFIX: records the counts of LOG's last line
# "PREFIX: N passed, N failed[, N skipped]" (nothing if there is none).
record_from() {
    local line p f s
    line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -1)
    [[ -n "$line" ]] || return 0
    p=$(sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[^:]*: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    s=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line")
    record "$p" "$f" "${s:-0}"
}

# record_run PREFIX CMD...: runs CMD with its output shown, records its last
# "PREFIX: N passed, N failed[, N skipped]" line, returns CMD's status.
record_run() {
    local prefix=$1 log rc
    shift
    log=$(mktemp "${TMPDIR:-/tmp}/mc-tally.XXXXXX") || return 1
    run_bounded "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    record_from "$log" "$prefix"
    rm -f "$log"
    return "$rc"
}

# skip NAME WHY: a check not run here, counted as skipped.
skip() {
    say "$1: skipped ($2)"
    record 0 0 1
}

# tally_part NAME FN [ARGS...]: runs FN as one part (a suite, a step, a package) with fresh
# counts, adds them to the totals and to SUMMARY. A part that returns non-zero without
# recording a failure, or that ran nothing at all, is counted as one failure.
tally_part() {
    local name=$1 fn=$2 start rc
    shift 2
    SUITE_PASSED=0 SUITE_FAILED=0 SUITE_SKIPPED=0 SUITE_CHECKS=0
    start=$SECONDS
    "$fn" "$@"
    rc=$?
    if [[ $rc -ne 0 && $SUITE_FAILED -eq 0 ]]; then
        echo "$name exited with status $rc without reporting a failed test: counted as 1 failed"
        SUITE_FAILED=1
    elif [[ $((SUITE_PASSED + SUITE_FAILED + SUITE_SKIPPED)) -eq 0 ]]; then
        echo "$name ran no test at all: counted as 1 failed"
        SUITE_FAILED=1
    fi
    TOTAL_PASSED=$((TOTAL_PASSED + SUITE_PASSED))
    TOTAL_FAILED=$((TOTAL_FAILED + SUITE_FAILED))
    TOTAL_SKIPPED=$((TOTAL_SKIPPED + SUITE_SKIPPED))
    SUMMARY+=("$(printf '%-22s %5d passed %5d failed %5d skipped %6ds %s%s' "$name" \
        "$SUITE_PASSED" "$SUITE_FAILED" "$SUITE_SKIPPED" $((SECONDS - start)) \
        "$([[ $SUITE_CHECKS -gt 0 ]] && echo "(of which $SUITE_CHECKS tool checks)")" \
        "$([[ $SUITE_FAILED -gt 0 ]] && echo '   <-- FAILED')")")
}

# tally_each PREFIX NAME...: runs each function PREFIX<NAME> as a part (an unknown NAME is
# one failure).
tally_each() {
    local prefix=$1 name
    shift
    for name in "$@"; do
        if declare -F "$prefix$name" >/dev/null; then
            tally_part "$name" "$prefix$name"
        else
            echo "unknown: $name (no function $prefix$name)" >&2
            tally_part "$name" false
        fi
    done
}

# tally_summary SCRIPT [PREFIX]: prints the table and the closing line
# "[PREFIX: ]N passed, N failed, N skipped", appends the totals to MC_TALLY_FILE, and
# returns non-zero if anything failed.
tally_summary() {
    local script=$1 prefix=${2:+$2: }
    say "summary of $script (${SECONDS}s)"
    printf '%s\n' "${SUMMARY[@]}"
    if [[ -n "${MC_TALLY_FILE:-}" ]]; then
        echo "$script $TOTAL_PASSED $TOTAL_FAILED $TOTAL_SKIPPED" >>"$MC_TALLY_FILE"
    fi
    echo
    echo "tool checks among them: $((TOTAL_CHECKS - TOTAL_CHECKS_FAILED)) passed, $TOTAL_CHECKS_FAILED failed;" \
        "tests: $((TOTAL_PASSED - TOTAL_CHECKS + TOTAL_CHECKS_FAILED)) passed, $((TOTAL_FAILED - TOTAL_CHECKS_FAILED)) failed"
    echo "${prefix}$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
    [[ $TOTAL_FAILED -eq 0 ]]
}
