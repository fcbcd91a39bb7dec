"""README.md and CONTRIBUTING.md against the code: every example runs, every name, path, command and option exists."""

from __future__ import annotations

import ast
import builtins
import importlib
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import cdv_analysis
from cdv_analysis.cli.parser import build_parser
from cdv_analysis.importers import IMPORTERS

PROJECT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "CONTRIBUTING.md")
# Files the docs ask a contributor to create (worked examples), not files of the project.
EXAMPLE_FILES = {"cdv_analysis/modele/emploi.csv", "notebooks/11_renouvellement_urbain.ipynb", "tests/test_emploi.py",
                 "tests/test_x.py"}
# Where the free names of CONTRIBUTING's code examples come from (a notebook's setup cell, the registry, an importer).
EXAMPLE_HOMES = ("cdv_analysis.presentation.notebook_setup", "cdv_analysis.ingest.schemas.registry",
                 "cdv_analysis.importers.base", "cdv_analysis.ingest.iorw", "cdv_analysis.publish.sections")
EXAMPLE_FACTS = {"said", "themes", "meta", "rows", "entry", "source"}  # computed by the notebook around the example
FILE_SUFFIXES = (".py", ".yml", ".csv", ".md", ".ipynb", ".json", ".lock", ".toml", ".html", ".log", ".j2", ".css")


def _text(name: str) -> str:
    return (PROJECT / name).read_text("utf-8")


def _blocks(name: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _text(name), re.S)


def _spans(name: str) -> list[str]:
    """Inline code and every line of the shell blocks."""
    return re.findall(r"`([^`\n]+)`", _text(name)) + [line for block in _blocks(name, "sh")
                                                      for line in block.splitlines()]


def test_the_readme_python_examples_run():
    namespace: dict = {}
    for block in _blocks("README.md", "python"):
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the project's own documentation
    assert namespace["cdv"].parse_montant("4 734 927,00 €") == 4734927.0
    levels = namespace["niveaux"].table  # CALL 2022 evaluation, communes' cooperation with the Région: 52,4 % « relation »
    assert levels.shape == (5, 5) and levels.loc["Région", "relation"] == 52.4
    assert namespace["checks"].run_checks.__module__.startswith("cdv_analysis.analysis.checks")


def test_the_contributing_examples_use_names_that_exist():
    homes = [importlib.import_module(name) for name in EXAMPLE_HOMES]
    for block in _blocks("CONTRIBUTING.md", "python"):
        tree = ast.parse(textwrap.dedent(block).replace("…", "..."))
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
        bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for a in n.args.args}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        missing = {name for name in used - bound - set(dir(builtins)) - EXAMPLE_FACTS
                   if not any(hasattr(home, name) for home in homes)}
        assert not missing, (block.splitlines()[0], sorted(missing))


def _modules() -> dict[str, object]:
    """Every module of the package by its dotted name, and by its last part when that is unique."""
    found = {"cdv_analysis": cdv_analysis}
    for info in pkgutil.walk_packages(cdv_analysis.__path__, "cdv_analysis."):
        if not info.name.endswith("__main__"):
            found[info.name] = importlib.import_module(info.name)
    short: dict[str, list] = {}
    for name, module in found.items():
        short.setdefault(name.rsplit(".", 1)[-1], []).append(module)
    short = {name: modules[0] for name, modules in short.items() if len(modules) == 1}
    return {**short, "publish": found["cdv_analysis.publish"], "ind": found["cdv_analysis.analysis.indicators"],
            "cdv": cdv_analysis, **found}


@pytest.mark.parametrize("doc", DOCS)
def test_every_dotted_name_of_the_docs_exists(doc):
    modules, checked = _modules(), []
    for span in _spans(doc):
        dotted = re.fullmatch(r"([A-Za-z_][\w.]*\.[A-Za-z_]\w*)(\(.*\))?", span.strip())
        if not dotted or dotted[1].split(".")[0] not in modules or dotted[1].endswith(FILE_SUFFIXES):
            continue
        parts = dotted[1].split(".")
        node, start = None, 0
        for end in range(len(parts), 0, -1):  # the longest leading part that is a module
            if ".".join(parts[:end]) in modules:
                node, start = modules[".".join(parts[:end])], end
                break
        for part in parts[start:]:
            if not hasattr(node, part):
                node = importlib.import_module(f"{node.__name__}.{part}")  # a submodule not imported yet
            else:
                node = getattr(node, part)
        checked.append(dotted[1])
    assert len(checked) >= (0 if doc == "README.md" else 20), checked


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_of_the_docs_exists(doc):
    checked = []
    for span in _spans(doc):
        for path in re.findall(r"(?:^|\s)((?:cdv_analysis|notebooks|benchmarks|tests|data)/[^\s`()]*)", span):
            path = path.rstrip(".,;:")
            placeholder = "<" in path or "…" in path or re.search(r"/[A-Z]+(/|\.|$)", path)
            if placeholder or path in EXAMPLE_FILES or path.startswith("data/processed"):
                continue
            assert list(PROJECT.glob(path)) if "*" in path else (PROJECT / path).exists(), path
            checked.append(path)
    assert len(checked) >= 10, checked


@pytest.mark.parametrize("doc", DOCS)
def test_every_make_target_of_the_docs_exists(doc):
    makefile = _text("Makefile")
    targets = {word for span in _spans(doc) for word in re.findall(r"(?:^|\s)make ([a-z][\w-]*)", span)}
    assert {"report", "test", "lock", "lab"} <= targets if doc == "README.md" else targets
    assert not [t for t in targets if not re.search(rf"^{re.escape(t)}:", makefile, re.M)]


def _subcommands() -> dict:
    parser = build_parser()
    return next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices


def test_every_cdv_command_and_option_of_the_docs_exists():
    commands, seen = _subcommands(), set()
    for doc in DOCS:
        for span in _spans(doc):
            for call in re.findall(r"(?:^|\s)cdv ([a-z][\w-]*)(.*)", span):
                name, rest = call
                assert name in commands, (doc, span)
                options = {o for action in commands[name]._actions for o in action.option_strings}
                unknown = set(re.findall(r"--[a-z][\w-]*", rest.split("#")[0])) - options
                assert not unknown, (doc, span, unknown)
                if name == "importer" and rest.split() and not rest.split()[0].startswith("<"):
                    assert rest.split()[0] in IMPORTERS, (doc, span)
                seen.add(name)
    assert seen == set(commands)  # every command is documented


def _tree() -> list[tuple[Path, str]]:
    """The README's « Organisation » map: (path, description) of each entry, nested by indentation."""
    block = _text("README.md").split("## Organisation", 1)[1].split("```")[1]
    entries, stack = [], []
    for line in block.splitlines()[1:]:
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= 20:  # a description continued on the next line
            if entries and line.strip():
                entries[-1] = (entries[-1][0], f"{entries[-1][1]} {line.strip()}")
            continue
        name, _, description = line.strip().partition(" ")
        stack = stack[:indent // 2] + [name]
        entries.append((Path(*stack), description))
    return entries


def test_the_readme_map_names_files_that_exist_and_lists_folders_in_full():
    entries = _tree()
    assert len(entries) > 60
    for path, description in entries:
        assert (PROJECT / path).exists(), path
        if (PROJECT / path).is_dir():
            modules = {p.stem for p in (PROJECT / path).glob("*.py") if not p.stem.startswith("_")}
            named = {m for m in modules if re.search(rf"\b{m}\b", description)}
            assert len(named) < 3 or named == modules, (path, sorted(modules - named))  # a listing is complete
