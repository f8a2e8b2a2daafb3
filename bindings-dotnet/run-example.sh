#!/usr/bin/env bash
# Builds the library and examples/Chat.cs with mcs and runs it on Mono (installs mono when
# missing): sign-in through the in-process mock server, then a live chat between two users.
#
#   bash bindings-dotnet/run-example.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/build-lib.sh"

dotnet_ensure_mono || { echo "error: could not install mono" >&2; exit 1; }
dotnet_cargo_build || { echo "error: cargo build failed" >&2; exit 1; }
dotnet_build_lib || { echo "error: MessengerConnect.dll does not compile" >&2; exit 1; }
echo "==> mcs Chat.exe"
mcs "${MCS_FLAGS[@]}" -r:"$DOTNET_OUT/MessengerConnect.dll" -out:"$DOTNET_OUT/Chat.exe" "$HERE/examples/Chat.cs" \
    || { echo "error: examples/Chat.cs does not compile" >&2; exit 1; }
echo "==> mono Chat.exe"
cd "$DOTNET_OUT" || exit 1
dotnet_mono Chat.exe </dev/null || { echo "error: Chat.exe failed (status $?)" >&2; exit 1; }
