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
    assert "-m venv" in makefile and "-m pip" in makefile and "$(PIP) install" in makefile


def test_the_cdv_command_is_an_entry_point():
    assert _pyproject()["project"]["scripts"]["cdv"] == "cdv_analysis.cli:main"


def test_build_outputs_are_ignored_by_git():
    ignored = (PROJECT / ".gitignore").read_text("utf-8")
    assert "/data/processed/*" in ignored and "/reports/*" in ignored


def _locked() -> dict[str, list[tuple[str, str]]]:
    """Pinned (version, environment marker) pairs of each package of requirements.lock."""
    from cdv_analysis.config import locked_pins

    return locked_pins((PROJECT / "requirements.lock").read_text("utf-8"))


def test_the_lock_pins_every_dependency_with_hashes():
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    lock = (PROJECT / "requirements.lock").read_text("utf-8")
    pins = _locked()
    project = _pyproject()["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    requirements += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    for requirement in requirements:
        versions = pins.get(_name(requirement.name))
        assert versions, f"{requirement.name} is missing from requirements.lock: run `make lock`"
        # This machine's Python picks one pin; it must satisfy pyproject's range.
        here = [v for v, marker in versions if not marker or Marker(marker).evaluate()]
        assert len(here) == 1 and requirement.specifier.contains(here[0], prereleases=True), (requirement, versions)
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n", 2)[2].strip())
    assert len(entries) == sum(len(v) for v in pins.values()) > len(requirements)
    assert all("--hash=sha256:" in entry for entry in entries)
    assert "pytest-xdist" in pins  # the parallel test suite


def test_environment_yml_ranges_admit_the_locked_versions():
    from packaging.requirements import Requirement

    pins = _locked()
    environment = yaml.safe_load((PROJECT / "environment.yml").read_text("utf-8"))
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and _name(entry) not in {"python", "pip"}:
            requirement = Requirement(entry.replace(" ", ""))
            assert any(requirement.specifier.contains(v, prereleases=True) for v, _ in pins[_name(entry)]), entry


def test_make_installs_the_lock_with_hashes_then_the_project_alone():
    makefile = (PROJECT / "Makefile").read_text("utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*?)(?=^\S)", makefile, re.M | re.S)[0]
    assert "$(LOCK)" in stamp.splitlines()[0] and "LOCK := requirements.lock" in makefile
    assert "install --require-hashes -r $(LOCK)" in stamp and "install --no-deps -e ." in stamp
    assert stamp.index("--require-hashes") < stamp.index("--no-deps")
    # PYTHONDONTWRITEBYTECODE=1 on the shared machine: what pip does not compile, compileall must.
    assert "--no-compile" not in stamp or stamp.index("compileall") > stamp.rindex("--no-compile")
    lock_target = re.search(r"^lock:(.*?)(?=^\S)", makefile, re.M | re.S)[0]
    assert "uv pip compile pyproject.toml --extra test" in lock_target and "--generate-hashes" in lock_target


def test_the_reports_name_the_lock_hash():
    import cdv_analysis as cdv
    from cdv_analysis.presentation import narrative

    digest = cdv.config.lock_fingerprint()
    import hashlib

    assert digest == hashlib.sha256((PROJECT / "requirements.lock").read_bytes()).hexdigest()
    text = narrative.provenance_paragraph("0.1.0", "ab" * 32, "call", 2022, digest)
    assert f"`{digest[:16]}`" in text and "requirements.lock" in text
    assert "non verrouillées" in narrative.provenance_paragraph("0.1.0", "ab" * 32, "call", 2022, None)


def _imported(folder: Path) -> dict[str, str]:
    """Top-level modules imported by the files of ``folder`` (any depth, in functions too) → a file that does."""
    import ast
    import sys

    local = {p.stem for p in (PROJECT / "tests").glob("*.py")} | {p.stem for p in (PROJECT / "benchmarks").glob("*.py")}
    found = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local and top != "cdv_analysis":
                    found.setdefault(top, path.relative_to(PROJECT).as_posix())
    return found


def test_every_third_party_import_is_declared():
    """Imported by the package, its tests or its benchmarks ⇒ declared (not only there through another package)."""
    from importlib.metadata import packages_distributions

    project = _pyproject()["project"]
    declared = {_name(r) for r in project["dependencies"]}
    tests = declared | {_name(r) for r in project["optional-dependencies"]["test"]}
    distributions = packages_distributions()
    for folder, allowed in (("cdv_analysis", declared), ("tests", tests), ("benchmarks", tests)):
        for module, where in _imported(PROJECT / folder).items():
            names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
            assert names & allowed, f"{where} imports {module} ({', '.join(sorted(names))}), not declared"


LOCK_SAMPLE = """# This file was autogenerated by uv via the following command:
#    make lock
numpy==2.2.6 ; python_full_version < '3.12' \\
    --hash=sha256:aa
numpy==2.4.1 ; python_full_version >= '3.12' \\
    --hash=sha256:bb
pandas==2.2.3 \\
    --hash=sha256:cc
    # via cdv-analysis (pyproject.toml)
pywin32==311 ; sys_platform == 'win32' \\
    --hash=sha256:dd
jupyter-client==8.10.0 \\
    --hash=sha256:ee
"""


def test_the_installed_versions_are_compared_with_the_lock_pins_of_this_python():
    import sys

    from cdv_analysis.config import version_drift

    numpy = "2.2.6" if sys.version_info < (3, 12) else "2.4.1"
    installed = {"numpy": numpy, "pandas": "2.3.1", "pywin32": "300", "jupyter-client": "8.10"}
    # pandas upgraded by hand; numpy is the pin of this Python; pywin32's pin is not for this platform;
    # 8.10 is 8.10.0; a locked package not installed (none here) is not a difference.
    assert version_drift(LOCK_SAMPLE, installed) == (("pandas", "2.3.1", "2.2.3"),)
    assert version_drift(LOCK_SAMPLE, {**installed, "pandas": "2.2.3"}) == ()


def test_the_project_environment_is_the_locked_one():
    """`make test` installs the lock: nothing differs, so the pages say « versions exactes … fixées »."""
    from cdv_analysis.config import environment_drift

    assert environment_drift() == ()


def test_the_stamp_names_the_versions_that_differ_from_the_lock():
    from cdv_analysis.presentation import narrative

    lock = "e5" * 32
    text = narrative.provenance_paragraph("0.1.0", "ab" * 32, "call", 2022, lock,
                                          [("pandas", "2.3.1", "2.2.3"), ("numpy", "2.3.0", "2.2.6")])
    assert "versions exactes" not in text and f"`{lock[:16]}`" in text
    assert "pandas 2\\.3\\.1 au lieu de 2\\.2\\.3 et numpy 2\\.3\\.0 au lieu de 2\\.2\\.6" in text
    assert "versions exactes" in narrative.provenance_paragraph("0.1.0", "ab" * 32, "call", 2022, lock, ())


def test_a_drifted_environment_is_another_cache_key(monkeypatch):
    from cdv_analysis.publish import cache

    locked = cache.code_fingerprint()
    monkeypatch.setattr(cache, "environment_drift", lambda: (("pandas", "2.3.1", "2.2.3"),))
    assert cache.code_fingerprint() != locked
