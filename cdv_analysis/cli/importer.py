"""``cdv importer JEU FICHIER``: an importer of the registry (``importers.IMPORTERS``) with its options."""

from __future__ import annotations

import argparse
import sys

from .common import data_folder

__all__ = ["command_importer"]


def command_importer(args: argparse.Namespace) -> int:
    from ..rules.formatting import is_singular
    from ..importers import IMPORTERS

    importer = IMPORTERS[args.jeu]
    accepted = {option.name for option in importer.options}
    settings, refused = {}, []
    for name, flag in _importer_flags().items():
        value = getattr(args, name, None)
        if value is None:
            continue
        if name not in accepted:
            refused.append(flag)
            continue
        option = next(o for o in importer.options if o.name == name)
        settings[name] = [part.strip() for part in value.split(",") if part.strip()] if option.comma_list else value
    if refused:
        print(f"{'Option' if is_singular(len(refused)) else 'Options'} sans effet pour « {importer.name} » : {', '.join(refused)} "
              f"(options de cet import : {', '.join(o.flag for o in importer.options) or 'aucune'}).", file=sys.stderr)
        return 2
    summary = importer(args.fichier, data_folder(args), **settings).run()  # ImportFailed: a CdvError, worded by main
    print(summary.text())
    return 0 if summary.ok and not summary.unchanged else 1  # an import that wrote nothing says so, exits 1


def _importer_flags() -> dict[str, str]:
    """Keyword → ``--flag`` of every option some registered importer declares."""
    from ..importers import IMPORTERS

    return {option.name: option.flag for importer in IMPORTERS.values() for option in importer.options}
