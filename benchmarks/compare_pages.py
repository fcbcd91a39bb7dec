"""Compare two builds of the reports byte for byte, but for the stamps that legitimately change.

The page's fingerprint (it hashes the package's code) and its build date differ between two builds of
the same data; everything else — every page, every published CSV — must be identical.

    .venv/bin/python benchmarks/compare_pages.py AVANT APRES
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

_STAMPS = re.compile(r"(<dt>(?:Empreinte de la page|Construit le)</dt><dd>)[^<]*(</dd>)")


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".html":
        data = _STAMPS.sub(r"\1…\2", data.decode("utf-8")).encode("utf-8")
    return data


def compare(before: Path, after: Path) -> list[str]:
    """French lines, one per file that differs or exists on one side only (empty: identical builds)."""
    def files(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*")
                if p.is_file() and (p.suffix == ".csv" or p.suffix == ".html")}

    old, new = files(before), files(after)
    lines = [f"seulement dans {before} : {p}" for p in sorted(old - new)]
    lines += [f"seulement dans {after} : {p}" for p in sorted(new - old)]
    for relative in sorted(old & new):
        a, b = normalised(before / relative), normalised(after / relative)
        if a != b:
            diff = difflib.unified_diff(a.decode("utf-8", "replace").splitlines(),
                                        b.decode("utf-8", "replace").splitlines(), lineterm="", n=0)
            lines.append(f"différent : {relative}\n" + "\n".join(line[:300] for line in list(diff)[:12]))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Compare deux constructions des rapports.")
    parser.add_argument("avant", type=Path)
    parser.add_argument("apres", type=Path)
    args = parser.parse_args()
    differences = compare(args.avant, args.apres)
    count = sum(1 for root in (args.avant,) for p in root.rglob("*") if p.suffix in {".csv", ".html"})
    print("\n".join(differences) or f"identiques : {count} fichiers (pages et CSV), hors empreinte et date")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
