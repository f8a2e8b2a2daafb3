#!/usr/bin/env bash
# Builds every package as the artifact its ecosystem installs, into dist/, then installs
# each one in a clean place with no Rust toolchain on PATH and runs a small program
# against the embedded mock server, as a user would (scripts/release/README.md):
#
#   dist/messenger_connect-<v>-cp39-abi3-manylinux_<glibc>_x86_64.whl, messenger_connect-<v>.tar.gz
#   dist/messenger-connect-<v>.tgz, dist/messenger-connect-linux-x64-gnu-<v>.tgz
#   dist/MessengerConnect.<v>.nupkg
#   dist/messenger-connect-<v>.crate, dist/messenger-connect-mock-<v>.crate
#
#   bash scripts/release.sh                 # profile ci, no slow verify builds (what CI runs)
#   bash scripts/release.sh --release       # release profile; verifies the crates, installs the packaged mock
#   bash scripts/release.sh python node     # only these packages
#
# Every step counts as one test; skipped ones (the verify builds without --release) count
# as skipped. Ends with "release: N passed, N failed, N skipped"; exits non-zero if a step
# failed. Needs what the tests need (Rust, Python 3.11, Node 20); installs the rest itself
# (auditwheel into .venv, patchelf, mono, nuget with apt-get).
set -uo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=scripts/lib/tally.sh
source "$ROOT/scripts/lib/tally.sh"
cd "$ROOT" || exit 1

PACKAGES=(rust python node dotnet)
RELEASE=0
selected=()
for arg in "$@"; do
    case "$arg" in
        --release) RELEASE=1 ;;
        -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
        -*) die "unknown option $arg (known: --release)" ;;
        *) selected+=("$arg") ;;
    esac
done
[[ ${#selected[@]} -eq 0 ]] && selected=("${PACKAGES[@]}")

# The cargo profile of the artifacts: release for a release, CI's one profile otherwise
# (so release.sh reuses what the tests built in the one target dir).
if [[ $RELEASE == 1 ]]; then REL_PROFILE=release; else REL_PROFILE=$PROFILE; fi
VERSION=$(sed -nE '/^\[workspace.package\]/,/^\[/ s/^version = "(.*)"/\1/p' "$ROOT/Cargo.toml")
[[ -n "$VERSION" ]] || die "no [workspace.package] version in Cargo.toml"
DIST="$ROOT/dist"
# Clean places (venvs, npm folders, NuGet folders) and staging: removed on exit.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mc-release.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# PATH without any folder holding cargo or rustc, for the installs that must not need Rust.
NO_RUST_PATH=$(
    IFS=:
    out=()
    for dir in $PATH; do
        [[ -x "$dir/cargo" || -x "$dir/rustc" || -x "$dir/rustup" ]] || out+=("$dir")
    done
    echo "${out[*]}"
)

# without_rust CMD...: runs CMD with NO_RUST_PATH and no cargo/rustup homes.
without_rust() {
    env PATH="$NO_RUST_PATH" CARGO_HOME=/nonexistent RUSTUP_HOME=/nonexistent "$@"
}

# Checks that the clean installs cannot reach a Rust toolchain.
no_rust_on_path() {
    if without_rust bash -c 'command -v cargo || command -v rustc'; then
        echo "cargo or rustc is still on PATH=$NO_RUST_PATH"
        return 1
    fi
    echo "PATH for the clean installs has no cargo or rustc: $NO_RUST_PATH"
}

# apt_install PKG...: installs Debian packages (CI runs as root) when a command is missing.
apt_install() {
    say "apt-get install -y $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq "$@" </dev/null >/dev/null
}

# dist_file GLOB: the one file of dist/ matching GLOB (fails, saying so, if not exactly one).
dist_file() {
    local matches
    mapfile -t matches < <(compgen -G "$DIST/$1")
    if [[ ${#matches[@]} -ne 1 ]]; then
        echo "expected one dist/$1, found ${#matches[@]}: ${matches[*]}" >&2
        return 1
    fi
    echo "${matches[0]}"
}

for part in "${PACKAGES[@]}"; do
    # shellcheck source=/dev/null
    source "$ROOT/scripts/release/$part.sh"
done

say "release.sh: version $VERSION, profile $REL_PROFILE, into dist/"
mkdir -p "$DIST" || die "cannot create $DIST"
tally_part toolchain verify "no Rust toolchain on the clean installs' PATH" no_rust_on_path
tally_each release_ "${selected[@]}"

say "dist/"
ls -l "$DIST"
tally_summary release.sh release
