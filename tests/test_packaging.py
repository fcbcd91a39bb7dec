"""The project installs itself: pyproject, environment.yml, Makefile and CI agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    project = _pyproject()["project"]
    wanted = {_name(r): r.replace(" ", "") for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        wanted.update({_name(r): r.replace(" ", "") for r in extra})
    environment = yaml.safe_load((PROJECT / "environment.yml").read_text("utf-8"))
    conda = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and _name(entry) not in {"python", "pip"}:
            conda[_name(entry)] = entry.replace(" ", "")
    assert conda == wanted
    pip_section = next(e for e in environment["dependencies"] if isinstance(e, dict))
    assert "-e ." in pip_section["pip"]
    python = next(e for e in environment["dependencies"] if isinstance(e, str) and _name(e) == "python")
    assert python.replace(" ", "") == "python" + _pyproject()["project"]["requires-python"]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (PROJECT / "README.md").read_text("utf-8")
    assert "make test" in readme and "make report" in readme
    commands = [line.strip() for line in (PROJECT / ".ci" / "run").read_text("utf-8").splitlines()
                if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert commands == ["make test"]


def test_makefile_installs_the_project_into_its_own_venv():
    makefile = (PROJECT / "Makefile").read_text("utf-8")
    assert re.search(r"^report: \$\(STAMP\)", makefile, re.M)
    assert re.search(r"^test: \$\(STAMP\)", makefile, re.M)
    assert "-m venv" in makefile and "pip install" in makefile


def test_the_cdv_command_is_an_entry_point():
    assert _pyproject()["project"]["scripts"]["cdv"] == "cdv_analysis.cli:main"


def test_build_outputs_are_ignored_by_git():
    ignored = (PROJECT / ".gitignore").read_text("utf-8")
    assert "/data/processed/*" in ignored and "/reports/*" in ignored
