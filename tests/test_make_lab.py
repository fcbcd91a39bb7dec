"""`make lab` starts JupyterLab for root (with --allow-root) and for other users, with LAB_ARGS passed on."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _fake_venv(tmp_path: Path) -> Path:
    """A venv whose ``jupyter`` prints its arguments instead of starting a server."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    jupyter = venv / "bin" / "jupyter"
    jupyter.write_text('#!/bin/sh\necho "ARGS: $*"\n', "utf-8")
    jupyter.chmod(0o755)
    (venv / ".installe").write_text("", "utf-8")
    tmp_path.chmod(0o755)
    return venv


def _lab(venv: Path, *prefix: str) -> str:
    done = subprocess.run([*prefix, "make", "-s", "-C", str(PROJECT), "lab", f"VENV={venv}", f"STAMP={venv}/.installe",
                           "LAB_ARGS=--no-browser --port 8899"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return next(line for line in done.stdout.splitlines() if line.startswith("ARGS:"))


@pytest.mark.skipif(shutil.which("make") is None, reason="make absent")
def test_lab_passes_lab_args_and_allows_root_only_for_root(tmp_path: Path) -> None:
    args = _lab(_fake_venv(tmp_path)).split()
    assert args[1:3] == ["lab", "--notebook-dir=notebooks"]
    assert args[-3:] == ["--no-browser", "--port", "8899"]
    assert ("--allow-root" in args) == (os.getuid() == 0)


AS_NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


def _unreadable_for_nobody() -> str | None:
    """Why user ``nobody`` cannot run ``make`` in this checkout (a parent folder of mode 700…), or None.

    Checked by asking ``nobody`` to read the Makefile, not guessed from the modes.
    """
    done = subprocess.run([*AS_NOBODY, "test", "-r", str(PROJECT / "Makefile")], capture_output=True, timeout=60)
    if done.returncode == 0:
        return None
    closed = [f"{folder} (mode {folder.stat().st_mode & 0o777:o})" for folder in (*reversed(PROJECT.parents), PROJECT)
              if not folder.stat().st_mode & 0o001]
    return ("l'utilisateur nobody ne peut pas lire le dépôt (Permission denied)"
            + (f" : dossier fermé aux autres utilisateurs {closed[0]}" if closed else f" : {PROJECT / 'Makefile'}"))


@pytest.mark.skipif(os.getuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_lab_as_a_non_root_user_has_no_allow_root() -> None:
    unreadable = _unreadable_for_nobody()
    if unreadable:
        pytest.skip(unreadable)
    with tempfile.TemporaryDirectory() as folder:  # pytest's tmp_path is private to root
        args = _lab(_fake_venv(Path(folder)), *AS_NOBODY).split()
    assert "--allow-root" not in args
    assert args[-3:] == ["--no-browser", "--port", "8899"]
