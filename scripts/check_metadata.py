#!/usr/bin/env python3
"""Checks that every package states the same version and metadata (standard library only).

The one version is the Cargo workspace's (`[workspace.package] version`): the crates and
the Python package read it (maturin's dynamic version); package.json, the platform
package, the csproj and the nuspec state it and are checked here. The .NET nuspec (packed
by Debian's nuget 2.8) must agree with the csproj (the SDK-style project a .NET user
builds) on id, version, description, license, authors, URLs, tags, dependencies and files.

    python3 scripts/check_metadata.py

Prints one line per check and ends with `metadata: N passed, N failed`; exits 1 if any
check failed.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, List, Tuple
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/messenger-connect/messenger-connect"
LICENSE = "MIT OR Apache-2.0"
LICENSE_FILES = ("LICENSE-MIT", "LICENSE-APACHE")
PACKAGES = ("core", "mock-server", "bindings-python", "bindings-node", "bindings-dotnet")
NUSPEC_NS = {"n": "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd"}


def toml(rel: str) -> dict:
    with open(ROOT / rel, "rb") as f:
        return tomllib.load(f)


def read_json(rel: str) -> dict:
    return json.loads((ROOT / rel).read_text())


WORKSPACE = toml("Cargo.toml")["workspace"]
VERSION = WORKSPACE["package"]["version"]


def csproj() -> dict:
    root = ET.parse(ROOT / "bindings-dotnet/MessengerConnect/MessengerConnect.csproj").getroot()
    props = {}
    for group in root.iter("PropertyGroup"):
        for el in group:
            props.setdefault(el.tag, (el.text or "").strip())
    props["PackageReference"] = sorted(  # type: ignore[assignment]
        (r.get("Include"), r.get("Version")) for r in root.iter("PackageReference")
    )
    return props


def csproj_items() -> List[ET.Element]:
    root = ET.parse(ROOT / "bindings-dotnet/MessengerConnect/MessengerConnect.csproj").getroot()
    return list(root.iter("None"))


def nuspec() -> dict:
    root = ET.parse(ROOT / "bindings-dotnet/MessengerConnect/MessengerConnect.nuspec").getroot()
    meta = root.find("n:metadata", NUSPEC_NS)
    assert meta is not None, "no <metadata>"
    out = {el.tag.split("}")[1]: (el.text or "").strip() for el in meta}
    out["dependencies"] = sorted(
        (d.get("id"), d.get("version")) for d in meta.iter(f"{{{NUSPEC_NS['n']}}}dependency")
    )
    out["files"] = sorted(f.get("target") for f in root.iter(f"{{{NUSPEC_NS['n']}}}file"))
    return out


# ------------------------------------------------------------------------------- checks


def check_workspace() -> None:
    pkg = WORKSPACE["package"]
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?", VERSION), f"version {VERSION!r} is not semver"
    assert pkg["license"] == LICENSE, f"license {pkg['license']!r}"
    assert pkg["repository"] == REPO_URL, f"repository {pkg['repository']!r}"
    for name in ("messenger-connect", "messenger-connect-mock"):
        dep = WORKSPACE["dependencies"][name]
        assert dep.get("version") == VERSION, f"workspace dependency {name} has version {dep.get('version')!r}, not {VERSION}"


def check_crates() -> None:
    members = WORKSPACE["members"]
    for member in members:
        manifest = toml(f"{member}/Cargo.toml")["package"]
        for key in ("version", "license", "repository", "authors", "edition"):
            assert manifest.get(key) == {"workspace": True}, f"{member}/Cargo.toml: {key} must be `{key}.workspace = true`"
        assert manifest.get("description"), f"{member}/Cargo.toml: no description"
    for member in ("core", "mock-server"):
        manifest = toml(f"{member}/Cargo.toml")["package"]
        for key in ("keywords", "categories", "readme", "documentation"):
            assert manifest.get(key), f"{member}/Cargo.toml (published): no {key}"
        assert manifest.get("publish", True) is not False, f"{member} must be publishable"


def check_licenses() -> None:
    for name in LICENSE_FILES:
        assert (ROOT / name).is_file(), f"no {name} at the root"
        for pkg in PACKAGES:
            path = ROOT / pkg / name
            assert path.is_file(), f"{pkg}/{name} is missing (a link to ../{name})"
            assert path.read_bytes() == (ROOT / name).read_bytes(), f"{pkg}/{name} differs from /{name}"


def check_mock_spec() -> None:
    link = ROOT / "mock-server/openapi.yaml"
    assert link.is_symlink(), "mock-server/openapi.yaml must be a link to ../spec/openapi.yaml (one source of truth)"
    assert link.resolve() == (ROOT / "spec/openapi.yaml").resolve(), "mock-server/openapi.yaml points elsewhere"


def check_python() -> None:
    project = toml("bindings-python/pyproject.toml")["project"]
    assert "version" not in project and "version" in project.get("dynamic", []), \
        "pyproject.toml: the version must be dynamic (maturin reads Cargo.toml)"
    assert project["license"] == LICENSE, f"pyproject.toml: license {project['license']!r}"
    assert sorted(project.get("license-files", [])) == sorted(LICENSE_FILES), "pyproject.toml: license-files"
    assert project.get("authors") and project.get("keywords"), "pyproject.toml: authors, keywords"
    assert project.get("urls", {}).get("Repository") == REPO_URL, "pyproject.toml: urls.Repository"
    assert any(c.startswith("Programming Language :: Python :: 3") for c in project["classifiers"]), "classifiers"


def check_node() -> None:
    main = read_json("bindings-node/package.json")
    lock = read_json("bindings-node/package-lock.json")
    assert main["version"] == VERSION, f"bindings-node/package.json: version {main['version']} (workspace: {VERSION})"
    assert lock["version"] == VERSION and lock["packages"][""]["version"] == VERSION, \
        "bindings-node/package-lock.json: version (run `npm install --package-lock-only`)"
    assert not main.get("private"), "bindings-node/package.json: private"
    assert main["license"] == LICENSE, "bindings-node/package.json: license"
    assert main.get("repository", {}).get("url", "").endswith("github.com/messenger-connect/messenger-connect.git"), "repository"
    for key in ("author", "homepage", "bugs", "keywords", "engines", "description"):
        assert main.get(key), f"bindings-node/package.json: no {key}"
    assert all(f in main["files"] for f in LICENSE_FILES), "bindings-node/package.json: files lacks the licenses"
    assert not any(f.endswith(".node") for f in main["files"]), "the main package must not carry a .node file"
    targets = main["napi"]["targets"]
    platforms = sorted(p.name for p in (ROOT / "bindings-node/npm").iterdir() if p.is_dir())
    assert len(platforms) == len(targets), f"napi.targets {targets} but npm/ has {platforms}"
    for platform in platforms:
        pkg = read_json(f"bindings-node/npm/{platform}/package.json")
        rel = f"bindings-node/npm/{platform}/package.json"
        assert pkg["name"] == f"@messenger-connect/{platform}", f"{rel}: name {pkg['name']}"
        assert pkg["version"] == VERSION, f"{rel}: version {pkg['version']} (workspace: {VERSION})"
        assert pkg["main"] == f"messenger-connect.{platform}.node", f"{rel}: main"
        for key in ("license", "engines", "repository", "author", "homepage"):
            assert pkg.get(key) == main.get(key), f"{rel}: {key} differs from the main package's"
        assert pkg.get("os") and pkg.get("cpu"), f"{rel}: os and cpu"
    # The browser library (not packed by release.sh yet: private) states the same version.
    web = ROOT / "bindings-web/package.json"
    if web.exists():
        version = json.loads(web.read_text())["version"]
        assert version == VERSION, f"bindings-web/package.json: version {version} (workspace: {VERSION})"


def check_dotnet() -> None:
    proj, spec = csproj(), nuspec()
    pairs = [
        ("id", spec["id"], proj["PackageId"]),
        ("version", spec["version"], proj["Version"]),
        ("description", spec["description"], proj["Description"]),
        ("authors", spec["authors"], proj["Authors"]),
        ("copyright", spec["copyright"], proj["Copyright"]),
        ("projectUrl", spec["projectUrl"], proj["PackageProjectUrl"]),
        ("tags", spec["tags"].split(), proj["PackageTags"].split(";")),
        # nuget 2.8 has no <license>: the expression's URL, as newer NuGet writes it.
        ("license", spec["licenseUrl"], "https://licenses.nuget.org/" + quote(proj["PackageLicenseExpression"])),
        ("dependencies", spec["dependencies"], proj["PackageReference"]),
    ]
    for what, in_nuspec, in_csproj in pairs:
        assert in_nuspec == in_csproj, f"{what}: nuspec {in_nuspec!r} != csproj {in_csproj!r}"
    assert proj["Version"] == VERSION, f"csproj Version {proj['Version']} (workspace: {VERSION})"
    assert proj["PackageLicenseExpression"] == LICENSE, "csproj PackageLicenseExpression"
    assert proj["RepositoryUrl"] == REPO_URL, "csproj RepositoryUrl"
    assert proj["TargetFramework"] == "netstandard2.0", "csproj TargetFramework"
    want_files = sorted([
        "lib/netstandard2.0/MessengerConnect.dll",
        "lib/netstandard2.0/MessengerConnect.xml",
        "runtimes/linux-x64/native/libmessenger_connect_dotnet.so",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ])
    assert spec["files"] == want_files, f"nuspec files {spec['files']} (want {want_files})"
    # The csproj packs the dll and its XML docs by itself; the rest are <None Pack="true">.
    packed = sorted(
        ((item.get("PackagePath") or "").strip("/") + "/" + re.sub(r"^\$\([^)]*\)", "", Path(item.get("Include") or "").name)).lstrip("/")
        for item in csproj_items() if item.get("Pack") == "true"
    )
    want_csproj = [f for f in want_files if not f.startswith("lib/")]
    assert packed == want_csproj, f"csproj packs {packed} (want {want_csproj} and the built dll, xml)"


CHECKS: List[Tuple[str, Callable[[], None]]] = [
    ("workspace version and license", check_workspace),
    ("crates read the workspace metadata", check_crates),
    ("LICENSE-MIT and LICENSE-APACHE in every package", check_licenses),
    ("the mock crate carries spec/openapi.yaml", check_mock_spec),
    ("pyproject.toml", check_python),
    ("package.json and the platform packages", check_node),
    ("nuspec in step with the csproj", check_dotnet),
]


def main() -> int:
    passed = failed = 0
    print(f"workspace version {VERSION}")
    for name, fn in CHECKS:
        try:
            fn()
        except (AssertionError, KeyError, OSError, ET.ParseError, json.JSONDecodeError) as e:
            failed += 1
            print(f"FAILED  {name}: {type(e).__name__}: {e}")
        else:
            passed += 1
            print(f"ok      {name}")
    print(f"metadata: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
