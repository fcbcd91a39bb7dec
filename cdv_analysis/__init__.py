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

from .clean import (  # noqa: E402
    Figure,
    ParseError,
    name_key,
    normalise_commune,
    normalise_porteur,
    parse_figure,
    parse_montant,
    parse_nombre,
    parse_pourcentage,
)
from .harmonise import PILLAR_CODES, pillar_label, vocabulary  # noqa: E402
from .load import (  # noqa: E402
    Territory,
    default_data_dir,
    discover_territories,
    load_valid,
    load_territory,
    validate_territory,
)
from .problems import DataError, Problem  # noqa: E402
from .schemas import TABLES  # noqa: E402

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
