"""Write or check requirements/lock.txt, the exact environment `make` and CI install.

The lock is uv's universal `pip compile` output with hashes (a plain requirements file, so that
the pip every Python ships installs it with `--require-hashes`: no uv needed to use it); the same
versions are written to `pylock.toml`, the standard lock format (PEP 751), for tools that read it.
The requirements file's first lines record a fingerprint of what it was made from: the dependency tables of pyproject.toml and
requirements/tools.in. `check` compares that fingerprint, so a dependency added to
pyproject.toml without `make lock` is refused by `make setup` in one line instead of installing an
environment nobody tested. Standard library only: it runs before the virtual environment exists.

    python scripts/lock.py check   # exit 1, one line, when the lock is stale
    python scripts/lock.py write   # regenerate both locks (needs uv: `pip install uv`)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
TOOLS = ROOT / "requirements" / "tools.in"
LOCK = ROOT / "requirements" / "lock.txt"
PYLOCK = ROOT / "pylock.toml"
EXTRAS = ("dev", "vectors", "pubmed")
PYTHON = "3.11"
MARK = "# inputs-sha256: "


def fingerprint(pyproject: Path = PYPROJECT, tools: Path = TOOLS) -> str:
    """A hash of what decides the lock's content, and nothing else (ruff settings may change freely)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "build-system": data.get("build-system", {}).get("requires", []),
        "tools": [
            line.strip()
            for line in tools.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ],
        "extras": list(EXTRAS),
        "python": PYTHON,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded(lock: Path = LOCK) -> str | None:
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith(MARK):
            return line[len(MARK) :].strip()
    return None


def check(pyproject: Path = PYPROJECT, tools: Path = TOOLS, lock: Path = LOCK) -> str | None:
    """None when the lock matches its inputs, else the one line to print."""
    if not lock.exists():
        return f"{lock.relative_to(lock.parent.parent)} is missing: run `make lock` and commit it"
    if recorded(lock) != fingerprint(pyproject, tools):
        return (
            f"{lock.name} was not made from this pyproject.toml (dependencies changed since `make lock`):"
            " run `make lock`, run the tests, and commit both"
        )
    return None


def write() -> None:
    uv = shutil.which("uv")
    command = [uv] if uv else [sys.executable, "-m", "uv"]
    try:
        subprocess.run([*command, "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        sys.exit("make lock needs uv (`pip install uv`; the dev extra installs it in .venv)")
    compile_ = [
        *command,
        "pip",
        "compile",
        str(PYPROJECT.relative_to(ROOT)),
        str(TOOLS.relative_to(ROOT)),
        *[f"--extra={extra}" for extra in EXTRAS],
        "--generate-hashes",
        "--universal",
        f"--python-version={PYTHON}",
        "--no-header",
        "--quiet",
    ]
    body = subprocess.run(compile_, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    header = (
        "# The exact environment `make` and .ci/run install (pip install --require-hashes).\n"
        "# Made by `make lock` (scripts/lock.py: uv pip compile, universal, with hashes) from pyproject.toml\n"
        f"# with extras {', '.join(EXTRAS)} and requirements/tools.in, for Python {PYTHON}. Do not edit by hand.\n"
        f"{MARK}{fingerprint()}\n"
    )
    LOCK.write_text(header + body, encoding="utf-8")
    # The same versions in the standard lock format (PEP 751), for tools that read it (uv, PDM,
    # pip >= 25.1): resolved again under the pins just written, so the two cannot disagree.
    pylock = subprocess.run(
        [*compile_, f"--constraint={LOCK.relative_to(ROOT)}", "--format=pylock.toml"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    PYLOCK.write_text(
        f"# The versions of {LOCK.relative_to(ROOT)} in the standard lock format; made with it by `make lock`.\n"
        + pylock,
        encoding="utf-8",
    )
    count = sum(1 for line in body.splitlines() if line[:1].isalnum())
    print(f"wrote {LOCK.relative_to(ROOT)} and {PYLOCK.relative_to(ROOT)}: {count} packages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["check", "write"])
    args = parser.parse_args()
    if args.action == "write":
        write()
        return
    problem = check()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
