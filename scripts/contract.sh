#!/usr/bin/env bash
# Contract test: fuzzes the running mock server with schemathesis against spec/openapi.yaml
# and checks every response against the spec.
#
#   bash scripts/contract.sh
#
# Environment (all optional):
#   CONTRACT_MAX_EXAMPLES  test cases per operation and phase (default 50)
#   CONTRACT_SEED          schemathesis seed, to replay a run (default: random, printed)
#   CONTRACT_WORKERS       concurrent schemathesis workers (default 2)
#   MC_NO_BUILD=1          use the already-built mock binary
#
# Ends with a line `contract: N passed, M failed (K test cases generated)`, where N and M
# count schemathesis' JUnit test cases (one per API operation, plus the stateful tests).
# Exits non-zero when anything failed.
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Verified with Python 3.11 on this project's CI image (the 4.x CLI: --checks, --exclude-name).
SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-50}"
WORKERS="${CONTRACT_WORKERS:-2}"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance

WORK=""
cleanup() {
    mock_stop
    [[ -n "$WORK" ]] && rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "contract: 0 passed, 1 failed (0 test cases generated)"
    echo "contract: $*" >&2
    exit 1
}

say "schemathesis $SCHEMATHESIS_VERSION into .venv"
venv_install "schemathesis==$SCHEMATHESIS_VERSION" || fail "could not install schemathesis"
ST="$ROOT/.venv/bin/st"

mock_build || fail "the mock server does not build"

say "start the mock server"
# A rate limit the fuzzer cannot reach: 429s are not what this test is about.
mock_start --seed 1 --users 3 --contacts-per-user 50 --rate-limit 100000000 \
    || fail "the mock server did not start"
TOKEN="$(mock_mint_token)" || fail "could not mint a token"
echo "bearer token: $(redact "$TOKEN")"

# schemathesis and hypothesis keep caches in the working directory (.schemathesis/,
# .hypothesis/): run from a scratch directory so the repository stays clean.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mc-contract.XXXXXX")"
args=(
    run "$ROOT/spec/openapi.yaml"
    --url "$MOCK_URL"
    -H "Authorization: Bearer $TOKEN"
    --checks "$CHECKS"
    --max-examples "$MAX_EXAMPLES"
    --workers "$WORKERS"
    # Operations that would wreck the run's own state: reseeding, armed faults, a moved
    # clock, or a revoked token fail everything after them.
    --exclude-name "POST /_mock/reset"
    --exclude-name "POST /_mock/faults"
    --exclude-name "POST /_mock/clock"
    --exclude-name "POST /oauth/revoke"
    --exclude-name-regex "^DELETE /v1/me/permissions"
    --generation-database none
    --report junit
    --report-junit-path "$WORK/junit.xml"
    --no-color
)
[[ -n "${CONTRACT_SEED:-}" ]] && args+=(--seed "$CONTRACT_SEED")

say "st ${args[*]/Bearer */Bearer $(redact "$TOKEN")}"
(cd "$WORK" && "$ST" "${args[@]}") 2>&1 | tee "$WORK/st.log"
st_rc=${PIPESTATUS[0]}

# The number of generated test cases, from the summary: "  3318 generated, 3318 passed".
generated="$(grep -Eo '^ *[0-9]+ generated' "$WORK/st.log" | tail -1 | tr -dc 0-9)"
generated="${generated:-0}"
# Passed/failed per JUnit test case (an operation, or the stateful tests).
# A case schemathesis skipped (e.g. every example refused by auth) is skipped, not passed.
read -r total failed skipped < <(python3 - "$WORK/junit.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
except (OSError, ET.ParseError):
    print(0, 0, 0)
    sys.exit()
total = failed = skipped = 0
for case in cases:
    total += 1
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
print(total, failed, skipped)
PY
)
passed=$((total - failed - skipped))
if [[ $st_rc -ne 0 && $failed -eq 0 ]]; then
    failed=1 # schemathesis failed without a JUnit failure (e.g. the spec did not load)
fi

echo
echo "contract: $generated test cases generated (schemathesis exit code $st_rc)"
echo "contract: $passed passed, $failed failed, $skipped skipped ($generated test cases generated)"
[[ $st_rc -eq 0 && $failed -eq 0 ]]
