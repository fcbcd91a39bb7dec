"""Paragraph templates with computed values, the way Quarto mixes prose and inline results.

A notebook keeps its wording in a short template and passes the facts computed
in Python::

    show_markdown(render("En {{ annee | annee }}, {{ n }} projets totalisent {{ total | euros }}.",
                         annee=annee, n=n, total=total))

Numbers come out French-style (``formatting``) and every other value is escaped
for Markdown (``markup.escape_markdown``) when it is inserted: data text cannot
become markup, by construction. Text built by a Python agreement helper
(``pluriel``, ``liste_fr``) is passed through :func:`safe` only when each data
piece in it was escaped already.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import pandas as pd

from ..rules import formatting as fr
from ..rules.markup import escape_markdown

__all__ = ["Safe", "render", "safe"]


class Safe(str):
    """Markdown already escaped (or written by the code): inserted as it is."""


def safe(text: object) -> Safe:
    return Safe(text)


def _number(value: float) -> str:
    return fr.nombre(value, None)


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and bool(pd.isna(value)))


def _finalize(value: object) -> str:
    if isinstance(value, Safe):
        return value
    if _missing(value):
        return fr.MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, numbers.Real):
        return _number(value)
    return escape_markdown(value)


def _filter(function):
    return lambda value, *args: Safe(escape_markdown(function(value, *args)))


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, StrictUndefined

    environment = Environment(finalize=_finalize, undefined=StrictUndefined, autoescape=False,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    environment.filters.update(
        euros=_filter(fr.euros), pourcent=_filter(fr.pourcent), nombre=_filter(fr.nombre),
        variation=_filter(fr.variation), guillemets=lambda v: Safe(fr.guillemets(escape_markdown(v))),
        pluriel=lambda n, one, many=None: Safe(escape_markdown(fr.pluriel(n, one, many))),
        liste=lambda items: Safe(fr.liste_fr(v if isinstance(v, Safe) else _finalize(v) for v in items)),
        annee=lambda value: Safe(str(int(value)) if isinstance(value, numbers.Real) else escape_markdown(value)),
    )
    return environment


def render(template: str, **facts: object) -> str:
    """``template`` (Jinja2) filled with ``facts``: French numbers, escaped text.

    Missing values (None, NaN, NA) become None, so that ``{% if value %}`` tests them safely;
    a year is written ``{{ year | annee }}`` (no thousands separator).
    """
    facts = {key: None if _missing(value) else value for key, value in facts.items()}
    return _environment().from_string(template).render(**facts).strip()
