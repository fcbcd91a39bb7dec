"""A killed `cdv rapports` leaves no worker, kernel or helper process behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"


def _alive(process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigkill_of_the_main_process_ends_workers_and_kernels(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cdv = Path(sys.executable).with_name("cdv")
    main = subprocess.Popen([str(cdv), "rapports", "--donnees", str(raw), "--territoire", "call", "--annee", "2022",
                             "--sortie", str(tmp_path / "out"), "--sortie-donnees", str(tmp_path / "processed"),
                             "--jobs", "1", "--silencieux", "--force"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline, descendants = time.monotonic() + 120, []
        while time.monotonic() < deadline:  # wait for a worker and its kernel
            descendants = psutil.Process(main.pid).children(recursive=True)
            if any("ipykernel" in " ".join(p.cmdline()) for p in descendants if _alive(p)):
                break
            time.sleep(0.5)
        assert any("ipykernel" in " ".join(p.cmdline()) for p in descendants), "no kernel started"
        os.kill(main.pid, signal.SIGKILL)
        main.wait(10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in descendants):
            time.sleep(0.5)
        left = [" ".join(p.cmdline())[:80] for p in descendants if _alive(p)]
        assert not left, left
    finally:  # whatever happened, nothing of this test's process group stays
        try:
            os.killpg(main.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        main.wait(10)
