#!/usr/bin/env bash
# The .NET binding's suite: installs mono/NUnit 2.6 when missing, builds the cdylib and the
# generator, checks that regenerating the C# gives the committed file, compiles the library
# and the tests with mcs, and runs them with nunit-console over the in-process mock server.
# The last lines are `dotnet tool checks: N passed, N failed` (the regeneration diff) and
# `dotnet: N passed, N failed, N skipped` (the NUnit tests). Exits non-zero on any failure.
#
#   bash bindings-dotnet/run-tests.sh [nunit-console args, e.g. -run=MessengerConnect.Tests.ErrorTests]
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/build-lib.sh"

regen_ok=0
fail() { echo "error: $*" >&2; echo "dotnet: 0 passed, 1 failed, 0 skipped"; exit 1; }

dotnet_ensure_mono || fail "could not install mono (apt-get)"
dotnet_cargo_build || fail "cargo build failed"

echo "==> regenerate the C# and compare with the committed file"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mc-dotnet.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if "$BINDGEN" "$NATIVE_LIB" --config "$BINDGEN_CONFIG" --out "$tmp/MessengerConnect.g.cs" \
    && diff -u "$GENERATED" "$tmp/MessengerConnect.g.cs" >"$tmp/regen.diff"; then
    regen_ok=1
    echo "the committed MessengerConnect.g.cs is up to date"
else
    head -40 "$tmp/regen.diff"
    echo "FAILED: bindings-dotnet/MessengerConnect/Generated/MessengerConnect.g.cs differs from a regeneration;"
    echo "        run: $BINDGEN $NATIVE_LIB --config $BINDGEN_CONFIG --out $GENERATED"
fi

dotnet_build_lib || fail "MessengerConnect.dll does not compile"
echo "==> mcs MessengerConnect.Tests.dll"
mapfile -t tests < <(find "$HERE/tests" -name '*.cs' -not -path '*/programs/*' | sort)
mcs "${MCS_FLAGS[@]}" -target:library -r:"$DOTNET_OUT/MessengerConnect.dll" -r:"$NUNIT_DLL" \
    -out:"$DOTNET_OUT/MessengerConnect.Tests.dll" "${tests[@]}" \
    || fail "the tests do not compile"
# Programs the tests run as processes of their own (tests/programs/<Name>.cs -> <Name>.exe).
for program in "$HERE"/tests/programs/*.cs; do
    mcs "${MCS_FLAGS[@]}" -r:"$DOTNET_OUT/MessengerConnect.dll" \
        -out:"$DOTNET_OUT/$(basename "$program" .cs).exe" "$program" \
        || fail "tests/programs/$(basename "$program") does not compile"
done

echo "==> nunit-console MessengerConnect.Tests.dll"
cd "$DOTNET_OUT" || exit 1
rm -f TestResult.xml
# The scenario and error-kind runners read spec/scenarios/ of this checkout.
export MC_SPEC_DIR="${MC_SPEC_DIR:-$ROOT/spec/scenarios}"
# nunit-console ends by itself (see "Process exit on Mono" in README.md); the 30-minute guard
# makes a hung run fail instead of stalling CI.
LD_LIBRARY_PATH="$DOTNET_OUT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout -k 10 1800 \
    nunit-console -nologo -noshadow -domain=None -labels -xml="$DOTNET_OUT/TestResult.xml" \
    "$DOTNET_OUT/MessengerConnect.Tests.dll" "$@" </dev/null
nunit_rc=$?
if [[ $nunit_rc -eq 124 || $nunit_rc -eq 137 ]]; then
    echo "FAILED: nunit-console did not end within 30 minutes (status $nunit_rc)"
fi
[[ -f TestResult.xml ]] || fail "nunit-console wrote no TestResult.xml"

# NUnit 2.6: total = tests run; not-run = ignored + skipped + invalid.
attr() { sed -n "s/.*<test-results [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" TestResult.xml | head -1; }
total=$(attr total); errors=$(attr errors); failures=$(attr failures)
inconclusive=$(attr inconclusive); not_run=$(attr not-run); invalid=$(attr invalid)
# An invalid test (a TestCaseSource that threw, a bad signature) never ran: a failure, not a skip.
failed=$((errors + failures + ${invalid:-0}))
passed=$((total - errors - failures - ${inconclusive:-0}))
skipped=$((${not_run:-0} - ${invalid:-0} + ${inconclusive:-0}))
# A run that had to be stopped fails, whatever its results said.
if [[ $nunit_rc -eq 124 || $nunit_rc -eq 137 ]]; then failed=$((failed + 1)); fi
# A run in which NUnit ran no test at all (a filter matching nothing, a broken fixture) fails.
if [[ ${total:-0} -eq 0 ]]; then
    echo "error: nunit-console ran no test" >&2
    failed=$((failed + 1))
fi
# The regeneration diff is a tool check, reported on its own line (not among the tests).
echo "dotnet tool checks: $regen_ok passed, $((1 - regen_ok)) failed"
echo "dotnet: $passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 && $regen_ok == 1 ]]
