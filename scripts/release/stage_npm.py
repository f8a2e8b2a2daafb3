#!/usr/bin/env python3
"""Stages an npm package for `npm pack`: copies the files its package.json lists (links
followed, so LICENSE-MIT/LICENSE-APACHE are real files) into an empty folder and writes
the package.json to pack. For the main package it adds `optionalDependencies` on every
platform package of bindings-node/npm/ at the same version (what `napi pre-publish`
does), so the repository's own package.json needs no unpublished package for `npm ci`.

    stage_npm.py main     SRC_DIR OUT_DIR
    stage_npm.py platform SRC_DIR OUT_DIR   (SRC_DIR: bindings-node/npm/<platform>)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path


def stage(kind: str, src: Path, out: Path, repo_node: Path) -> None:
    pkg = json.loads((src / "package.json").read_text())
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in pkg["files"]:
        path = src / name
        if not path.exists():
            # A platform package's licenses live at bindings-node/.
            path = repo_node / name
        if not path.is_file():
            raise SystemExit(f"stage_npm: {pkg['name']} lists {name}, which is not in {src}")
        shutil.copyfile(path, out / name)
    if kind == "main":
        platforms = sorted(p.name for p in (src / "npm").iterdir() if p.is_dir())
        pkg["optionalDependencies"] = {
            json.loads((src / "npm" / p / "package.json").read_text())["name"]: pkg["version"] for p in platforms
        }
        pkg.pop("devDependencies", None)
        pkg.pop("scripts", None)
    (out / "package.json").write_text(json.dumps(pkg, indent=2) + "\n")
    print(f"staged {pkg['name']}@{pkg['version']} in {out}: {', '.join(sorted(pkg['files']))}")


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("main", "platform"):
        print(__doc__, file=sys.stderr)
        return 2
    repo_node = Path(__file__).resolve().parents[2] / "bindings-node"
    stage(argv[1], Path(argv[2]), Path(argv[3]), repo_node)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
