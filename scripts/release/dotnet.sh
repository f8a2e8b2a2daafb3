# shellcheck shell=bash
# The NuGet package `MessengerConnect` (bindings-dotnet/), sourced by scripts/release.sh:
# lib/netstandard2.0/ (the dll compiled by mcs, its XML docs) and
# runtimes/linux-x64/native/ (the uniffi cdylib), packed by Debian's nuget 2.8 on Mono from
# MessengerConnect.nuspec, restored in a clean folder and used by a C# program on Mono.

# shellcheck source=bindings-dotnet/build-lib.sh
source "$ROOT/bindings-dotnet/build-lib.sh"
NUGET_STAGE="$WORK/nuget-out"

# Mono, mcs, NUnit (build-lib.sh) and nuget, from Debian when missing.
dotnet_tools() {
    dotnet_ensure_mono || return 1
    command -v nuget >/dev/null || apt_install nuget || return 1
    mono --version | sed -n 1p
    dpkg-query -W -f='nuget ${Version} (Debian)\n' nuget
}

# The dll and XML docs (mcs), the native library of the artifact's profile, the README
# and the licenses, staged for nuget pack.
dotnet_stage() {
    dotnet_cargo_build || return 1
    dotnet_build_lib || return 1
    local native="$NATIVE_LIB"
    if [[ $REL_PROFILE != "$PROFILE" ]]; then
        cargo build --profile "$REL_PROFILE" -p messenger-connect-dotnet </dev/null || return 1
        native="$TARGET_DIR/$REL_PROFILE/libmessenger_connect_dotnet.so"
    fi
    rm -rf "$NUGET_STAGE" && mkdir -p "$NUGET_STAGE" || return 1
    # Flat, as the nuspec's <file src> name them (links followed for the licenses).
    cp -L "$DOTNET_OUT/MessengerConnect.dll" "$DOTNET_OUT/MessengerConnect.xml" "$native" \
        "$HERE/README.md" "$HERE/LICENSE-MIT" "$HERE/LICENSE-APACHE" "$NUGET_STAGE/"
}

# nuget pack into dist/, then the package holds exactly the files the nuspec names.
dotnet_pack() {
    rm -f "$DIST"/MessengerConnect.*.nupkg
    HOME="$WORK/nuget-home" timeout 600 nuget pack "$HERE/MessengerConnect/MessengerConnect.nuspec" \
        -BasePath "$NUGET_STAGE" -OutputDirectory "$DIST" -NonInteractive </dev/null || return 1
    local nupkg listing f
    nupkg=$(dist_file "MessengerConnect.$VERSION.nupkg") || return 1
    listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$nupkg") || return 1
    for f in lib/netstandard2.0/MessengerConnect.dll lib/netstandard2.0/MessengerConnect.xml \
        runtimes/linux-x64/native/libmessenger_connect_dotnet.so README.md LICENSE-MIT LICENSE-APACHE; do
        grep -qx "$f" <<<"$listing" || { echo "the nupkg has no $f"; return 1; }
    done
    echo "$(basename "$nupkg"): $(grep -c . <<<"$listing") entries"
}

# A clean folder restores the package from dist/ only (no cache, a fresh HOME), compiles
# Smoke.cs with mcs against the restored dll and runs it on Mono with the package's native
# library, without Rust on PATH.
dotnet_install_and_run() {
    local app="$WORK/dotnet-app" pkg
    rm -rf "$app" && mkdir -p "$app" || return 1
    (cd "$app" && HOME="$WORK/nuget-home" without_rust timeout 600 nuget install MessengerConnect -Version "$VERSION" \
        -Source "$DIST" -OutputDirectory packages -NoCache -NonInteractive </dev/null) || return 1
    pkg="$app/packages/MessengerConnect.$VERSION"
    [[ -f "$pkg/lib/netstandard2.0/MessengerConnect.dll" ]] || { echo "nuget install restored no dll"; return 1; }
    cp "$pkg/lib/netstandard2.0/MessengerConnect.dll" "$app/" || return 1
    (cd "$app" && without_rust mcs -langversion:7.2 -nologo -warnaserror+ -r:MessengerConnect.dll \
        -out:Smoke.exe "$ROOT/scripts/release/smoke/Smoke.cs" </dev/null) || return 1
    # Mono has no runtimes/<rid>/ lookup: the loader path points at the package's folder.
    (cd "$app" && LD_LIBRARY_PATH="$pkg/runtimes/linux-x64/native" \
        without_rust timeout 300 mono Smoke.exe </dev/null)
}

release_dotnet() {
    verify "mono, mcs, nuget" dotnet_tools || return
    verify "MessengerConnect.dll, XML docs, native library ($REL_PROFILE)" dotnet_stage || return
    verify "nuget pack MessengerConnect.nuspec" dotnet_pack || return
    verify "nuget install from dist/, mcs, run on Mono" dotnet_install_and_run
}
