"""requirements/lock.txt, the exact environment `make` and CI install (scripts/lock.py)."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "lock.py"


def lock_module():
    spec = importlib.util.spec_from_file_location("lock", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirements(text):
    """(name, version, hashes) of each requirement of a pip requirements file with continuation lines."""
    joined = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in joined.splitlines():
        if not line or line.startswith("#") or line.startswith(" "):
            continue
        spec = line.split(";")[0].split()[0]
        out.append((spec.split("==")[0], spec.split("==")[1] if "==" in spec else None, line.count("--hash=sha256:")))
    return out


def test_the_committed_lock_was_made_from_this_pyproject():
    assert lock_module().check() is None


def test_every_locked_requirement_is_an_exact_version_with_hashes():
    found = requirements((ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8"))
    names = {name for name, _, _ in found}
    assert {"spacy", "scispacy", "lxml", "scikit-learn", "typer", "pytest", "setuptools", "pip"} <= names
    assert all(version for _, version, _ in found), [n for n, v, _ in found if not v]
    assert all(hashes >= 1 for _, _, hashes in found), [n for n, _, h in found if not h]
    assert "bioner" not in names  # installed from the working tree, not from the lock


def test_a_dependency_added_to_pyproject_makes_the_lock_stale_in_one_line(tmp_path):
    lock = lock_module()
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject.write_text(text.replace('"tqdm>=4.60",', '"tqdm>=4.60",\n    "rich>=13",'), encoding="utf-8")
    assert lock.fingerprint(pyproject) != lock.fingerprint()
    problem = lock.check(pyproject, lock.TOOLS, lock.LOCK)
    assert problem is not None and "run `make lock`" in problem and "\n" not in problem
    # Settings that do not decide the environment (ruff's, say) leave the lock valid.
    pyproject.write_text(text.replace("line-length = 120", "line-length = 100"), encoding="utf-8")
    assert lock.check(pyproject, lock.TOOLS, lock.LOCK) is None


def test_check_from_the_command_line_exits_1_with_one_error_line_for_a_missing_lock(tmp_path):
    lock = lock_module()
    assert "is missing" in lock.check(lock.PYPROJECT, lock.TOOLS, tmp_path / "requirements" / "lock.txt")
    result = subprocess.run([sys.executable, str(SCRIPT), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_standard_pylock_pins_the_same_versions_as_the_lock_make_installs():
    import tomllib

    pylock = tomllib.loads((ROOT / "pylock.toml").read_text(encoding="utf-8"))
    standard = {package["name"]: package["version"] for package in pylock["packages"]}
    locked = {name: version for name, version, _ in requirements((ROOT / "requirements" / "lock.txt").read_text())}
    assert standard == locked
