"""The ``cdv rapports`` command as a user runs it: stopped by Ctrl-C or SIGTERM, then run again; quiet output.

Each run is a subprocess in its own session, on a copy of the data, with its
temporary files (report scratch folders, kernel connection files) in the test's
folder, so that leftovers and stray processes can be found.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest


TIMEOUT = 60  # seconds for a run of the command (two reports at most)


@pytest.fixture(scope="module")
def published(tmp_path_factory, embedded_reports) -> Path:
    """CABBALR 2019 as built by the session's shared build: the report already published when an interrupted run
    starts."""
    assert embedded_reports.summary.ok, embedded_reports.summary.text()
    root = tmp_path_factory.mktemp("publie")
    shutil.copytree(embedded_reports.reports / "cabbalr" / "2019", root / "rapports" / "cabbalr" / "2019")
    return root / "rapports"


def _command(root: Path, years: tuple[int, ...] = (2019, 2021)) -> tuple[list[str], dict]:
    (root / "tmp").mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(root / "tmp"), JUPYTER_RUNTIME_DIR=str(root / "runtime"))
    env.pop("CDV_NOTEBOOKS", None)
    args = [sys.executable, "-m", "cdv_analysis.cli", "rapports", "--donnees", str(root / "raw"),
            "--sortie", str(root / "rapports"), "--sortie-donnees", str(root / "donnees"), "--silencieux",
            "--territoire", "cabbalr", "--jobs", "1"]
    for year in years:
        args += ["--annee", str(year)]
    return args, env


def _run(root: Path) -> subprocess.CompletedProcess:
    args, env = _command(root)
    return subprocess.run(args, env=env, cwd=root, capture_output=True, text=True, timeout=TIMEOUT * 2)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie only waits for PID 1 to reap it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _strays(root: Path, pids: set[int]) -> list[str]:
    """Processes of the run still alive: its descendants, or any process whose command line names its folder."""
    found = {pid for pid in pids if _running(pid)}
    for process in psutil.process_iter(["pid", "cmdline"]):
        if str(root) in " ".join(process.info["cmdline"] or []) and _running(process.info["pid"]):
            found.add(process.info["pid"])
    described = []
    for pid in sorted(found):
        try:
            described.append(f"{pid}: {' '.join(psutil.Process(pid).cmdline())}")
        except psutil.Error:
            pass
    return described


def _interrupt(root: Path, signum: int) -> tuple[subprocess.CompletedProcess, set[int]]:
    """Start the command, send ``signum`` while the first report is running; its result and every process it had."""
    args, env = _command(root)
    process = subprocess.Popen(args, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    pids: set[int] = set()
    started = root / "donnees" / "cabbalr" / "2021"  # the first tables of the report being built
    deadline = time.monotonic() + TIMEOUT
    try:
        while not (started.is_dir() and any(started.glob("*.csv"))):
            assert process.poll() is None, f"finished before the signal: {process.communicate()}"
            assert time.monotonic() < deadline, "the report did not start"
            pids |= {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
            time.sleep(0.05)
        pids |= {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
        assert any("ipykernel" in " ".join(psutil.Process(pid).cmdline()) for pid in pids if _running(pid))
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)  # as Ctrl-C in a terminal: the whole foreground process group
        else:
            process.send_signal(signum)  # as `kill`: the command alone
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:  # the test failed: do not leave the build running
            for pid in pids:
                if _running(pid):
                    psutil.Process(pid).kill()
            process.kill()
            process.communicate()
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr), pids


SIGNALS = ((signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "signal d’arrêt"))


def test_interrupted_build_stops_cleanly_and_resumes(published, data_copy):
    """Ctrl-C, then SIGTERM on the next run: each stops the build cleanly; the run after them resumes.

    Each signal gets its own run, started from the same state (the report's first tables, the sign that it is
    running, are cleared); the run that resumes (the longest part: a whole report) is shared by both.
    """
    root = data_copy.parent
    shutil.copytree(published, root / "rapports")
    good = root / "rapports" / "cabbalr" / "2019" / "rapport.html"
    good_bytes, good_stamp = good.read_bytes(), good.stat().st_mtime_ns

    for signum, code, wording in SIGNALS:
        shutil.rmtree(root / "donnees" / "cabbalr" / "2021", ignore_errors=True)
        stopped, pids = _interrupt(root, signum)

        assert stopped.returncode == code, (wording, stopped.stderr)
        assert stopped.stdout == ""
        assert f"Construction interrompue ({wording})" in stopped.stderr
        assert "Relancez la commande" in stopped.stderr
        for noise in ("Traceback", "KeyboardInterrupt", "Warning", "Kernel"):
            assert noise not in stopped.stderr, (wording, noise)
        deadline = time.monotonic() + 10
        while _strays(root, pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _strays(root, pids), wording
        # Nothing half-done: the published report is untouched, the interrupted one absent, no scratch file left.
        assert good.read_bytes() == good_bytes and good.stat().st_mtime_ns == good_stamp
        assert not (root / "rapports" / "cabbalr" / "2021" / "rapport.html").exists()
        assert list((root / "tmp").iterdir()) == []
        assert not (root / "runtime").exists() or list((root / "runtime").glob("kernel-*.json")) == []

    again = _run(root)

    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[0].startswith("2 rapports : 1 construit, 1 repris du cache, 0 en échec")
    assert again.stderr == ""
    assert good.read_bytes() == good_bytes and good.stat().st_mtime_ns == good_stamp  # served from cache
    assert (root / "rapports" / "cabbalr" / "2021" / "rapport.html").is_file()


def test_quiet_build_prints_only_the_summary(data_copy):
    root = data_copy.parent
    args, env = _command(root, years=(2019,))
    env["PYTHONWARNINGS"] = "default"  # every warning shown: none may reach the terminal

    done = subprocess.run(args, env=env, cwd=root, capture_output=True, text=True, timeout=TIMEOUT * 2)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 rapport : 1 construit, 0 repris du cache, 0 en échec — ")
    assert lines[1:] == [f"Index : {root / 'rapports' / 'index.html'}"]
    log = (root / "rapports" / "construction.log").read_text("utf-8")
    assert "Kernel is running over TCP" in log  # the kernel's own noise, kept for whoever needs it
    assert (root / "rapports" / "cabbalr" / "2019" / "rapport.html").is_file()
