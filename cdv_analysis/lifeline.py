"""Processes that end with their parent: build workers and notebook kernels never outlive a killed ``cdv``.

A ``SIGKILL`` of the main process runs no cleanup; its workers (and their
kernels) would go on building reports. Each worker and each kernel therefore
watches its parent's pid from a daemon thread (portable, and unlike Linux's
parent-death signal not tied to the thread that started the process): when the
parent is gone, the process sends itself ``SIGTERM`` (a worker's handler then
stops its kernels and removes its scratch folders), and exits if that is not
enough.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent", "die_with_parent_in_kernel"]

_WATCHED: set[int] = set()


def die_with_parent(interval: float = 1.0, grace: float = 10.0) -> bool:
    """Start the watch of this process's parent (once per process); False when there is no parent to watch."""
    parent = os.getppid()
    if parent <= 1 or os.getpid() in _WATCHED:
        return False
    _WATCHED.add(os.getpid())

    def watch() -> None:  # pragma: no cover - runs in a process whose parent dies
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="cdv-lifeline", daemon=True).start()
    return True


def die_with_parent_in_kernel() -> bool:
    """:func:`die_with_parent` when running in a Jupyter kernel (never in the ``cdv`` process itself)."""
    kernel_app = sys.modules.get("ipykernel.kernelapp")
    if kernel_app is None or not kernel_app.IPKernelApp.initialized():
        return False
    return die_with_parent()
