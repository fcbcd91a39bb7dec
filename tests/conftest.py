"""Shared fixtures: the embedded data folder and disposable copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cdv_analysis as cdv

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def cabbalr():
    return cdv.load_territory("cabbalr", RAW)


@pytest.fixture(scope="session")
def call():
    return cdv.load_territory("call", RAW)


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw (tests corrupt it, never the original)."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target
