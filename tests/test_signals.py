"""Stopping `ner-predict` with a signal: no partial file, no orphan worker, no flood of tracebacks,
and an end within seconds (issue 13). A tiny rule-based pipeline over a large text file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("signals")
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Chemical", "pattern": "Ketamine"}])
    nlp.to_disk(folder / "model")
    (folder / "big.txt").write_text("Ketamine eased depression in most of the patients studied.\n" * 300_000)
    return folder


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


@pytest.mark.parametrize(
    "signum,to_group,processes",
    [
        (signal.SIGTERM, False, 1),
        (signal.SIGTERM, False, 2),
        (signal.SIGINT, True, 2),
    ],
    ids=["SIGTERM-one-process", "SIGTERM-to-parent", "SIGINT-to-group"],
)
def test_a_signal_stops_tagging_cleanly_within_seconds(setup, tmp_path, signum, to_group, processes):
    output = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bioner.cli.predict",
            str(setup / "big.txt"),
            "--lines",
            "-m",
            str(setup / "model"),
            "-n",
            str(processes),
            "-o",
            str(output),
            "-q",
        ],
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (
            list(tmp_path.glob(".out.jsonl.*.partial"))
            and len(children(process.pid)) >= (0 if processes == 1 else processes)
        ):
            assert process.poll() is None and time.monotonic() < deadline, "the run ended before it could be stopped"
            time.sleep(0.1)
        workers = children(process.pid)
        if to_group:
            os.killpg(process.pid, signum)  # what Ctrl-C in a terminal does
        else:
            os.kill(process.pid, signum)
        try:
            _, stderr = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 15 s after {signal.Signals(signum).name}; workers {children(process.pid)}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    message = stderr.decode()
    assert process.returncode == 128 + signum, message
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1, message
    assert f"stopped by {signal.Signals(signum).name}" in message
    time.sleep(0.5)
    assert [
        pid
        for pid in workers
        if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    ] == []
    assert list(tmp_path.iterdir()) == []
