"""cdv-analysis: reproducible evaluation of French Contrats de Ville.

Typical use in a notebook::

    import cdv_analysis as cdv
    call = cdv.load_territory("call")
    call.table("financements")
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("cdv-analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

# Names are imported on first use (PEP 562): `import cdv_analysis` stays light, so that the `cdv`
# command's guard is in place before pandas loads (a Ctrl-C then is a French message, not a traceback).
_EXPORTS = {
    "rules.clean": ("Figure", "ParseError", "name_key", "normalise_commune", "normalise_porteur", "parse_figure",
              "parse_montant", "parse_nombre", "parse_pourcentage"),
    "rules.harmonise": ("PILLAR_CODES", "pillar_label", "vocabulary"),
    "ingest.load": ("Territory", "default_data_dir", "discover_territories", "load_valid", "load_territory",
             "validate_territory"),
    "ingest.problems": ("DataError", "Problem"),
    "ingest.schemas": ("TABLES",),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    if name in _HOME:
        from importlib import import_module

        value = getattr(import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "__version__",
    "Figure",
    "ParseError",
    "name_key",
    "normalise_commune",
    "normalise_porteur",
    "parse_figure",
    "parse_montant",
    "parse_nombre",
    "parse_pourcentage",
    "PILLAR_CODES",
    "pillar_label",
    "vocabulary",
    "Territory",
    "default_data_dir",
    "discover_territories",
    "load_valid",
    "load_territory",
    "validate_territory",
    "DataError",
    "Problem",
    "TABLES",
]
