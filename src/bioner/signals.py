"""Stopping cleanly on SIGTERM and SIGINT, also with worker processes.

Python dies at SIGTERM without unwinding, so `finally` blocks never run and a temporary output
(`.NAME.XXXX.partial`) stays behind. With `nlp.pipe(n_process=2)` spaCy's forked workers wait
on their queues for ever once the parent is gone, and Ctrl-C (SIGINT to the whole process group)
makes each worker print its traceback while the parent waits for them.

`stop_on_signals` turns both signals, in the main process, into an `Interrupted` exception
(unwinding removes partial files) after terminating the worker processes; in a forked worker the
same handler (inherited) ends the worker at once and quietly.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was stopped by a signal. A BaseException, as KeyboardInterrupt is, so that no
    `except Exception` swallows it; the CLI catches it once and exits with 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise `Interrupted` (see the module docstring)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    main_pid = os.getpid()
    stopping = False

    def handler(signum: int, frame: object) -> None:
        nonlocal stopping
        if os.getpid() != main_pid:  # a forked worker (nlp.pipe with n_process > 1)
            os._exit(128 + signum)
        if stopping:  # a second signal while cleaning up: leave now
            os._exit(128 + signum)
        stopping = True
        _terminate_children()
        raise Interrupted(signum)

    previous = {number: signal.signal(number, handler) for number in SIGNALS}
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _terminate_children() -> None:
    # spaCy warns (W127) that its workers did not complete: they were stopped on purpose.
    warnings.filterwarnings("ignore", message=r"\[W127\]")

    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
