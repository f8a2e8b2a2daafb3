#!/usr/bin/env bash
# Shared by run-tests.sh, run-example.sh and bench/bench.sh (sourced, runs nothing else):
# ensures mono is installed, builds the cdylib and the generator with cargo, compiles the
# MessengerConnect library with mcs. Build outputs go to $TARGET_DIR/dotnet.
#
#   DOTNET_OUT   the directory with MessengerConnect.dll and libmessenger_connect_dotnet.so
#   MC_NO_BUILD=1 skips cargo (reuses the built library and generator).

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE=ci
DOTNET_OUT="$TARGET_DIR/dotnet"
NATIVE_LIB="$TARGET_DIR/$PROFILE/libmessenger_connect_dotnet.so"
BINDGEN="$TARGET_DIR/$PROFILE/uniffi-bindgen-dotnet"
GENERATED="$HERE/MessengerConnect/Generated/MessengerConnect.g.cs"
BINDGEN_CONFIG="$HERE/uniffi.toml"
NUNIT_DLL=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll
# mcs (Mono 6.8) accepts C# up to 7.2; the csproj says 7.3 for Roslyn. The code uses no 7.3 feature.
MCS_FLAGS=(-langversion:7.2 -nologo -warnaserror+ -nowarn:1591,0108,0618)

# Installs mono, mcs and NUnit 2.6 with apt-get when one is missing (CI runs as root).
dotnet_ensure_mono() {
    if command -v mcs >/dev/null && command -v mono >/dev/null && command -v nunit-console >/dev/null \
        && [[ -f "$NUNIT_DLL" ]]; then
        return 0
    fi
    echo "==> apt-get install -y mono-mcs mono-runtime nunit-console libnunit-cil-dev"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null || return 1
    apt-get install -y -qq mono-mcs mono-runtime nunit-console libnunit-cil-dev </dev/null >/dev/null || return 1
}

# Builds the cdylib and the generator (one cargo command).
dotnet_cargo_build() {
    if [[ "${MC_NO_BUILD:-0}" == 1 && -f "$NATIVE_LIB" && -x "$BINDGEN" ]]; then
        echo "MC_NO_BUILD=1: using the built $NATIVE_LIB"
        return 0
    fi
    echo "==> cargo build --profile $PROFILE -p messenger-connect-dotnet -p messenger-connect-dotnet-bindgen"
    (cd "$ROOT" && cargo build --profile "$PROFILE" -p messenger-connect-dotnet -p messenger-connect-dotnet-bindgen 2>&1 | grep -v '^ *Compiling ')
    return "${PIPESTATUS[0]}"
}

# Compiles MessengerConnect.dll (the committed generated file + the hand-written layer)
# and puts the native library next to it.
dotnet_build_lib() {
    mkdir -p "$DOTNET_OUT" || return 1
    cp "$NATIVE_LIB" "$DOTNET_OUT/" || return 1
    local sources
    mapfile -t sources < <(find "$HERE/MessengerConnect" -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*' | sort)
    echo "==> mcs MessengerConnect.dll (${#sources[@]} files)"
    mcs "${MCS_FLAGS[@]}" -target:library -doc:"$DOTNET_OUT/MessengerConnect.xml" \
        -out:"$DOTNET_OUT/MessengerConnect.dll" "${sources[@]}"
}

# Runs a Mono program with the native library findable.
dotnet_mono() {
    # (Bounded: a program that does not end by itself fails instead of stalling the run.)
    LD_LIBRARY_PATH="$DOTNET_OUT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout -k 10 900 mono --debug "$@"
}
