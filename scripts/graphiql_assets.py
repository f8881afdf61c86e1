"""Fetch GraphiQL's browser files from the npm registry into server/static/graphiql/.

`make install` runs this (before `pip install`, so the wheel carries them); the server
then serves the IDE with no request leaving the machine. Versions are pinned here;
`npm pack` checks each tarball against the registry's integrity hash.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "server" / "static" / "graphiql"

# package@version -> (file inside the tarball's package/ folder, name served)
ASSETS: dict[str, list[tuple[str, str]]] = {
    "react@18.2.0": [("umd/react.production.min.js", "react.production.min.js")],
    "react-dom@18.2.0": [("umd/react-dom.production.min.js", "react-dom.production.min.js")],
    # graphiql's UMD bundle includes graphql and the graphql-ws client (subscriptions).
    "graphiql@3.8.3": [
        ("graphiql.min.js", "graphiql.min.js"),
        ("graphiql.min.css", "graphiql.min.css"),
    ],
    "@graphiql/plugin-explorer@1.0.2": [
        ("dist/index.umd.js", "plugin-explorer.umd.js"),
        ("dist/style.css", "plugin-explorer.css"),
    ],
}


def wanted() -> list[Path]:
    return [TARGET / served for files in ASSETS.values() for _, served in files]


def main(argv: list[str]) -> int:
    """`--require`: fail without npm (the wheel and the image must carry the files); without
    it a machine lacking npm still installs, and the IDE page stays on "Loading..."."""
    if all(path.is_file() for path in wanted()):
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print("graphiql_assets: `npm` is needed to fetch GraphiQL (apt-get install npm)")
        return 1 if "--require" in argv else 0
    TARGET.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in ASSETS.items():
            out = subprocess.run(
                [npm, "pack", "--silent", spec],
                cwd=tmp,
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            ).stdout.split()[-1]
            with tarfile.open(Path(tmp) / out) as tar:
                for inner, served in files:
                    member = tar.extractfile(f"package/{inner}")
                    if member is None:
                        raise SystemExit(f"graphiql_assets: {spec} has no {inner}")
                    (TARGET / served).write_bytes(member.read())
    print(f"graphiql_assets: {len(wanted())} files in {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
