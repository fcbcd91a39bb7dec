"""The package's layout shows the data flow: each subpackage imports only the layers below it.

rules → ingest → analysis → presentation → importers → publish → cli (config, errors and lifeline are the ground).
"""

import ast
from pathlib import Path

import cdv_analysis

PACKAGE = Path(cdv_analysis.__file__).resolve().parent
LAYERS = {"config": 0, "errors": 0, "lifeline": 0, "rules": 0, "ingest": 1, "analysis": 2, "presentation": 3,
          "importers": 4, "publish": 5, "cli": 6}
# Imports inside a function that climb a layer, each with its reason (not at import time: no cycle).
ALLOWED_UPWARD = {
    # A financer's kind of credit comes from the programmation sheet's vocabulary, which the importer owns.
    ("cdv_analysis.analysis.indicators.programmation_actions", "cdv_analysis.importers.programmation"),
}
MAX_LINES = 420


def _module(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    is_init = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_init else parts), is_init


def _imports(path: Path):
    module, is_init = _module(path)
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = module.split(".") if is_init else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, *([node.module] if node.module else [])])
        elif node.module and node.module.startswith("cdv_analysis"):
            target = node.module
        else:
            continue
        yield module, target


def test_every_top_level_name_has_a_layer():
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert names == set(LAYERS)


def test_no_module_imports_a_layer_above_its_own():
    upward = set()
    for path in PACKAGE.rglob("*.py"):
        for module, target in _imports(path):
            source_parts, target_parts = module.split("."), target.split(".")
            if len(source_parts) < 2 or len(target_parts) < 2:
                continue  # the package root re-exports names lazily; importing the root itself is not a layer
            if LAYERS[target_parts[1]] > LAYERS[source_parts[1]]:
                upward.add((module, target))
    assert upward == ALLOWED_UPWARD


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
